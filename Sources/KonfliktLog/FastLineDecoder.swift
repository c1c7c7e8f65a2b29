import Foundation
import KonfliktCore

/// A small, strict JSON reader for one log line (without its newline) that builds the `LogEvent`
/// directly: a screening line takes about 4.4 µs instead of 67 µs with `JSONDecoder` (release, Linux).
///
/// It accepts a subset of what the `JSONDecoder` path accepts and gives the very same event for it.
/// For everything else it gives nil, and the caller falls back to `JSONDecoder`, which then also
/// produces the error message: anything that is not strict JSON (trailing commas, a byte-order mark,
/// bad escapes, lone surrogates, leading zeros, deep nesting), duplicate keys, numbers it might not
/// read exactly as Foundation does (integers written as `1.0`, `1e2` or `-0`, more than 18 digits,
/// numbers that overflow or underflow), `enc` bodies, unknown types, a version above
/// `EventLine.version`, and ids, dates or statuses that are not valid.
///
/// Semantics follow the `Codable` implementations: unknown keys are ignored, `null` or a missing key
/// is nil for optionals, keys match by `String` equality (as Foundation's dictionary lookup does), and
/// an `AnswerValue` is a string, a bool, a number or a string array, in that order. The body is
/// decoded as the type `LogEvent.peekType` finds, like the `JSONDecoder` path, and only when that is
/// also the envelope's `type`. The bytes must be valid UTF-8 (`UTF8Check`).
///
/// A lean decoder (`lean`) checks every line exactly as strictly, and accepts and rejects the very same
/// lines, but keeps only what the read model folds: `prev`, the form fingerprints, the decision's form,
/// its fired rules and warnings, the reasons of corrections and overrides and the notes of follow-ups
/// come out empty (`LogEvent.leanCopy` says which).
struct FastLineDecoder {
    /// Thrown for anything the reader does not accept; `decode` turns it into nil.
    struct Reject: Error {}

    let bytes: UnsafeRawBufferPointer
    var offset: Int
    /// Whether strings no read model needs are checked and left out (see above).
    private let lean: Bool

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0, lean: Bool) {
        self.bytes = bytes
        self.offset = offset
        self.lean = lean
    }

    /// The event on this line, or nil when the line must take the `JSONDecoder` path; `lean` leaves out
    /// what no read model needs (see above).
    static func decode(_ bytes: UnsafeRawBufferPointer, lean: Bool = false) -> LogEvent? {
        guard let peeked = LogEvent.peekType(bytes) else { return nil }
        var reader = FastLineDecoder(bytes: bytes, lean: lean)
        do throws(Reject) {
            let event = try reader.line(peekedType: peeked)
            reader.skipWhitespace()
            guard reader.offset == bytes.count else { return nil }
            return event
        } catch {
            return nil
        }
    }

    // MARK: The envelope and the bodies

    /// The top-level object. The body is read as `peekedType` where it stands, or afterwards from its
    /// offset when the envelope's `type` comes after it.
    private mutating func line(peekedType: String) throws(Reject) -> LogEvent {
        var prev: String?, seq: Int?, version: Int?, id: UUID?, timestamp: String?, type: String?
        var device: String?, author: String?, hash: String?, body: EventBody?, bodyOffset: Int?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "prev": try Self.once(&prev, reader.leanString())
            case "seq": try Self.once(&seq, reader.integer())
            case "v": try Self.once(&version, reader.integer())
            case "id": try Self.once(&id, reader.uuid())
            case "ts": try Self.once(&timestamp, reader.string())
            case "type": try Self.once(&type, reader.string())
            case "device": try Self.once(&device, reader.string())
            case "author": try Self.once(&author, reader.string())
            case "hash": try Self.once(&hash, reader.string())
            case "enc": throw Reject()
            case "body":
                guard bodyOffset == nil else { throw Reject() }
                reader.skipWhitespace()
                bodyOffset = reader.offset
                if let type {
                    guard type == peekedType else { throw Reject() }
                    body = try reader.body(type: type)
                } else {
                    try reader.skipValue(depth: 0)
                }
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let prev, let seq, let version, version <= EventLine.version, let id, let timestamp, let type,
              type == peekedType, let device, let author, let hash, let bodyOffset else { throw Reject() }
        if body == nil {
            var later = FastLineDecoder(bytes: bytes, offset: bodyOffset, lean: lean)
            body = try later.body(type: type)
        }
        guard let body else { throw Reject() }
        return LogEvent(version: version, seq: seq, id: id, timestamp: timestamp, author: author, device: device,
                        prev: prev, hash: hash, body: body)
    }

    /// A body of the given type (`null` is rejected: the `JSONDecoder` path needs a body).
    private mutating func body(type: String) throws(Reject) -> EventBody {
        switch type {
        case "screening": return .screening(try screening())
        case "correction": return .correction(try correction())
        case "followup": return .followup(try followup())
        case "export": return .export(try export())
        default: throw Reject()
        }
    }

    private mutating func screening() throws(Reject) -> ScreeningBody {
        var form: String?, formVersion: Int?, fingerprint: String?, answers: Answers?, decision: Decision?
        var visitDate: LocalDate??, override: Override??
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "form": try Self.once(&form, reader.string())
            case "formVersion": try Self.once(&formVersion, reader.integer())
            case "formFingerprint": try Self.once(&fingerprint, reader.leanString())
            case "answers": try Self.once(&answers, reader.answers())
            case "decision": try Self.once(&decision, reader.decision())
            case "visitDate": try Self.once(&visitDate, reader.dateOrNull())
            case "override": try Self.once(&override, reader.overrideOrNull())
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let form, let formVersion, let fingerprint, let answers, let decision else { throw Reject() }
        return ScreeningBody(form: form, formVersion: formVersion, formFingerprint: fingerprint, answers: answers,
                             decision: decision, visitDate: visitDate ?? nil, override: override ?? nil)
    }

    private mutating func correction() throws(Reject) -> CorrectionBody {
        var screening: UUID?, answers: Answers?, decision: Decision?, reason: String?
        var visitDate: LocalDate??, override: Override??
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "screening": try Self.once(&screening, reader.uuid())
            case "answers": try Self.once(&answers, reader.answers())
            case "decision": try Self.once(&decision, reader.decision())
            case "visitDate": try Self.once(&visitDate, reader.dateOrNull())
            case "override": try Self.once(&override, reader.overrideOrNull())
            case "reason": try Self.once(&reason, reader.leanString())
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let screening, let answers, let decision, let reason else { throw Reject() }
        return CorrectionBody(screening: screening, answers: answers, decision: decision, visitDate: visitDate ?? nil,
                              override: override ?? nil, reason: reason)
    }

    private mutating func followup() throws(Reject) -> FollowupBody {
        var screening: UUID?, action: String?, status: String?, date: LocalDate?, note: String?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "screening": try Self.once(&screening, reader.uuid())
            case "action": try Self.once(&action, reader.string())
            case "status": try Self.once(&status, reader.string())
            case "date": try Self.once(&date, reader.date())
            case "note": try Self.once(&note, reader.leanString())
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let screening, let action, let status, let date, let note else { throw Reject() }
        return FollowupBody(screening: screening, action: action, status: status, date: date, note: note)
    }

    private mutating func export() throws(Reject) -> ExportBody {
        var parameters: [String: String]?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "parameters":
                var values: [String: String] = [:]
                try reader.object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
                    guard values.updateValue(try reader.string(), forKey: key) == nil else { throw Reject() }
                }
                try Self.once(&parameters, values)
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let parameters else { throw Reject() }
        return ExportBody(parameters: parameters)
    }

    private mutating func decision() throws(Reject) -> Decision {
        var form: String?, formVersion: Int?, fingerprint: String?, actions: [String]?, flagged: Bool?
        var rules: [FiredRule]?, warnings: [String]?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "form": try Self.once(&form, reader.leanString())
            case "formVersion": try Self.once(&formVersion, reader.integer())
            case "formFingerprint": try Self.once(&fingerprint, reader.leanString())
            case "actions": try Self.once(&actions, reader.strings())
            case "flagged": try Self.once(&flagged, reader.bool())
            case "rules":
                var list: [FiredRule] = []
                try reader.array { (reader: inout FastLineDecoder) throws(Reject) in
                    let rule = try reader.firedRule()
                    if !reader.lean { list.append(rule) }
                }
                try Self.once(&rules, list)
            case "warnings":
                let list = try reader.strings(keeping: !reader.lean)
                try Self.once(&warnings, list)
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let form, let formVersion, let fingerprint, let actions, let flagged, let rules, let warnings
        else { throw Reject() }
        return Decision(form: form, formVersion: formVersion, formFingerprint: fingerprint, actions: actions,
                        flagged: flagged, rules: rules, warnings: warnings)
    }

    mutating func firedRule() throws(Reject) -> FiredRule {
        var id: String?, action: String?, reason: String?, basis: String?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "id": try Self.once(&id, reader.leanString())
            case "action": try Self.once(&action, reader.leanString())
            case "reason": try Self.once(&reason, reader.leanString())
            case "basis": try Self.once(&basis, reader.leanString())
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let id, let action, let reason, let basis else { throw Reject() }
        return FiredRule(id: id, action: action, reason: reason, basis: basis)
    }

    private mutating func override() throws(Reject) -> Override {
        var actions: [String]?, reason: String?
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            switch key {
            case "actions": try Self.once(&actions, reader.strings())
            case "reason": try Self.once(&reason, reader.leanString())
            default: try reader.skipValue(depth: 0)
            }
        }
        guard let actions, let reason else { throw Reject() }
        return Override(actions: actions, reason: reason)
    }

    /// The answers object; a key given twice (as `String`s compare) is rejected.
    private mutating func answers() throws(Reject) -> Answers {
        var answers: Answers = [:]
        answers.reserveCapacity(16)     // a screening's answers without growing the table on the way
        try object { (reader: inout FastLineDecoder, key: String) throws(Reject) in
            guard answers.updateValue(try reader.answer(), forKey: key) == nil else { throw Reject() }
        }
        return answers
    }

    /// One answer, chosen by its first byte like `AnswerValue.init(from:)`'s order of attempts would.
    mutating func answer() throws(Reject) -> AnswerValue {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try bool())
        case UInt8(ascii: "["): return .strings(try strings())
        default: return .number(try double())
        }
    }

    // MARK: Structure

    /// Writes `value` into `slot`, rejecting a key seen before.
    static func once<Value>(_ slot: inout Value?, _ value: Value) throws(Reject) {
        guard slot == nil else { throw Reject() }
        slot = value
    }

    /// An object: calls `member` with each key, positioned before the value, which it must consume.
    mutating func object(_ member: (inout FastLineDecoder, String) throws(Reject) -> Void) throws(Reject) {
        try members(key: { (reader: inout FastLineDecoder) throws(Reject) in try reader.string() }, member)
    }

    /// An object whose keys `key` reads (a `String`, or the raw bytes for the lean decoder): calls
    /// `member` with each, positioned before the value, which it must consume.
    @inline(__always)
    mutating func members<Key>(key readKey: (inout FastLineDecoder) throws(Reject) -> Key,
                               _ member: (inout FastLineDecoder, Key) throws(Reject) -> Void) throws(Reject) {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { offset += 1; return }
        while true {
            skipWhitespace()
            let key = try readKey(&self)
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { offset += 1; continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    /// An array: calls `element` for each element, which it must consume.
    mutating func array(_ element: (inout FastLineDecoder) throws(Reject) -> Void) throws(Reject) {
        skipWhitespace()
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { offset += 1; return }
        while true {
            try element(&self)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { offset += 1; continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    /// An optional date: nil for `null`.
    mutating func dateOrNull() throws(Reject) -> LocalDate? {
        skipWhitespace()
        return literal("null") ? nil : try date()
    }

    /// An optional override: nil for `null`.
    mutating func overrideOrNull() throws(Reject) -> Override? {
        skipWhitespace()
        return literal("null") ? nil : try override()
    }

    /// Any JSON value, checked strictly and thrown away (unknown keys). Nesting deeper than 32 is rejected.
    mutating func skipValue(depth: Int) throws(Reject) {
        guard depth < 32 else { throw Reject() }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"):
            try object { (reader: inout FastLineDecoder, _: String) throws(Reject) in
                try reader.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try array { (reader: inout FastLineDecoder) throws(Reject) in
                try reader.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard literal("null") else { throw Reject() }
        default: _ = try double()
        }
    }

    // MARK: Tokens

    /// The byte at the cursor, 0 at the end (a raw NUL is never valid JSON either).
    @inline(__always)
    func peek() -> UInt8 { offset < bytes.count ? bytes[offset] : 0 }

    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(Reject) {
        guard peek() == byte else { throw Reject() }
        offset += 1
    }

    /// Consumes `word` if the bytes at the cursor are exactly it.
    @inline(__always)
    mutating func literal(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard offset + length <= bytes.count, let base = bytes.baseAddress,
              memcmp(base + offset, word.utf8Start, length) == 0 else { return false }
        offset += length
        return true
    }

    mutating func bool() throws(Reject) -> Bool {
        skipWhitespace()
        if literal("true") { return true }
        if literal("false") { return false }
        throw Reject()
    }

    /// An array of strings (checked and left out, an empty array, unless `keeping`).
    mutating func strings(keeping: Bool = true) throws(Reject) -> [String] {
        var values: [String] = []
        try array { (reader: inout FastLineDecoder) throws(Reject) in
            let value = try reader.string(keeping: keeping)
            if keeping { values.append(value) }
        }
        return values
    }

    /// A string no read model needs: checked as any, and left out (empty) by a lean decoder.
    mutating func leanString() throws(Reject) -> String { try string(keeping: !lean) }

    /// A string (checked, and empty unless `keeping`). Without escapes its bytes are taken as they are;
    /// with escapes it is rebuilt byte by byte. Raw control characters, unknown escapes and lone
    /// surrogates are rejected.
    mutating func string(keeping: Bool = true) throws(Reject) -> String {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = offset
        // Straight to the first byte that needs a look (a quote, a backslash or a control character).
        offset = firstSpecial(from: start)
        if offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = keeping ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self) : ""
                offset += 1
                return text
            }
            guard byte == UInt8(ascii: "\\") else { throw Reject() }
        }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<min(offset, bytes.count)]))
        while true {
            let byte = peek()
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return keeping ? String(decoding: utf8, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                let escape = peek()
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var value = try hex4()
                    if (0xD800...0xDBFF).contains(value) {
                        guard literal("\\u") else { throw Reject() }
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Reject() }
                        value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(value) else { throw Reject() }   // a lone low surrogate
                    UTF8.encode(scalar) { utf8.append($0) }
                default: throw Reject()
                }
            default:
                guard byte >= 0x20 else { throw Reject() }   // also the end of the line (0)
                utf8.append(byte)
            }
        }
    }

    /// The offset of the first quote, backslash or control character at or after `start` (the end of
    /// the bytes when there is none): eight bytes at a time, then byte by byte for the last few.
    @inline(__always)
    func firstSpecial(from start: Int) -> Int {
        var position = start
        let count = bytes.count
        if let base = bytes.baseAddress {
            while position + 8 <= count {
                let mask = Self.specialMask(UInt64(littleEndian: (base + position).loadUnaligned(as: UInt64.self)))
                if mask != 0 { return position + mask.trailingZeroBitCount >> 3 }
                position += 8
            }
        }
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return position }
            position += 1
        }
        return count
    }

    /// The high bit of each byte of `word` (read little-endian) that is a quote, a backslash or below 0x20,
    /// possibly also of some bytes after the first such byte; the lowest set bit is always exact: a
    /// borrow in the classic "has a zero byte" and "has a byte less than" tests only ever runs upwards
    /// from a byte that is itself found.
    @inline(__always)
    static func specialMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        return (control | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)) & highs
    }

    /// Four hex digits after `\u`.
    mutating func hex4() throws(Reject) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = peek()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Reject()
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// An integer written plainly: `0` or an optional minus and 1–18 digits without a leading zero.
    /// `-0`, fractions and exponents (which Foundation reads for `Int` too) are rejected.
    mutating func integer() throws(Reject) -> Int {
        skipWhitespace()
        let negative = peek() == UInt8(ascii: "-")
        if negative { offset += 1 }
        let start = offset
        var value = 0
        while case let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            guard offset - start < 18 else { throw Reject() }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            offset += 1
        }
        let digits = offset - start
        guard digits > 0, !(bytes[start] == UInt8(ascii: "0") && (digits > 1 || negative)) else { throw Reject() }
        switch peek() {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw Reject()
        default: return negative ? -value : value
        }
    }

    /// A number of at most 40 bytes, converted by the standard library's correctly rounded parser as
    /// Foundation's is. Rejected where Foundation differs or fails: an exponent after a mantissa that
    /// starts with 0 (Foundation refuses `0e5`), and results that overflow, underflow or are subnormal.
    mutating func double() throws(Reject) -> Double {
        skipWhitespace()
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        try digits()
        let leadingZero = bytes[integerStart] == UInt8(ascii: "0")
        guard !(leadingZero && offset - integerStart > 1) else { throw Reject() }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            try digits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            guard !leadingZero else { throw Reject() }
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            try digits()
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard offset - start <= 40, let value = Double(text), value.isNormal || value == 0 else { throw Reject() }
        // A zero only when written as one ("0", "-0.00"), not when a tiny number underflowed to it.
        guard value != 0 || !text.utf8.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") })
        else { throw Reject() }
        return value
    }

    /// One or more decimal digits.
    mutating func digits() throws(Reject) {
        let start = offset
        while case let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
        guard offset > start else { throw Reject() }
    }

    /// A UUID string in the form `UUID(uuidString:)` reads (8-4-4-4-12 hex digits, either case) and
    /// written without escapes; anything else is rejected.
    mutating func uuid() throws(Reject) -> UUID {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        guard offset + 37 <= bytes.count, bytes[offset + 36] == UInt8(ascii: "\""),
              bytes[offset + 8] == UInt8(ascii: "-"), bytes[offset + 13] == UInt8(ascii: "-"),
              bytes[offset + 18] == UInt8(ascii: "-"), bytes[offset + 23] == UInt8(ascii: "-")
        else { throw Reject() }
        // The 32 digits, every one converted, then one check (a nibble above 15 marks a non-digit).
        let text = offset
        var bad: UInt8 = 0
        @inline(__always) func byte(_ at: Int) -> UInt8 {
            let high = Self.nibble(bytes[text + at]), low = Self.nibble(bytes[text + at + 1])
            bad |= high | low
            return high << 4 | low
        }
        let uuid: uuid_t = (byte(0), byte(2), byte(4), byte(6), byte(9), byte(11), byte(14), byte(16),
                            byte(19), byte(21), byte(24), byte(26), byte(28), byte(30), byte(32), byte(34))
        guard bad < 16 else { throw Reject() }
        offset += 37
        return UUID(uuid: uuid)
    }

    /// The value of a hex digit (either case), or 0xF0 for any other byte. Without a branch on the
    /// kind of digit: in random ids that branch is mispredicted half the time.
    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt8 {
        let digit = byte &- UInt8(ascii: "0"), letter = (byte | 0x20) &- UInt8(ascii: "a")
        let asDigit: UInt8 = digit < 10 ? digit : 0xF0
        let asLetter: UInt8 = letter < 6 ? letter &+ 10 : 0xF0
        return min(asDigit, asLetter)
    }

    /// A date string `YYYY-MM-DD` (ASCII digits, written without escapes) that exists, as
    /// `LocalDate(iso:)` reads it; anything else is rejected.
    mutating func date() throws(Reject) -> LocalDate {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        guard offset + 11 <= bytes.count, bytes[offset + 10] == UInt8(ascii: "\""),
              bytes[offset + 4] == UInt8(ascii: "-"), bytes[offset + 7] == UInt8(ascii: "-") else { throw Reject() }
        func number(_ from: Int, _ count: Int) throws(Reject) -> Int {
            var value = 0
            for position in offset + from..<offset + from + count {
                let byte = bytes[position]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw Reject() }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let date = LocalDate(year: try number(0, 4), month: try number(5, 2), day: try number(8, 2))
        else { throw Reject() }
        offset += 11
        return date
    }
}
