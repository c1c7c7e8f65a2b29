import Crypto
import Foundation
import KonfliktCore
import KonfliktLog

/// What the index knows of one log file: how far it has read, and the last line it read (place and
/// SHA-256), so that "this file only grew" costs one read of that line.
public struct FileMark: Sendable, Hashable {
    /// The file name in the data folder.
    public var name: String
    /// The byte after the last complete line read.
    public var end: Int64
    /// Complete lines read.
    public var lines: Int32
    /// The last complete line read: offset and length (-1, 0 when none).
    public var lastOffset: Int64, lastLength: Int32
    /// SHA-256 of the last complete line's bytes (empty when none).
    public var lastDigest: [UInt8]
    /// The `hash` of the last readable event (empty when none): the file's head.
    public var headHash: String
}

/// A correction or follow-up as the index keeps it: where it is and what orders it.
struct HistoryEntry: Sendable, Hashable {
    /// 0 correction, 1 follow-up.
    var kind: UInt8
    /// The follow-up's action bit (-1 for corrections or unknown actions).
    var action: Int8
    /// The follow-up's status code for follow-ups (`StatusCodes`: its position in the action's statuses
    /// plus one, or `StatusCodes.unknown`).
    var status: UInt8
    var place: LinePlace
    var time: EventTime
}

/// The case index: one compact record per screening, built by one fold of every event by `CaseRules`,
/// kept in the reader's state folder and brought up to date by reading only what was appended since.
///
/// The log is the only truth. Each file is keyed by how far the index read it and the SHA-256 of the
/// last line it read: when that line is still in place the file only grew (the log is append-only and
/// hash-chained), and only the new bytes are read. A file that is shorter, rewritten, gone, an index of
/// another format or form, or anything the index cannot read back, means a rebuild from the log.
public struct CaseIndex: Sendable {
    /// The schema (from the form).
    public let schema: CaseSchema
    /// The log files read, in the order of their numbers in `LinePlace.file`.
    public private(set) var files: [FileMark] = []
    /// Devices and initials.
    public private(set) var strings: [String] = []
    /// One record per screening, in reading order.
    public private(set) var records: [CaseRecord] = []
    /// Corrections and follow-ups per screening, for details and for deciding which is in force.
    var history: [UUID: [HistoryEntry]] = [:]
    /// Corrections and follow-ups whose screening has not been read (yet): orphans while it stays so.
    var pending: [UUID: [HistoryEntry]] = [:]
    /// Screenings with an id already read: never counted twice.
    var duplicates: [LinePlace] = []
    /// Lines that could not be read (Danish, with file and line).
    public private(set) var problems: [String] = []
    /// The secret for `cprKey` (32 random bytes).
    let cprSecret: [UInt8]
    /// What the reader trusts (`BodyKeys.trustDigest`): part of the validity key, so approving a
    /// device or destroying a key rebuilds the index.
    let trust: String
    /// Screenings, corrections and follow-ups left out because no approved device wrote them.
    public private(set) var unapproved = 0
    /// Events whose bodies were destroyed under the retention rules.
    public private(set) var erased = 0
    /// Of the lines read in this session that could not be read, those that failed authentication
    /// (never saved: while there are any the index is not saved, so they are counted on every reading).
    public private(set) var unauthentic = 0

    private var stringIndex: [String: Int32] = [:]
    private var positions: [UUID: Int32] = [:]
    private var positionsBuilt = true
    /// Lookups answered by scanning before the position table is built (for a loaded index).
    private var scansLeft = 64
    private var fileNumbers: [String: Int32] = [:]
    /// The Danish day of each UTC hour met while folding (looking it up in the calendar is slow).
    private var dayOfHour: [Int64: Int32] = [:]

    /// An empty index for `schema`, for a reader that trusts `trust` (see `BodyKeys.trustDigest`).
    public init(schema: CaseSchema, cprSecret: [UInt8], trust: String = "") {
        self.schema = schema
        self.cprSecret = cprSecret
        self.trust = trust
    }

    /// Corrections and follow-ups that point at no screening, and repeated screenings.
    public var orphanCount: Int { pending.values.reduce(0) { $0 + $1.count } + duplicates.count }

    /// The string of a string-table index.
    public func string(_ index: Int32) -> String { index >= 0 && Int(index) < strings.count ? strings[Int(index)] : "" }

    /// The record of case `id`, if the index has it.
    public mutating func record(_ id: UUID) -> CaseRecord? {
        position(of: id).map { records[Int($0)] }
    }

    /// The records whose CPR number is `digits` (ten digits): by keyed hash.
    public func records(cpr digits: String) -> [CaseRecord] {
        let key = Self.cprKey(digits, secret: cprSecret)
        return records.filter { $0.cprKey == key && key != 0 }
    }

    // MARK: Folding

    /// Folds one event read from the file numbered `file`.
    mutating func add(_ located: LocatedEvent, file: Int32, directory: DataDirectory, keys: BodyKeys?) {
        let event = located.event
        let place = LinePlace(file: file, line: Int32(clamping: located.line), offset: Int64(located.offset),
                              length: Int32(clamping: located.length))
        switch event.body {
        case .screening(let body):
            guard position(of: event.id) == nil else {
                duplicates.append(place)
                return
            }
            let recorded = CaseRules.millis(event.timestamp)
            var record = CaseRecord(
                id: event.id, place: place, device: intern(event.device), author: intern(event.author),
                recorded: recorded, correctedAt: CaseRecord.noCorrection,
                visitDay: CaseRecord.noDay, screeningDay: screeningDay(recorded), visit: -1,
                flags: body.form == schema.formID ? 0 : CaseRecord.Flag.otherForm,
                formVersion: Int32(clamping: body.formVersion), birth: -1, cprKey: 0, recommended: 0, inForce: 0,
                tracked: 0, closed: 0, statuses: StatusCodes(), answers: AnswerBits(), corrections: 0, followups: 0)
            apply(answers: body.answers, decision: body.decision, visitDate: body.visitDate, override: body.override,
                  to: &record)
            if body.decision.flagged || body.override != nil { record.flags |= CaseRecord.Flag.wasFlagged }
            let number = Int32(records.count)
            records.append(record)
            positions[event.id] = number
            for waiting in pending.removeValue(forKey: event.id) ?? [] {
                guard let name = fileName(waiting.place.file),
                      let again = try? LogReader.event(name, in: directory, offset: Int(waiting.place.offset),
                                                       length: Int(waiting.place.length), line: Int(waiting.place.line),
                                                       keys: keys)
                else { continue }
                add(LocatedEvent(file: name, line: Int(waiting.place.line), event: again,
                                 offset: Int(waiting.place.offset), length: Int(waiting.place.length)),
                    file: waiting.place.file, directory: directory, keys: keys)
            }
        case .correction(let body):
            let time = EventTime(millis: CaseRules.millis(event.timestamp), id: event.id)
            let entry = HistoryEntry(kind: 0, action: -1, status: 0, place: place, time: time)
            guard let position = position(of: body.screening) else {
                pending[body.screening, default: []].append(entry)
                return
            }
            var record = records[Int(position)]
            let inForce = history[body.screening]?.filter { $0.kind == 0 }.map(\.time).max()
            history[body.screening, default: []].append(entry)
            record.corrections += 1
            if body.decision.flagged || body.override != nil { record.flags |= CaseRecord.Flag.wasFlagged }
            if CaseRules.correctionTakesOver(time, over: inForce) {
                record.correctedAt = time.millis
                apply(answers: body.answers, decision: body.decision, visitDate: body.visitDate,
                      override: body.override, to: &record)
            }
            records[Int(position)] = record
        case .followup(let body):
            let time = EventTime(day: Int32(clamping: body.date.dayNumber), millis: CaseRules.millis(event.timestamp),
                                 id: event.id)
            let bit = schema.actionBit(body.action) ?? -1
            let status = schema.statusCode(body.status, bit: bit)
            let entry = HistoryEntry(kind: 1, action: Int8(bit), status: status,
                                     place: place, time: time)
            guard let position = position(of: body.screening) else {
                pending[body.screening, default: []].append(entry)
                return
            }
            var record = records[Int(position)]
            let inForce = history[body.screening]?.filter { $0.kind == 1 && $0.action == entry.action }.map(\.time).max()
            history[body.screening, default: []].append(entry)
            record.followups += 1
            if entry.action >= 0, CaseRules.followupTakesOver(time, over: inForce) {
                let mask: UInt64 = 1 << UInt64(entry.action)
                record.statuses.set(status, bit: bit)
                if schema.status(code: status, bit: bit).closes { record.closed |= mask } else { record.closed &= ~mask }
            }
            records[Int(position)] = record
        case .export, .access:
            break
        }
    }

    /// Sets what a screening's or correction's answers and decision decide, by `CaseRules`.
    private func apply(answers: Answers, decision: Decision, visitDate: LocalDate?, override: Override?,
                       to record: inout CaseRecord) {
        if decision.flagged { record.flags |= CaseRecord.Flag.decisionFlagged } else {
            record.flags &= ~CaseRecord.Flag.decisionFlagged
        }
        record.recommended = schema.mask(decision.actions)
        if let override {
            record.flags |= CaseRecord.Flag.overridden
            record.tracked = schema.mask(override.actions)
            record.inForce = record.tracked
        } else if record.isOverridden {
            // An override stays until a correction brings another.
        } else {
            record.inForce = record.recommended
            record.tracked = schema.mask(CaseRules.trackedActions(decision: decision, override: nil,
                                                                  flaggingActions: schema.flaggingActions))
        }
        var day: LocalDate?
        if case .string(let text)? = answers[schema.dateQuestion] { day = LocalDate(iso: text) }
        if let date = day ?? visitDate { record.visitDay = Int32(clamping: date.dayNumber) }
        if case .string(let visit)? = answers[schema.visitQuestion], let row = schema.visits.firstIndex(of: visit) {
            record.visit = Int8(clamping: row)
        } else {
            record.visit = -1
        }
        record.answers = schema.answerMask(answers)
        if case .string(let cpr)? = answers[schema.cprQuestion] {
            let digits = String(decoding: cpr.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
            record.birth = digits.utf8.count == 10 ? Int32(digits.prefix(6)) ?? -1 : -1
            record.cprKey = Self.cprKey(digits, secret: cprSecret)
        } else {
            record.birth = -1
            record.cprKey = 0
        }
    }

    /// A keyed hash of a CPR number's ten digits: the first 8 bytes of SHA-256 over the index's
    /// 32-byte secret and the digits (fixed-length input, so a plain keyed hash is enough); 0 for
    /// anything else.
    static func cprKey(_ digits: String, secret: [UInt8]) -> UInt64 {
        guard digits.utf8.count == 10 else { return 0 }
        var hasher = SHA256()
        hasher.update(data: secret)
        hasher.update(data: Array(digits.utf8))
        let key = hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        return key == 0 ? 1 : key
    }

    /// `CaseRules.screeningDay` of a screening recorded at `millis`, by its UTC hour.
    private mutating func screeningDay(_ millis: Int64) -> Int32 {
        let hour = millis >= 0 ? millis / 3_600_000 : (millis - 3_599_999) / 3_600_000
        if let known = dayOfHour[hour] { return known }
        let day = Int32(clamping: CaseRules.localDay(ofHour: hour).dayNumber)
        dayOfHour[hour] = day
        return day
    }

    private mutating func intern(_ text: String) -> Int32 {
        if let known = stringIndex[text] { return known }
        let number = Int32(strings.count)
        strings.append(text)
        stringIndex[text] = number
        return number
    }

    private mutating func position(of id: UUID) -> Int32? {
        // A loaded index finds its first few ids by a scan (a few ms at a million records) and builds
        // the table only when many are asked for: one new event should not cost a million-entry table.
        if !positionsBuilt, scansLeft > 0 {
            scansLeft -= 1
            return records.firstIndex { $0.id == id }.map { Int32($0) }
        }
        if !positionsBuilt {
            positions.reserveCapacity(records.count)
            for (index, record) in records.enumerated() { positions[record.id] = Int32(index) }
            positionsBuilt = true
        }
        return positions[id]
    }

    func fileName(_ number: Int32) -> String? {
        number >= 0 && Int(number) < files.count ? files[Int(number)].name : nil
    }

    // MARK: Bringing the index up to date

    /// What `update` did.
    public struct UpdateReport: Sendable {
        /// The index was rebuilt from the log, and why (Danish); nil when it only read what was new.
        public var rebuiltBecause: String?
        /// Bytes read from the log.
        public var bytesRead: Int64
        /// Whether anything changed (so the index should be saved).
        public var changed: Bool
        /// Lines read in this update that could not be read (a wrong key, damage): while there are any,
        /// the index is not saved, so the next reading tries those lines again.
        public var newProblems: Int
    }

    /// Brings the index up to date with `directory`: reads only what was appended to files it knows,
    /// and rebuilds from scratch when a file is shorter, rewritten or gone. `progress` gets the share
    /// of bytes read (0–1) and returns false to stop; then `CancellationError` is thrown, and (as after
    /// any error) the index must not be used or saved.
    public mutating func update(directory: DataDirectory, keys: BodyKeys? = nil,
                                progress: (Double) -> Bool = { _ in true }) throws -> UpdateReport {
        let names = try directory.logFiles()
        var sizes: [String: Int64] = [:]
        for name in names {
            var status = stat()
            if lstat(directory.file(name), &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                sizes[name] = Int64(status.st_size)
            }
        }
        var reason: String?
        for mark in files {
            guard let size = sizes[mark.name] else { reason = "\(mark.name) findes ikke længere"; break }
            // `end` may be one past the size: the last event lost only its newline (LogReader.readFile).
            guard size >= mark.end - 1 else { reason = "\(mark.name) er blevet kortere"; break }
            guard Self.lineStillThere(mark, directory: directory) else { reason = "\(mark.name) er skrevet om"; break }
        }
        // Changed in place (a copy would double the memory of a big index): after an error or a
        // cancellation the index is half brought up to date, and callers drop it without saving.
        if reason != nil { reset() }
        var total: Int64 = 0
        for (name, size) in sizes {
            let known = fileNumbers[name].map { files[Int($0)].end } ?? 0
            total += max(0, size - known)
        }
        var done: Int64 = 0
        var newProblems = 0
        guard progress(0) else { throw CancellationError() }
        for name in sizes.keys.sorted() {
            let number: Int32
            if let known = fileNumbers[name] {
                number = known
            } else {
                number = Int32(files.count)
                files.append(FileMark(name: name, end: 0, lines: 0, lastOffset: -1, lastLength: 0, lastDigest: [],
                                                    headHash: ""))
                fileNumbers[name] = number
            }
            let mark = files[Int(number)]
            guard sizes[name, default: 0] > mark.end else { continue }
            var problems: [LogError] = []
            var sinceProgress: Int64 = 0
            var cancelled = false
            var head = mark.headHash
            let end = try LogReader.readFile(name, in: directory, from: Int(mark.end), afterLine: Int(mark.lines),
                                             keys: keys, visit: { located in
                // Only events of approved devices enter the fold (all of them without keys or approvals).
                if keys?.admits(located.event, file: name) ?? true {
                    add(located, file: number, directory: directory, keys: keys)
                } else {
                    unapproved += 1
                }
                head = located.event.hash
                sinceProgress += Int64(located.length + 1)
                if sinceProgress > 4 << 20 {
                    done += sinceProgress
                    sinceProgress = 0
                    if !progress(total > 0 ? Double(done) / Double(total) : 1) { cancelled = true }
                }
            }, problem: { error in
                if case .erasedBody = error { erased += 1 } else { problems.append(error) }
                if case .unauthenticBody = error { unauthentic += 1 }
            })
            if cancelled { throw CancellationError() }
            done += sinceProgress
            self.problems += problems.map(\.danishDescription)
            newProblems += problems.count
            guard end.end > Int(mark.end) else { continue }
            var updated = mark
            updated.headHash = head
            updated.end = Int64(end.end)
            updated.lines = Int32(clamping: end.lines)
            updated.lastOffset = Int64(end.lastLineOffset)
            updated.lastLength = Int32(clamping: end.lastLineLength)
            updated.lastDigest = LogReader.lineBytes(name, in: directory, offset: end.lastLineOffset,
                                                     length: end.lastLineLength).map { Array(SHA256.hash(data: $0)) } ?? []
            files[Int(number)] = updated
        }
        _ = progress(1)
        let changed = reason != nil || done > 0
        return UpdateReport(rebuiltBecause: reason, bytesRead: done, changed: changed, newProblems: newProblems)
    }

    /// Whether the last line the index read of `mark`'s file is still where it was, unchanged.
    static func lineStillThere(_ mark: FileMark, directory: DataDirectory) -> Bool {
        guard mark.lastOffset >= 0 else { return mark.end == 0 }
        guard let bytes = LogReader.lineBytes(mark.name, in: directory, offset: Int(mark.lastOffset),
                                              length: Int(mark.lastLength)) else { return false }
        return Array(SHA256.hash(data: bytes)) == mark.lastDigest
            && mark.lastOffset + Int64(mark.lastLength) + 1 == mark.end
    }

    /// Forgets everything read (keeps the schema and the secret).
    private mutating func reset() {
        self = CaseIndex(schema: schema, cprSecret: cprSecret, trust: trust)
    }

    // MARK: Details

    /// The full case `id` (answers, decision, history), read again from the lines the index points at
    /// and folded by `CaseRules`; nil when the index has no such screening.
    public mutating func details(_ id: UUID, directory: DataDirectory, today: LocalDate,
                                 keys: BodyKeys? = nil) throws -> Case? {
        guard let record = record(id), let name = fileName(record.place.file) else { return nil }
        var folder = CaseFolder(options: FoldOptions(deadlineDays: schema.deadlineDays,
                                                     flaggingActions: schema.flaggingActions, today: today,
                                                     statuses: schema.statusesByAction))
        var places: [(String, LinePlace)] = [(name, record.place)]
        for entry in history[id] ?? [] {
            if let file = fileName(entry.place.file) { places.append((file, entry.place)) }
        }
        for (file, place) in places {
            let event = try LogReader.event(file, in: directory, offset: Int(place.offset), length: Int(place.length),
                                            line: Int(place.line), keys: keys)
            folder.add(LocatedEvent(file: file, line: Int(place.line), event: event, offset: Int(place.offset),
                                    length: Int(place.length)))
        }
        return folder.finish().cases.first { $0.id == id }
    }

    // MARK: Persistence

    /// The index's file format version; another version is rebuilt.
    static let formatVersion: UInt32 = 6
    private static let magic = Array("KONFLIKT-CASE-INDEX\n".utf8)
    /// The mode byte after the version: the body in clear with a SHA-256 trailer, or sealed.
    private enum Mode: UInt8 { case clear = 0, sealed = 1 }

    /// The bytes before the body: magic, format version and mode (the sealed body's associated data).
    private static func prefix(_ mode: Mode) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes(magic)
        out.uint32(formatVersion)
        out.bytes([mode.rawValue])
        return out.data
    }

    /// The index as bytes: the prefix, then the body (see `decode`). With `key` (derived from the
    /// reader's private key, `BodyKeys.cacheKey`), the body is sealed with ChaCha20-Poly1305, so the
    /// birth dates, actions and answer bits it holds are as safe on a lost laptop as the log itself;
    /// without a key (a folder without a team key, whose log is in clear too), it is followed by its
    /// SHA-256 so that damage is found.
    public func encoded(sealedWith key: SymmetricKey? = nil) throws -> Data {
        let body = encodedBody()
        guard let key else {
            var out = Self.prefix(.clear)
            out.reserveCapacity(out.count + body.count + 32)
            out += body
            out += Array(SHA256.hash(data: body))
            return Data(out)
        }
        let prefix = Self.prefix(.sealed)
        let sealed = try ChaChaPoly.seal(body, using: key, authenticating: prefix)
        var out = Data(prefix)
        out.append(sealed.combined)
        return out
    }

    /// The body: everything after the prefix, in clear.
    private func encodedBody() -> [UInt8] {
        var out = BinaryWriter()
        out.reserve(records.count * 72 + history.count * 48 + 4096)
        out.string(schema.signature)
        out.string(trust)
        out.bytes(cprSecret)
        out.varint(UInt64(files.count))
        for file in files {
            out.string(file.name)
            out.varint(UInt64(file.end))
            out.varint(UInt64(file.lines))
            out.signed(file.lastOffset)
            out.varint(UInt64(file.lastLength))
            out.varint(UInt64(file.lastDigest.count))
            out.bytes(file.lastDigest)
            out.string(file.headHash)
        }
        out.varint(UInt64(strings.count))
        for text in strings { out.string(text) }
        out.varint(UInt64(records.count))
        for record in records {
            out.uuid(record.id)
            out.place(record.place)
            out.varint(UInt64(record.device))
            out.varint(UInt64(record.author))
            out.signed(record.recorded)
            // Optional values: 0 for none, else 1 + the zig-zag of the difference (a visit the day before
            // the screening is -1, never confused with none).
            out.optional(record.correctedAt == CaseRecord.noCorrection ? nil : record.correctedAt - record.recorded)
            out.optional(record.visitDay == CaseRecord.noDay ? nil : Int64(record.visitDay) - Int64(record.screeningDay))
            out.signed(Int64(record.screeningDay))
            out.signed(Int64(record.visit))
            out.varint(UInt64(record.flags))
            out.varint(UInt64(record.formVersion))
            out.signed(Int64(record.birth))
            out.uint64(record.cprKey)
            for mask in [record.recommended, record.inForce, record.tracked, record.closed] + record.statuses.list
                + [record.answers.low, record.answers.high] { out.varint(mask) }
            out.varint(UInt64(record.corrections))
            out.varint(UInt64(record.followups))
        }
        func entries(_ table: [UUID: [HistoryEntry]]) {
            out.varint(UInt64(table.count))
            for (id, list) in table {          // order does not matter to the reader
                out.uuid(id)
                out.varint(UInt64(list.count))
                for entry in list {
                    out.varint(UInt64(entry.kind))
                    out.signed(Int64(entry.action))
                    out.varint(UInt64(entry.status))
                    out.place(entry.place)
                    out.signed(Int64(entry.time.day))
                    out.signed(entry.time.millis)
                    out.uuid(entry.time.id)
                }
            }
        }
        entries(history)
        entries(pending)
        out.varint(UInt64(duplicates.count))
        for place in duplicates { out.place(place) }
        out.varint(UInt64(problems.count))
        for problem in problems { out.string(problem) }
        out.varint(UInt64(unapproved))
        out.varint(UInt64(erased))
        return out.data
    }

    /// An index read back from `data` for `schema`; nil for anything it cannot trust (another format,
    /// form or schema, a damaged or truncated file, a sealed index without its key or with another
    /// key, a clear index where a key is given): the caller then rebuilds.
    public static func decode(_ data: Data, schema: CaseSchema, key: SymmetricKey? = nil, trust: String = "") -> CaseIndex? {
        if let key {
            guard let body = openSealed({ data }, key: key) else { return nil }
            return BinaryReader.read(body) { input in decode(&input, schema: schema, trust: trust) }
        }
        return decodeClear(data, schema: schema, trust: trust)
    }

    /// The index saved at `path`, as `decode` reads it. A sealed file is let go as soon as its box is
    /// made, and the box as soon as it is opened, so that no more than two copies of the index's bytes
    /// are in memory at a time (the file holds tens of megabytes at a million events).
    public static func load(path: String, schema: CaseSchema, key: SymmetricKey?, trust: String = "") -> CaseIndex? {
        let read = { try? Data(contentsOf: URL(fileURLWithPath: path)) }
        guard let key else { return read().flatMap { decodeClear($0, schema: schema, trust: trust) } }
        guard let body = openSealed(read, key: key) else { return nil }
        return BinaryReader.read(body) { input in decode(&input, schema: schema, trust: trust) }
    }

    /// The body of a sealed index (from `read`), or nil when it is not one or does not open with `key`.
    private static func openSealed(_ read: () -> Data?, key: SymmetricKey) -> Data? {
        let sealed = prefix(.sealed)
        func box() -> ChaChaPoly.SealedBox? {
            guard let data = read(), data.count > sealed.count + 28, data.prefix(sealed.count).elementsEqual(sealed) else {
                return nil
            }
            return try? ChaChaPoly.SealedBox(combined: data.dropFirst(sealed.count))
        }
        guard let box = box() else { return nil }
        return try? ChaChaPoly.open(box, using: key, authenticating: sealed)
    }

    /// A clear index: the prefix, the body and the body's SHA-256.
    private static func decodeClear(_ data: Data, schema: CaseSchema, trust: String) -> CaseIndex? {
        let clear = prefix(.clear)
        guard data.count > clear.count + 32, data.prefix(clear.count).elementsEqual(clear) else { return nil }
        let body = data[data.startIndex + clear.count ..< data.endIndex - 32]
        guard Array(SHA256.hash(data: body)) == Array(data.suffix(32)) else { return nil }
        return BinaryReader.read(body) { input in decode(&input, schema: schema, trust: trust) }
    }

    /// Reads an index body written by `encodedBody` from `input`.
    private static func decode(_ input: inout BinaryReader, schema: CaseSchema, trust: String) -> CaseIndex? {
        guard input.string() == schema.signature, input.string() == trust, let secret = input.bytes(32) else { return nil }
        var index = CaseIndex(schema: schema, cprSecret: secret, trust: trust)
        guard let fileCount = input.count() else { return nil }
        for number in 0..<fileCount {
            guard let name = input.string(), let end = input.varint(), let lines = input.varint(),
                  let lastOffset = input.signed(), let lastLength = input.varint(), let digestCount = input.count(),
                  let digest = input.bytes(digestCount), let head = input.string() else { return nil }
            index.files.append(FileMark(name: name, end: Int64(end), lines: Int32(clamping: lines),
                                        lastOffset: lastOffset, lastLength: Int32(clamping: lastLength),
                                        lastDigest: digest, headHash: head))
            index.fileNumbers[name] = Int32(number)
        }
        guard let stringCount = input.count() else { return nil }
        for number in 0..<stringCount {
            guard let text = input.string() else { return nil }
            index.strings.append(text)
            index.stringIndex[text] = Int32(number)
        }
        guard let recordCount = input.count() else { return nil }
        index.records.reserveCapacity(recordCount)
        for _ in 0..<recordCount {
            guard let id = input.uuid(), let place = input.place(), let device = input.varint(),
                  let author = input.varint(), let recorded = input.signed(), let corrected = input.optional(),
                  let visitDelta = input.optional(), let screeningDay = input.signed(), let visit = input.signed(),
                  let flags = input.varint(), let formVersion = input.varint(), let birth = input.signed(),
                  let cprKey = input.uint64() else { return nil }
            guard let recommended = input.varint(), let inForce = input.varint(), let tracked = input.varint(),
                  let closed = input.varint(), let plane0 = input.varint(), let plane1 = input.varint(),
                  let plane2 = input.varint(), let plane3 = input.varint(),
                  let answersLow = input.varint(), let answersHigh = input.varint(),
                  let corrections = input.varint(), let followups = input.varint() else { return nil }
            index.records.append(CaseRecord(
                id: id, place: place, device: Int32(clamping: device), author: Int32(clamping: author),
                recorded: recorded, correctedAt: corrected.map { recorded + $0 } ?? CaseRecord.noCorrection,
                visitDay: visitDelta.map { Int32(clamping: $0 + screeningDay) } ?? CaseRecord.noDay,
                screeningDay: Int32(clamping: screeningDay), visit: Int8(clamping: visit), flags: UInt8(clamping: flags),
                formVersion: Int32(clamping: formVersion), birth: Int32(clamping: birth), cprKey: cprKey,
                recommended: recommended, inForce: inForce, tracked: tracked, closed: closed,
                statuses: StatusCodes(plane0, plane1, plane2, plane3), answers: AnswerBits(low: answersLow, high: answersHigh),
                corrections: Int32(clamping: corrections), followups: Int32(clamping: followups)))
        }
        func entries() -> [UUID: [HistoryEntry]]? {
            guard let count = input.count() else { return nil }
            var table: [UUID: [HistoryEntry]] = [:]
            for _ in 0..<count {
                guard let id = input.uuid(), let listCount = input.count() else { return nil }
                var list: [HistoryEntry] = []
                for _ in 0..<listCount {
                    guard let kind = input.varint(), let action = input.signed(), let status = input.varint(),
                          let place = input.place(), let day = input.signed(), let millis = input.signed(),
                          let eventID = input.uuid() else { return nil }
                    list.append(HistoryEntry(kind: UInt8(clamping: kind), action: Int8(clamping: action),
                                             status: UInt8(clamping: status), place: place,
                                             time: EventTime(day: Int32(clamping: day), millis: millis, id: eventID)))
                }
                table[id] = list
            }
            return table
        }
        guard let history = entries(), let pending = entries(), let duplicateCount = input.count() else { return nil }
        index.history = history
        index.pending = pending
        for _ in 0..<duplicateCount {
            guard let place = input.place() else { return nil }
            index.duplicates.append(place)
        }
        guard let problemCount = input.count() else { return nil }
        for _ in 0..<problemCount {
            guard let text = input.string() else { return nil }
            index.problems.append(text)
        }
        guard let unapproved = input.varint(), let erased = input.varint() else { return nil }
        index.unapproved = Int(clamping: unapproved)
        index.erased = Int(clamping: erased)
        guard input.atEnd else { return nil }
        index.positionsBuilt = false
        return index
    }
}

extension AnswerBits {
    init(low: UInt64, high: UInt64) {
        self.init()
        self.low = low
        self.high = high
    }
}
