import Foundation
import KonfliktCore

/// The ids a `LeanLineDecoder` looks up, as bytes: the questions whose answers matter, their values, the
/// actions and their statuses. The case index builds them from its schema (`CaseSchema.leanTables`);
/// the storage module only matches bytes against them. Every id is ASCII (a schema with other ids
/// has no tables: `String` equality of non-ASCII text is not byte equality). Kept flat (one byte
/// buffer per kind of id), so that looking an id up touches no reference counts.
public final class LeanLineTables: Sendable {
    /// One question whose answer the fold reads (only to build the tables).
    public struct Question: Sendable {
        /// The question id.
        public var id: [UInt8]
        /// Kept answer values and their bits (`.string` and `.strings` answers).
        public var values: [[UInt8]] = [], bits: [Int] = []
        /// The bits of a `true` and a `false` answer, if kept.
        public var trueBit: Int?, falseBit: Int?
        /// The visit choices and their rows, when this is the visit question.
        public var visits: [[UInt8]] = [], rows: [Int8] = []
        /// Whether this is the visit date question and the child's CPR question.
        public var isDate = false, isCPR = false

        public init(id: [UInt8]) { self.id = id }
    }

    let formID: ByteIDs
    let questions: ByteIDs
    /// Per question: its kept values (a range of `values`), its visit choices (a range of `visits`), the
    /// bits of `true` and `false` (-1: none), and whether it is the date and the CPR question.
    let valueRanges: [Range<Int>], visitRanges: [Range<Int>], trueBits: [Int], falseBits: [Int]
    let isDate: [Bool], isCPR: [Bool]
    let values: ByteIDs, valueBits: [Int]
    let visits: ByteIDs, visitRows: [Int8]
    /// The action ids (first occurrence of each), their bits, and whether they flag a case.
    let actions: ByteIDs, actionBits: [Int], flagging: [Bool]
    /// The status ids of each action bit, in order (a range of `statuses` per bit).
    let statuses: ByteIDs, statusRanges: [Range<Int>]

    public init(formID: [UInt8], questions: [Question], actions: [[UInt8]], actionBits: [Int], flagging: [Bool],
                statuses: [[[UInt8]]]) {
        self.formID = ByteIDs([formID])
        self.questions = ByteIDs(questions.map(\.id))
        var valueRanges: [Range<Int>] = [], visitRanges: [Range<Int>] = [], values: [[UInt8]] = [], visits: [[UInt8]] = []
        for question in questions {
            valueRanges.append(values.count..<values.count + question.values.count)
            values += question.values
            visitRanges.append(visits.count..<visits.count + question.visits.count)
            visits += question.visits
        }
        self.valueRanges = valueRanges
        self.visitRanges = visitRanges
        self.values = ByteIDs(values)
        valueBits = questions.flatMap(\.bits)
        self.visits = ByteIDs(visits)
        visitRows = questions.flatMap(\.rows)
        trueBits = questions.map { $0.trueBit ?? -1 }
        falseBits = questions.map { $0.falseBit ?? -1 }
        isDate = questions.map(\.isDate)
        isCPR = questions.map(\.isCPR)
        self.actions = ByteIDs(actions)
        self.actionBits = actionBits
        self.flagging = flagging
        var statusRanges: [Range<Int>] = [], all: [[UInt8]] = []
        for list in statuses {
            statusRanges.append(all.count..<all.count + list.count)
            all += list
        }
        self.statuses = ByteIDs(all)
        self.statusRanges = statusRanges
    }
}

/// A list of byte strings, one after another in one buffer, found by their bytes.
struct ByteIDs: Sendable {
    private let bytes: [UInt8]
    /// Where each id ends in `bytes`.
    private let ends: [Int]
    /// The positions of the ids shorter than 64 bytes, by length and then position, and where those of
    /// each length start in it (`lengthStarts[n]..<lengthStarts[n + 1]`): a look-up compares only ids
    /// of the text's length.
    private let byLength: [Int], lengthStarts: [Int]

    init(_ ids: [[UInt8]]) {
        bytes = ids.flatMap { $0 }
        var ends: [Int] = [], end = 0
        for id in ids {
            end += id.count
            ends.append(end)
        }
        self.ends = ends
        var lengthStarts = [Int](repeating: 0, count: 65)
        for id in ids where id.count < 64 { lengthStarts[id.count + 1] += 1 }
        for length in 0..<64 { lengthStarts[length + 1] += lengthStarts[length] }
        var next = lengthStarts
        var byLength = [Int](repeating: 0, count: lengthStarts[64])
        for (position, id) in ids.enumerated() where id.count < 64 {
            byLength[next[id.count]] = position
            next[id.count] += 1
        }
        self.byLength = byLength
        self.lengthStarts = lengthStarts
    }

    var count: Int { ends.count }

    /// The position of the first id equal to `text`, if any.
    @inline(__always)
    func find(_ text: UnsafeRawBufferPointer) -> Int? {
        let length = text.count
        guard length < 64 else { return find(text, in: 0..<ends.count) }
        return bytes.withUnsafeBytes { all in
            ends.withUnsafeBufferPointer { ends in
                byLength.withUnsafeBufferPointer { byLength in
                    lengthStarts.withUnsafeBufferPointer { starts in
                        for slot in starts[length]..<starts[length + 1] {
                            let index = byLength[slot]
                            let start = index == 0 ? 0 : ends[index - 1]
                            if length == 0 || memcmp(all.baseAddress! + start, text.baseAddress!, length) == 0 {
                                return index
                            }
                        }
                        return nil
                    }
                }
            }
        }
    }

    /// The position of the first id equal to `text` in `range` of the positions, if any.
    @inline(__always)
    func find(_ text: UnsafeRawBufferPointer, in range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        return bytes.withUnsafeBytes { all in
            ends.withUnsafeBufferPointer { ends in
                var start = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
                for index in range {
                    let end = ends[index]
                    if end - start == text.count,
                       text.count == 0 || memcmp(all.baseAddress! + start, text.baseAddress!, text.count) == 0 {
                        return index
                    }
                    start = end
                }
                return nil
            }
        }
    }
}

/// A line's `hash` as the fold carries it to the file's head: the 64 bytes the writer writes kept
/// inline (no allocation per line), any other text as it is.
public struct LineHash: Sendable, Equatable {
    private var digits = SIMD64<UInt8>.zero
    private var other: String?

    /// The hash written as `text`.
    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { LineHash(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The hash whose text has the UTF-8 bytes `utf8`.
    public init(utf8: UnsafeRawBufferPointer) {
        if utf8.count == 64 {
            digits = utf8.loadUnaligned(as: SIMD64<UInt8>.self)
        } else {
            other = String(decoding: utf8, as: UTF8.self)
        }
    }

    /// The hash's text.
    public var text: String {
        if let other { return other }
        return withUnsafeBytes(of: digits) { String(decoding: $0, as: UTF8.self) }
    }
}

/// What the case index's fold needs of one clear screening, correction or follow-up line, read straight
/// from its bytes by `LeanLineDecoder`: numbers, bits and interned strings, no answers dictionary.
public struct LeanLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case screening, correction, followup }

    public var kind: Kind
    public var seq: Int
    public var id: UUID
    /// The envelope's timestamp (nil when `Timestamp.parse` cannot read it).
    public var time: Date?
    public var device: String, author: String
    public var hash: LineHash
    /// Screenings: whether the form is another than the schema's, and its version.
    public var otherForm = false, formVersion = 0
    /// Corrections and follow-ups: the screening.
    public var screening = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    /// Screenings and corrections: the decision's flag, whether there is an override, the recommended,
    /// overriding and tracked action bits.
    public var flagged = false, overridden = false
    public var recommended: UInt64 = 0, overrideActions: UInt64 = 0, tracked: UInt64 = 0
    /// The date question's answer when it is a valid date, and the body's visit date.
    public var answerDay: LocalDate?, visitDate: LocalDate?
    /// The visit's row, -1 when none.
    public var visit: Int8 = -1
    /// The kept answers' bits (0–63, 64–127).
    public var answersLow: UInt64 = 0, answersHigh: UInt64 = 0
    /// The CPR answer's digits: how many (-1 when there is no text answer) and the first ten as a number.
    public var cprDigits = -1, cprValue: UInt64 = 0
    /// Follow-ups: the action's bit (-1 when unknown), the status's position in its statuses (-1 when
    /// unknown) and the date's day number.
    public var actionBit = -1, statusIndex = -1, day = 0
}

/// Reads a clear screening, correction or follow-up line straight into a `LeanLine`, for the case index.
///
/// It accepts only lines the lean `FastLineDecoder` also accepts, with the same token readers (so every
/// check on the way is the same), and gives what `CaseIndex.step` would work out of that event. It is
/// stricter: keys with escapes or non-ASCII bytes, ids and values the fold compares that have them, a
/// body before the envelope's `type`, and export and access lines give nil, and the caller takes the
/// usual path for the line. The caller has checked the line's hash layout (`EventLine.check`), that it
/// is valid UTF-8 and that it is not sealed.
public enum LeanLineDecoder {
    typealias Reject = FastLineDecoder.Reject

    /// The line read as above, or nil: take the usual path.
    public static func decode(_ bytes: UnsafeRawBufferPointer, tables: LeanLineTables) -> LeanLine? {
        guard let typeRange = LogEvent.peekTypeRange(bytes) else { return nil }
        var reader = FastLineDecoder(bytes: bytes, lean: true)
        do throws(Reject) {
            let line = try reader.leanLine(peeked: UnsafeRawBufferPointer(rebasing: bytes[typeRange]), tables: tables)
            reader.skipWhitespace()
            guard reader.offset == bytes.count else { return nil }
            return line
        } catch {
            return nil
        }
    }
}

extension FastLineDecoder {
    /// The key at the cursor as raw bytes: ASCII without escapes, else rejected.
    fileprivate mutating func rawKey() throws(Reject) -> UnsafeRawBufferPointer {
        let (range, escaped) = try rawString()
        let key = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard !escaped, Self.isASCII(key) else { throw Reject() }
        return key
    }

    /// A string checked as `string` checks it: its raw bytes (between the quotes) and whether it has escapes.
    fileprivate mutating func rawString() throws(Reject) -> (range: Range<Int>, escaped: Bool) {
        skipWhitespace()
        let quote = offset
        try expect(UInt8(ascii: "\""))
        let end = firstSpecial(from: offset)
        guard end < bytes.count else { throw Reject() }
        let byte = bytes[end]
        if byte == UInt8(ascii: "\"") {
            offset = end + 1
            return (quote + 1..<end, false)
        }
        guard byte == UInt8(ascii: "\\") else { throw Reject() }
        offset = quote
        _ = try string(keeping: false)
        return (quote + 1..<offset - 1, true)
    }

    /// A string the fold compares with ids or reads: its raw bytes, ASCII without escapes, else rejected.
    fileprivate mutating func plainString() throws(Reject) -> UnsafeRawBufferPointer {
        let (range, escaped) = try rawString()
        let text = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard !escaped, Self.isASCII(text) else { throw Reject() }
        return text
    }

    /// A string kept as text (device, author, hash): without escapes, else rejected.
    fileprivate mutating func textString() throws(Reject) -> String {
        let (range, escaped) = try rawString()
        guard !escaped else { throw Reject() }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    @inline(__always)
    fileprivate static func isASCII(_ text: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        let count = text.count
        if let base = text.baseAddress {
            while position + 8 <= count {
                guard (base + position).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 else { return false }
                position += 8
            }
        }
        while position < count {
            guard text[position] < 0x80 else { return false }
            position += 1
        }
        return true
    }

    /// A date as `LocalDate(iso:)` reads the text with these UTF-8 bytes (`YYYY-MM-DD`, ASCII digits, a
    /// day that exists), without making the `String`.
    fileprivate static func isoDate(_ text: UnsafeRawBufferPointer) -> LocalDate? {
        guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var value = 0
            for position in from..<to {
                let byte = text[position]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 7), let day = number(8, 10) else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }

    /// An answer checked exactly as `answer` checks it, and thrown away (no strings are made).
    fileprivate mutating func skipAnswer() throws(Reject) {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try string(keeping: false)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "["): _ = try strings(keeping: false)
        default: _ = try double()
        }
    }

    /// An object whose keys are read raw (see `rawKey`).
    @inline(__always)
    fileprivate mutating func rawObject(_ member: (inout FastLineDecoder, UnsafeRawBufferPointer) throws(Reject) -> Void)
        throws(Reject) {
        try members(key: { (reader: inout FastLineDecoder) throws(Reject) in try reader.rawKey() }, member)
    }

    /// Marks `seen` (a key read before is rejected, as `once` does).
    @inline(__always)
    fileprivate static func first(_ seen: inout Bool) throws(Reject) {
        guard !seen else { throw Reject() }
        seen = true
    }

    /// The envelope, as `line` reads it, with the body read as `peeked` says.
    fileprivate mutating func leanLine(peeked: UnsafeRawBufferPointer, tables: LeanLineTables) throws(Reject) -> LeanLine {
        var line = LeanLine(kind: .screening, seq: 0, id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                            time: nil, device: "", author: "", hash: LineHash(""))
        var prev = false, seq = false, version = false, id = false, ts = false, type = false
        var device = false, author = false, hash = false, body = false
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "prev") {
                try Self.first(&prev); _ = try reader.string(keeping: false)
            } else if Self.key(key, "seq") {
                try Self.first(&seq); line.seq = try reader.integer()
            } else if Self.key(key, "v") {
                try Self.first(&version)
                guard try reader.integer() <= EventLine.version else { throw Reject() }
            } else if Self.key(key, "id") {
                try Self.first(&id); line.id = try reader.uuid()
            } else if Self.key(key, "ts") {
                try Self.first(&ts)
                let (range, escaped) = try reader.rawString()
                guard !escaped else { throw Reject() }
                line.time = Timestamp.parse(utf8: UnsafeRawBufferPointer(rebasing: reader.bytes[range]))
            } else if Self.key(key, "type") {
                try Self.first(&type)
                let text = try reader.plainString()
                guard text.elementsEqual(peeked) else { throw Reject() }
                if Self.key(text, "screening") { line.kind = .screening }
                else if Self.key(text, "correction") { line.kind = .correction }
                else if Self.key(text, "followup") { line.kind = .followup }
                else { throw Reject() }      // exports, access lines and unknown types: the usual path
            } else if Self.key(key, "device") {
                try Self.first(&device); line.device = try reader.textString()
            } else if Self.key(key, "author") {
                try Self.first(&author); line.author = try reader.textString()
            } else if Self.key(key, "hash") {
                try Self.first(&hash)
                let (range, escaped) = try reader.rawString()
                guard !escaped else { throw Reject() }
                line.hash = LineHash(utf8: UnsafeRawBufferPointer(rebasing: reader.bytes[range]))
            } else if Self.key(key, "enc") {
                throw Reject()
            } else if Self.key(key, "body") {
                // A body before the type: the usual path.
                guard type else { throw Reject() }
                try Self.first(&body)
                switch line.kind {
                case .screening: try reader.leanScreening(&line, tables: tables)
                case .correction: try reader.leanCorrection(&line, tables: tables)
                case .followup: try reader.leanFollowup(&line, tables: tables)
                }
            } else {
                try reader.skipValue(depth: 0)
            }
        }
        guard prev, seq, version, id, ts, type, device, author, hash, body else { throw Reject() }
        return line
    }

    @inline(__always)
    fileprivate static func key(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
    }

    /// A screening body (as `screening` reads it).
    private mutating func leanScreening(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        var form = false, formVersion = false, fingerprint = false, outcome = OutcomeKeys()
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "form") {
                try Self.first(&form)
                line.otherForm = tables.formID.find(try reader.plainString()) == nil
            } else if Self.key(key, "formVersion") {
                try Self.first(&formVersion); line.formVersion = try reader.integer()
            } else if Self.key(key, "formFingerprint") {
                try Self.first(&fingerprint); _ = try reader.string(keeping: false)
            } else if try !reader.leanOutcome(key, &outcome, &line, tables: tables) {
                try reader.skipValue(depth: 0)
            }
        }
        guard form, formVersion, fingerprint, outcome.answers, outcome.decision else { throw Reject() }
    }

    /// Which of the keys a screening and a correction share were read (each at most once).
    fileprivate struct OutcomeKeys {
        var answers = false, decision = false, visitDate = false, override = false
    }

    /// Reads the value of `key` when it is one a screening and a correction share (answers, decision,
    /// visit date, override) into `line`; false for any other key.
    @inline(__always)
    fileprivate mutating func leanOutcome(_ key: UnsafeRawBufferPointer, _ seen: inout OutcomeKeys, _ line: inout LeanLine,
                                          tables: LeanLineTables) throws(Reject) -> Bool {
        if Self.key(key, "answers") {
            try Self.first(&seen.answers); try leanAnswers(&line, tables: tables)
        } else if Self.key(key, "decision") {
            try Self.first(&seen.decision); try leanDecision(&line, tables: tables)
        } else if Self.key(key, "visitDate") {
            try Self.first(&seen.visitDate); line.visitDate = try dateOrNull()
        } else if Self.key(key, "override") {
            try Self.first(&seen.override); try leanOverride(&line, tables: tables)
        } else {
            return false
        }
        return true
    }

    /// A correction body (as `correction` reads it).
    private mutating func leanCorrection(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        var screening = false, reason = false, outcome = OutcomeKeys()
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "screening") {
                try Self.first(&screening); line.screening = try reader.uuid()
            } else if Self.key(key, "reason") {
                try Self.first(&reason); _ = try reader.string(keeping: false)
            } else if try !reader.leanOutcome(key, &outcome, &line, tables: tables) {
                try reader.skipValue(depth: 0)
            }
        }
        guard screening, outcome.answers, outcome.decision, reason else { throw Reject() }
    }

    /// A follow-up body (as `followup` reads it).
    private mutating func leanFollowup(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        var screening = false, action = false, status = false, date = false, note = false
        var statusText: UnsafeRawBufferPointer?
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "screening") {
                try Self.first(&screening); line.screening = try reader.uuid()
            } else if Self.key(key, "action") {
                try Self.first(&action)
                let text = try reader.plainString()
                line.actionBit = tables.actions.find(text).map { tables.actionBits[$0] } ?? -1
            } else if Self.key(key, "status") {
                try Self.first(&status); statusText = try reader.plainString()
            } else if Self.key(key, "date") {
                try Self.first(&date); line.day = try reader.date().dayNumber
            } else if Self.key(key, "note") {
                try Self.first(&note); _ = try reader.string(keeping: false)
            } else {
                try reader.skipValue(depth: 0)
            }
        }
        guard screening, action, status, date, note, let statusText else { throw Reject() }
        if line.actionBit >= 0, line.actionBit < tables.statusRanges.count {
            let range = tables.statusRanges[line.actionBit]
            line.statusIndex = tables.statuses.find(statusText, in: range).map { $0 - range.lowerBound } ?? -1
        }
    }

    /// A decision (as `decision` reads it): the flag, and the actions as bits.
    private mutating func leanDecision(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        var form = false, formVersion = false, fingerprint = false, actions = false, flagged = false
        var rules = false, warnings = false
        var recommended: UInt64 = 0, flagging: UInt64 = 0
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "form") {
                try Self.first(&form); _ = try reader.string(keeping: false)
            } else if Self.key(key, "formVersion") {
                try Self.first(&formVersion); _ = try reader.integer()
            } else if Self.key(key, "formFingerprint") {
                try Self.first(&fingerprint); _ = try reader.string(keeping: false)
            } else if Self.key(key, "actions") {
                try Self.first(&actions)
                try reader.array { (reader: inout FastLineDecoder) throws(Reject) in
                    let text = try reader.plainString()
                    if let index = tables.actions.find(text) {
                        let bit: UInt64 = 1 << UInt64(tables.actionBits[index])
                        recommended |= bit
                        if tables.flagging[index] { flagging |= bit }
                    }
                }
            } else if Self.key(key, "flagged") {
                try Self.first(&flagged); line.flagged = try reader.bool()
            } else if Self.key(key, "rules") {
                try Self.first(&rules)
                try reader.array { (reader: inout FastLineDecoder) throws(Reject) in _ = try reader.firedRule() }
            } else if Self.key(key, "warnings") {
                try Self.first(&warnings); _ = try reader.strings(keeping: false)
            } else {
                try reader.skipValue(depth: 0)
            }
        }
        guard form, formVersion, fingerprint, actions, flagged, rules, warnings else { throw Reject() }
        line.recommended = recommended
        line.tracked = line.flagged ? flagging : 0
    }

    /// An override or `null` (as `overrideOrNull` reads it).
    private mutating func leanOverride(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        skipWhitespace()
        if literal("null") {
            line.overridden = false
            line.overrideActions = 0
            return
        }
        var actions = false, reason = false
        var mask: UInt64 = 0
        try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
            if Self.key(key, "actions") {
                try Self.first(&actions)
                try reader.array { (reader: inout FastLineDecoder) throws(Reject) in
                    let text = try reader.plainString()
                    if let index = tables.actions.find(text) { mask |= 1 << UInt64(tables.actionBits[index]) }
                }
            } else if Self.key(key, "reason") {
                try Self.first(&reason); _ = try reader.string(keeping: false)
            } else {
                try reader.skipValue(depth: 0)
            }
        }
        guard actions, reason else { throw Reject() }
        line.overridden = true
        line.overrideActions = mask
    }

    /// The answers (as `answers` reads them; a key given twice is rejected): what the fold keeps of them.
    private mutating func leanAnswers(_ line: inout LeanLine, tables: LeanLineTables) throws(Reject) {
        var seen: UInt64 = 0
        var kept = KeptBits()
        // The other keys, to reject one given twice (on the stack; more than 32 of them: the usual path).
        try withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: 32) {
            (others: UnsafeMutableBufferPointer<UnsafeRawBufferPointer>) throws(Reject) in
            var count = 0
            try rawObject { (reader: inout FastLineDecoder, key: UnsafeRawBufferPointer) throws(Reject) in
                guard let slot = tables.questions.find(key) else {
                    // Not a question the fold reads: checked, and never given twice.
                    for index in 0..<count where others[index].elementsEqual(key) { throw Reject() }
                    guard count < others.count else { throw Reject() }
                    others[count] = key
                    count += 1
                    try reader.skipAnswer()
                    return
                }
                try reader.keptAnswer(slot: slot, seen: &seen, line: &line, tables: tables, kept: &kept)
            }
        }
        line.answersLow = kept.low
        line.answersHigh = kept.high
    }

    /// The bits of the kept answers (0–63, 64–127). A value passed along, not a closure over two
    /// variables: those would be boxed on the heap, retained and released around every kept answer.
    fileprivate struct KeptBits {
        var low: UInt64 = 0, high: UInt64 = 0

        @inline(__always)
        mutating func keep(_ bit: Int) {
            if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
        }
    }

    /// The answer to the question in `slot` of `tables` (as `answer` reads it): what the fold keeps of it.
    private mutating func keptAnswer(slot: Int, seen: inout UInt64, line: inout LeanLine, tables: LeanLineTables,
                                     kept: inout KeptBits) throws(Reject) {
        guard seen & (1 << UInt64(slot)) == 0 else { throw Reject() }
        seen |= 1 << UInt64(slot)
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""):
            let (range, escaped) = try rawString()
            let text = UnsafeRawBufferPointer(rebasing: bytes[range])
            if tables.isCPR[slot] {
                guard !escaped else { throw Reject() }
                var count = 0, value: UInt64 = 0
                for byte in text where byte >= 0x30 && byte <= 0x39 {
                    if count < 10 { value = value * 10 + UInt64(byte - 0x30) }
                    count += 1
                }
                line.cprDigits = count
                line.cprValue = value
            }
            if tables.isDate[slot] {
                guard !escaped else { throw Reject() }
                line.answerDay = Self.isoDate(text)
            }
            let values = tables.valueRanges[slot], visits = tables.visitRanges[slot]
            if !values.isEmpty || !visits.isEmpty {
                guard !escaped, Self.isASCII(text) else { throw Reject() }
                if let index = tables.values.find(text, in: values) { kept.keep(tables.valueBits[index]) }
                if let index = tables.visits.find(text, in: visits) { line.visit = tables.visitRows[index] }
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if try bool() {
                if tables.trueBits[slot] >= 0 { kept.keep(tables.trueBits[slot]) }
            } else if tables.falseBits[slot] >= 0 { kept.keep(tables.falseBits[slot]) }
        case UInt8(ascii: "["):
            let values = tables.valueRanges[slot]
            try array { (reader: inout FastLineDecoder) throws(Reject) in
                if values.isEmpty {
                    _ = try reader.string(keeping: false)
                } else {
                    let text = try reader.plainString()
                    if let index = tables.values.find(text, in: values) { kept.keep(tables.valueBits[index]) }
                }
            }
        default:
            _ = try double()
        }
    }
}
