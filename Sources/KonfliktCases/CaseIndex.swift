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
    public internal(set) var files: [FileMark] = []
    /// Devices and initials.
    public internal(set) var strings: [String] = []
    /// One record per screening, in reading order.
    public internal(set) var records: [CaseRecord] = []
    /// Corrections and follow-ups per screening, for details and for deciding which is in force.
    var history: [UUID: [HistoryEntry]] = [:]
    /// Corrections and follow-ups whose screening has not been read (yet): orphans while it stays so.
    var pending: [UUID: [HistoryEntry]] = [:]
    /// Screenings with an id already read: never counted twice.
    var duplicates: [LinePlace] = []
    /// Lines that could not be read (Danish, with file and line).
    public internal(set) var problems: [String] = []
    /// The secret for `cprKey` (32 random bytes).
    let cprSecret: [UInt8]
    /// What the reader trusts (`BodyKeys.trustDigest`): part of the validity key, so approving a
    /// device or destroying a key rebuilds the index.
    let trust: String
    /// Screenings, corrections and follow-ups left out because no approved device wrote them.
    public internal(set) var unapproved = 0
    /// Events whose bodies were destroyed under the retention rules.
    public internal(set) var erased = 0
    /// Of the lines read in this session that could not be read, those that failed authentication
    /// (never saved: while there are any the index is not saved, so they are counted on every reading).
    public internal(set) var unauthentic = 0
    /// While only part of a saved index is read (`IndexScope.open`, `.lookup`, `.tallies`):
    /// what is still in its file.
    var partial: PartialIndex?
    /// A part of the saved index that was needed could not be read: the update rebuilds.
    var lost = false

    /// While the index is built from scratch: its records and their ids, written out as they are folded
    /// instead of kept, and the corrections and follow-ups in the order read, written out too and applied
    /// when the records are read back to be saved (`BuildSpill`, `writeSpilled`).
    var spill: BuildSpill?
    /// The corrections and follow-ups waiting in memory while `patching`.
    var waiting = ChunkedList<Waiting>()
    /// Writing the spill failed: the index must be built again without one.
    var spillFailed = false
    /// While a saved index read in part is brought up to date with a place to rewrite it: corrections
    /// and follow-ups wait (as while spilling) instead of making it read every record into memory, and
    /// the index is rewritten with them applied, its records streamed from the saved file
    /// (`writePatched`).
    var patching = false

    var stringIndex: [String: Int32] = [:]
    /// The last few strings interned (see `intern`).
    private var recentStrings: [(String, Int32)?] = [nil, nil, nil, nil]
    private var recentNext = 0
    var positions = PositionTable()
    var positionsBuilt = true
    /// Lookups answered by scanning before the position table is built (for a loaded index).
    var scansLeft = 64
    var fileNumbers: [String: Int32] = [:]
    /// The schema's ids for reading lines straight into fold steps (nil: every line is decoded as an event).
    private lazy var leanTables: LeanLineTables? = schema.leanTables
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
        if let found = position(of: id) { return records[Int(found)] }
        // In a partly read index, the case may be among the records not read yet: looked for in their
        // sections without reading them into memory (a case opened from the list, or one the lead just
        // closed, which has left `open`). Changes waiting for saved records are applied only by a full
        // reading.
        guard partial?.restUnread == true, unreadMayHold(id) != false, !lost else { return nil }
        if waiting.count == 0 {
            guard let found = savedRecords(first: true, { $0.id == id }) else {
                lost = true
                return nil
            }
            return found.first
        }
        guard readAllOrLose() else { return nil }
        return position(of: id).map { records[Int($0)] }
    }

    // MARK: Folding

    /// Folds one event read from the file numbered `file` (already admitted by the reader's keys).
    mutating func add(_ located: LocatedEvent, file: Int32, directory: DataDirectory, keys: BodyKeys?) {
        fold(Self.step(located, schema: schema, cprSecret: cprSecret), file: file, directory: directory, keys: keys)
    }

    /// Folds the step of one event read from the file numbered `file` (see `FoldStep`).
    mutating func fold(_ step: FoldStep, file: Int32, directory: DataDirectory, keys: BodyKeys?) {
        let place = LinePlace(file: file, line: Int32(clamping: step.line), offset: Int64(step.offset),
                              length: Int32(clamping: step.length))
        switch step.body {
        case .screening(let device, let author, let otherForm, let formVersion, let outcome):
            // A partly read index learns from its id table that the screening is new. When it may not
            // be (at a million screenings one new id in 4,000 shares its first 4 bytes with a saved
            // one), the saved sections are searched an entry at a time; after a few such searches in
            // one reading (a copied file repeats many screenings) the rest is read instead.
            var saved = false
            if partial?.restUnread == true, unreadMayHold(step.id) != false {
                if let found = lost ? nil : savedScreening(step.id) {
                    saved = found
                } else {
                    guard readAllOrLose() else { return }
                }
            }
            // Interned first, so that a spilled build, which finds repeated screenings only when it is
            // written, has the same strings as one kept in memory.
            let device = intern(device), author = intern(author)
            guard !saved, spill != nil || position(of: step.id) == nil else {
                duplicates.append(place)
                return
            }
            var record = CaseRecord(
                id: step.id, place: place, device: device, author: author,
                recorded: step.millis, correctedAt: CaseRecord.noCorrection,
                visitDay: CaseRecord.noDay, screeningDay: screeningDay(step.millis), visit: -1,
                flags: otherForm ? CaseRecord.Flag.otherForm : 0,
                formVersion: formVersion, birth: -1, cprKey: 0, recommended: 0, inForce: 0,
                tracked: 0, closed: 0, statuses: StatusCodes(), answers: AnswerBits(), corrections: 0, followups: 0)
            Self.apply(outcome, to: &record)
            if outcome.flagsCase { record.flags |= CaseRecord.Flag.wasFlagged }
            if spill != nil {
                // Repeated ids are found when the build is written (`writeSpilled`).
                do { try spill?.add(record) } catch { spillFailed = true }
                return
            }
            records.append(record)
            if positionsBuilt { positions.append(step.id) }
            for waiting in pending.removeValue(forKey: step.id) ?? [] {
                if waiting.kind == 1 {
                    // A follow-up's entry holds all of its step: nothing to read again.
                    let closes = schema.status(code: waiting.status, bit: Int(waiting.action)).closes
                    fold(FoldStep(id: waiting.time.id, line: Int(waiting.place.line), offset: Int(waiting.place.offset),
                                  length: Int(waiting.place.length), millis: waiting.time.millis, hash: LineHash(""),
                                  admitted: true,
                                  body: .followup(screening: step.id, day: waiting.time.day, action: waiting.action,
                                                  status: waiting.status, closes: closes)),
                         file: waiting.place.file, directory: directory, keys: keys)
                    continue
                }
                guard let name = fileName(waiting.place.file),
                      let again = try? LogReader.event(name, in: directory, offset: Int(waiting.place.offset),
                                                       length: Int(waiting.place.length), line: Int(waiting.place.line),
                                                       keys: keys)
                else { continue }
                add(LocatedEvent(file: name, line: Int(waiting.place.line), event: again,
                                 offset: Int(waiting.place.offset), length: Int(waiting.place.length)),
                    file: waiting.place.file, directory: directory, keys: keys)
            }
        case .correction(let screening, let outcome):
            let entry = HistoryEntry(kind: 0, action: -1, status: 0, place: place,
                                     time: EventTime(millis: step.millis, id: step.id))
            change(screening, entry, .correction(outcome))
        case .followup(let screening, let day, let action, let status, let closes):
            let entry = HistoryEntry(kind: 1, action: action, status: status, place: place,
                                     time: EventTime(day: day, millis: step.millis, id: step.id))
            change(screening, entry, .followup(closes: closes))
        case .none:
            break
        }
    }

    /// Applies the corrections and follow-ups waiting for a rewrite to the records in memory, reading
    /// every record first (when the index cannot be rewritten); false when the rest of the saved index
    /// cannot be read (then the index is `lost` and must be rebuilt).
    @discardableResult
    mutating func settleWaiting() -> Bool {
        patching = false
        let waiting = self.waiting
        self.waiting = ChunkedList()
        for item in waiting { change(item.screening, item.entry, item.change) }
        return !lost
    }

    /// Whether corrections or follow-ups wait for the index to be rewritten (`writePatched`).
    public var hasWaitingChanges: Bool { patching && !waiting.isEmpty }

    /// What a correction or a follow-up does to its screening's record (see `take`).
    enum Change: Sendable {
        case correction(FoldStep.Outcome)
        case followup(closes: Bool)
    }

    /// A correction or follow-up read while the index is built with a spill, applied when the records
    /// are read back.
    struct Waiting: Sendable {
        var screening: UUID
        var entry: HistoryEntry
        var change: Change
    }

    /// Folds the correction or follow-up `entry` of `screening`: applied to the record now, or (while
    /// spilling) when the records are read back; kept as an orphan while the screening is not read.
    private mutating func change(_ screening: UUID, _ entry: HistoryEntry, _ change: Change) {
        if spill != nil || patching {
            let item = Waiting(screening: screening, entry: entry, change: change)
            if spill != nil {
                do { try spill?.add(item) } catch { spillFailed = true }
            } else {
                waiting.append(item)
            }
            return
        }
        guard readAllOrLose() else { return }
        guard let position = position(of: screening) else {
            pending[screening, default: []].append(entry)
            return
        }
        Self.take(entry, change, into: &records[Int(position)], history: &history[screening, default: []])
    }

    /// Applies a correction or follow-up to its screening's record by `CaseRules`, given the
    /// screening's history before it (to which it is added): the latest correction's answers and
    /// decision are in force, and per action the latest follow-up's status, which may close it.
    static func take(_ entry: HistoryEntry, _ change: Change, into record: inout CaseRecord,
                     history: inout [HistoryEntry]) {
        switch change {
        case .correction(let outcome):
            let inForce = history.lazy.filter { $0.kind == 0 }.map(\.time).max()
            history.append(entry)
            record.corrections += 1
            if outcome.flagsCase { record.flags |= CaseRecord.Flag.wasFlagged }
            if CaseRules.correctionTakesOver(entry.time, over: inForce) {
                record.correctedAt = entry.time.millis
                apply(outcome, to: &record)
            }
        case .followup(let closes):
            let inForce = history.lazy.filter { $0.kind == 1 && $0.action == entry.action }.map(\.time).max()
            history.append(entry)
            record.followups += 1
            if entry.action >= 0, CaseRules.followupTakesOver(entry.time, over: inForce) {
                let mask: UInt64 = 1 << UInt64(entry.action)
                record.statuses.set(entry.status, bit: Int(entry.action))
                if closes { record.closed |= mask } else { record.closed &= ~mask }
            }
        }
    }

    /// Sets what a screening's or correction's answers and decision decide (`outcome`), by `CaseRules`.
    private static func apply(_ outcome: FoldStep.Outcome, to record: inout CaseRecord) {
        if outcome.decisionFlagged { record.flags |= CaseRecord.Flag.decisionFlagged } else {
            record.flags &= ~CaseRecord.Flag.decisionFlagged
        }
        record.recommended = outcome.recommended
        if let overridden = outcome.overridden {
            record.flags |= CaseRecord.Flag.overridden
            record.tracked = overridden
            record.inForce = record.tracked
        } else if record.isOverridden {
            // An override stays until a correction brings another.
        } else {
            record.inForce = record.recommended
            record.tracked = outcome.tracked
        }
        if let day = outcome.visitDay { record.visitDay = day }
        record.visit = outcome.visit
        record.answers = outcome.answers
        record.birth = outcome.birth
        record.cprKey = outcome.cprKey
    }

    /// A keyed hash of a CPR number's ten digits: the first 8 bytes of SHA-256 over the index's
    /// 32-byte secret and the digits (fixed-length input, so a plain keyed hash is enough); 0 for
    /// anything else.
    static func cprKey(_ digits: String, secret: [UInt8]) -> UInt64 {
        cprKey(digits: Array(digits.utf8), secret: secret)
    }

    /// `cprKey` of the digits' UTF-8 bytes.
    static func cprKey(digits: [UInt8], secret: [UInt8]) -> UInt64 {
        guard digits.count == 10 else { return 0 }
        var hasher = SHA256()
        hasher.update(data: secret)
        hasher.update(data: digits)
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
        // Lines in a row mostly share their device and author: compared before they are hashed.
        for case let (known, number)? in recentStrings where known == text { return number }
        let number = internHashed(text)
        recentStrings[recentNext] = (text, number)
        recentNext = (recentNext + 1) % recentStrings.count
        return number
    }

    private mutating func internHashed(_ text: String) -> Int32 {
        if let known = stringIndex[text] { return known }
        let number = Int32(strings.count)
        strings.append(text)
        stringIndex[text] = number
        return number
    }

    /// Drops the id table after `records` were rearranged (a partly read index read more); it is built
    /// again when many ids are asked for.
    mutating func forgetPositions() {
        positions = PositionTable()
        positionsBuilt = false
        scansLeft = 64
    }

    private mutating func position(of id: UUID) -> Int32? {
        // A loaded index finds its first few ids by a scan (a few ms at a million records) and builds
        // the table only when many are asked for: one new event should not cost a million-entry table.
        if !positionsBuilt, scansLeft > 0 {
            scansLeft -= 1
            return records.firstIndex { $0.id == id }.map { Int32($0) }
        }
        if !positionsBuilt {
            positions = PositionTable(capacity: records.count)
            for record in records { positions.append(record.id) }
            positionsBuilt = true
        }
        return positions.find(id)
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
    ///
    /// With `spill`, an index that is built from scratch writes its records out as it folds them
    /// (`RecordSpill`): then `isSpilled`, and it must be written and read back (`CaseStore` does).
    public mutating func update(directory: DataDirectory, keys: BodyKeys? = nil, spill place: SpillPlace? = nil,
                                progress: (Double) -> Bool = { _ in true }) throws -> UpdateReport {
        var report = try updateOnce(directory: directory, keys: keys, spill: place, progress: progress)
        if lost {
            // The part of the saved index the new events needed could not be read: from scratch.
            reset()
            report = try updateOnce(directory: directory, keys: keys, spill: place, progress: progress)
            report.rebuiltBecause = report.rebuiltBecause ?? "det gemte sagsindeks ikke kunne læses"
        }
        return report
    }

    private mutating func updateOnce(directory: DataDirectory, keys: BodyKeys?, spill place: SpillPlace?,
                                     progress: (Double) -> Bool) throws -> UpdateReport {
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
        // Built from scratch: the records go to a spill, when one can be made (else they are kept).
        if let place, spill == nil, records.isEmpty, partial == nil, history.isEmpty, pending.isEmpty, duplicates.isEmpty {
            spill = try? BuildSpill(place)
        }
        // A saved index read in part: changes of its records wait for a rewrite (`writePatched`).
        patching = place != nil && spill == nil && partial?.restUnread == true
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
            var lastHash: LineHash?
            // Each event's fold step is made on the decoding threads; only the fold itself is serial. The
            // events are lean: the fold needs no rules, reasons or notes (`CaseIndex.step`).
            // Most lines are read straight from their bytes into their steps (`LeanLineDecoder`); the
            // others (sealed, unusual, damaged) are decoded as events first.
            let schema = schema, secret = cprSecret, tables = leanTables
            let direct = tables.map { Self.directStep(tables: $0, schema: schema, cprSecret: secret, keys: keys, file: name) }
            let end = try LogReader.readFile(name, in: directory, from: Int(mark.end), afterLine: Int(mark.lines),
                                             keys: keys, lean: true, direct: direct, prepare: { located in
                // Only events of approved devices enter the fold (all of them without keys or approvals).
                CaseIndex.step(located, schema: schema, cprSecret: secret,
                               admitted: keys?.admits(located.event, file: name) ?? true)
            }, visit: { step in
                if step.admitted {
                    fold(step, file: number, directory: directory, keys: keys)
                } else {
                    unapproved += 1
                }
                lastHash = step.hash
                sinceProgress += Int64(step.length + 1)
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
            if let lastHash { updated.headHash = lastHash.text }
            updated.end = Int64(end.end)
            updated.lines = Int32(clamping: end.lines)
            updated.lastOffset = Int64(end.lastLineOffset)
            updated.lastLength = Int32(clamping: end.lastLineLength)
            updated.lastDigest = LogReader.lineBytes(name, in: directory, offset: end.lastLineOffset,
                                                     length: end.lastLineLength).map { Array(SHA256.hash(data: $0)) } ?? []
            files[Int(number)] = updated
        }
        _ = progress(1)
        // A new screening made the reader read every record after all: what waited is applied now.
        if patching, partial == nil { settleWaiting() }
        let changed = reason != nil || done > 0
        return UpdateReport(rebuiltBecause: reason, bytesRead: done, changed: changed, newProblems: newProblems)
    }

    /// The fold step of a line of `file` read straight from its bytes (`LeanLineDecoder`), admitted as
    /// `keys` admit a record without a sender; nil for the usual path.
    static func directStep(tables: LeanLineTables, schema: CaseSchema, cprSecret: [UInt8], keys: BodyKeys?,
                           file: String) -> DirectPrepare<FoldStep> {
        { bytes, line, offset in
            guard let lean = LeanLineDecoder.decode(bytes, tables: tables) else { return nil }
            return step(lean, line: line, offset: offset, length: bytes.count, schema: schema, cprSecret: cprSecret,
                        admitted: keys?.admitsUnsent(seq: lean.seq, file: file) ?? true)
        }
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
        // A partly read index finds the case's history in its saved history section, and reads the other
        // records when the case is not among the flagged; when a part cannot be read or trusted, the
        // index is rebuilt from the log first.
        var found = lost ? nil : record(id)
        var entries = found == nil ? [] : savedHistory(of: id)
        if lost || entries == nil {
            reset()
            _ = try update(directory: directory, keys: keys)
            found = record(id)
            entries = history[id] ?? []
        }
        guard let record = found, let name = fileName(record.place.file) else { return nil }
        var folder = CaseFolder(options: FoldOptions(deadlineDays: schema.deadlineDays,
                                                     flaggingActions: schema.flaggingActions, today: today,
                                                     statuses: schema.statusesByAction))
        var places: [(String, LinePlace)] = [(name, record.place)]
        for entry in entries ?? [] {
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
}

extension AnswerBits {
    init(low: UInt64, high: UInt64) {
        self.init()
        self.low = low
        self.high = high
    }
}
