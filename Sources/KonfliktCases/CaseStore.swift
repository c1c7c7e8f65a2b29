import Crypto
import Foundation
import KonfliktCore
import KonfliktLog

/// A case as the lists show it, from its index record: no answers beyond the visit, the CPR number
/// masked to its birth date part.
public struct CaseSummary: Sendable, Hashable {
    /// The case id.
    public var id: UUID
    /// The device and who recorded the screening.
    public var device: String, author: String
    /// When the screening was recorded (milliseconds since 1970).
    public var recorded: Int64
    /// The day of the screening and the visit date in force.
    public var screeningDate: LocalDate, visitDate: LocalDate?
    /// The visit choice id, if answered.
    public var visit: String?
    /// `DDMMYY-****` or `—`.
    public var maskedCPR: String
    /// The birth date digits (DDMMYY) for prefix search, if any.
    public var birthDigits: String?
    /// The tracked actions with status and deadline.
    public var actions: [ActionState]
    /// Whether the recommendation was overridden.
    public var overridden: Bool
    /// How many corrections point at the case.
    public var corrections: Int
    /// Whether the case is flagged.
    public var flagged: Bool
    /// Whether the case was flagged at some point (a correction may have taken the flag away).
    public var wasFlagged: Bool
    /// The keyed hash of the child's CPR number (0 when none).
    public var cprKey: UInt64

    /// When the screening was recorded (UTC, as the writer writes it).
    public var timestamp: String { Timestamp.format(Date(timeIntervalSince1970: Double(recorded) / 1000)) }
    /// Whether any tracked action is open.
    public var isOpen: Bool { actions.contains { !$0.status.closes } }
    /// Whether any tracked action is open past its deadline.
    public var isOverdue: Bool { actions.contains { $0.overdue } }
}

/// Cases of an index as summaries, each made when it is read: the list of every case flagged at some
/// point holds 136,000 cases at a million events, too many to keep as summaries (with their actions)
/// while they are sorted and written out. The cases no longer open may stay in the index file
/// (`SavedCases`): read in order, they are read on from the file; read in another order (the rows of
/// a sorted list), `prepare` reads the next rows' records in one pass first.
public struct CaseList: RandomAccessCollection, Sendable {
    /// The index (shared with the store it came from, not copied while neither changes), the
    /// positions of the cases in its records, and the cases left in its file (after them): in a box,
    /// so that copying the list (as a collection wrapping it does for each case read) copies one
    /// reference, not the index's many.
    private final class Shared: Sendable {
        let index: CaseIndex
        let places: [Int32]
        let saved: SavedCases?

        init(index: CaseIndex, places: [Int32], saved: SavedCases?) {
            self.index = index
            self.places = places
            self.saved = saved
        }
    }

    private let shared: Shared
    /// The day overdue is judged on.
    let today: LocalDate

    init(index: CaseIndex, places: [Int32], saved: SavedCases? = nil, today: LocalDate) {
        shared = Shared(index: index, places: places, saved: saved)
        self.today = today
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { shared.places.count + (shared.saved?.count ?? 0) }
    public subscript(position: Int) -> CaseSummary {
        let kept = shared.places.count
        guard position >= kept, let saved = shared.saved else {
            return shared.index.summary(shared.index.records[Int(shared.places[position])], today: today)
        }
        return shared.index.summary(saved.record(position - kept), today: today)
    }
    /// The id of the case at `position`, without making its summary.
    public func id(at position: Int) -> UUID {
        let kept = shared.places.count
        guard position >= kept, let saved = shared.saved else { return shared.index.records[Int(shared.places[position])].id }
        return saved.ids[position - kept]
    }

    /// Whether the case at `position` is at hand (no reading from the index file is needed to give it).
    public func isRead(_ position: Int) -> Bool {
        let kept = shared.places.count
        guard position >= kept, let saved = shared.saved else { return true }
        return saved.isRead(position - kept)
    }

    /// Reads the cases at `positions` (in any order) from the index file in one pass, in place of those
    /// prepared before: the rows about to be written or shown.
    public func prepare(_ positions: some Sequence<Int>) {
        let kept = shared.places.count
        shared.saved?.prepare(positions.lazy.filter { $0 >= kept }.map { $0 - kept })
    }

    /// Whether a case could not be read again from the index file (it can no longer be read): the
    /// summaries made since are not to be trusted, and the list must be read again.
    public var readFailed: Bool { shared.saved?.failed ?? false }
}

/// Opens the case index of a data folder from the reader's state folder, brings it up to date with
/// the log and saves it again: the one way every reader (review, export, follow-up, correction, the
/// journal note) gets at cases.
public struct CaseStore: Sendable {
    /// The data folder read.
    public let directory: DataDirectory
    /// The index, up to date after `open`.
    public private(set) var index: CaseIndex
    /// What bringing it up to date did.
    public private(set) var report: CaseIndex.UpdateReport
    /// A Danish warning when the index could not be saved (it is only a cache: reading still works).
    public private(set) var saveWarning: String?
    /// Files that are gone, shorter or rewritten since this reader saw them (`SeenHeads`).
    public private(set) var witnessProblems: [String]
    /// The state folder the index is saved in.
    let state: StateDirectory
    /// The keys that open sealed bodies (the team key for the lead), nil in a folder without a team key.
    let keys: BodyKeys?

    /// The index file of `directory` in `state`: one per data folder, named by a hash of its real path.
    public static func indexFileName(for directory: DataDirectory) -> String {
        let digest = SHA256.hash(data: Data(directory.identity.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "sagsindeks-\(digest).bin"
    }

    /// Whether the index was read from its file (else it was built from the log and must be saved).
    private var savedIndexLoaded: Bool
    /// New log bytes below which an update is not saved (see `refresh`).
    public static let defaultSaveAfterBytes: Int64 = 1 << 20
    /// This store's threshold (`defaultSaveAfterBytes` unless `open` was given another).
    private var saveAfterBytes: Int64
    /// What of an index built from scratch is read back after it is saved (see `open`).
    private var scope: IndexScope

    /// The HKDF label of the key that seals the index (`BodyKeys.cacheKey`).
    static let cacheLabel = "konflikt sagsindeks v4"

    /// Opens and updates the index for `form` (see `CaseIndex.update` for `progress`). A missing,
    /// damaged or outdated index file is rebuilt from the log.
    public static func open(directory: DataDirectory, state: StateDirectory, form: Form, keys: BodyKeys? = nil,
                            scope: IndexScope = .all, saveAfterBytes: Int64 = defaultSaveAfterBytes,
                            progress: (Double) -> Bool = { _ in true }) throws -> CaseStore {
        let schema = try CaseSchema(form: form)
        let name = indexFileName(for: directory)
        let trust = keys?.trustDigest ?? ""
        var index: CaseIndex
        var loaded = false
        if let saved = CaseIndex.load(path: state.file(name), schema: schema, key: keys?.cacheKey(label: Self.cacheLabel), trust: trust,
                                        scope: scope) {
            index = saved
            loaded = true
        } else {
            index = CaseIndex(schema: schema, cprSecret: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }, trust: trust)
        }
        var store = CaseStore(directory: directory, index: consume index,   // moved, so the update does not copy it
                              report: CaseIndex.UpdateReport(rebuiltBecause: nil, bytesRead: 0, changed: false, newProblems: 0),
                              saveWarning: nil, witnessProblems: [], state: state, keys: keys,
                              savedIndexLoaded: loaded, saveAfterBytes: saveAfterBytes, scope: scope)
        try store.refresh(progress: progress)
        return store
    }

    /// Brings the open index up to date with the log (reading only what was appended), saves it when
    /// it changed, and checks the reader's witness: for a screen that stays open, e.g. after the lead
    /// appended a follow-up.
    public mutating func refresh(progress: (Double) -> Bool = { _ in true }) throws {
        try refresh(spilling: true, progress: progress)
    }

    /// `refresh`; without `spilling`, an index built from scratch keeps its records in memory.
    private mutating func refresh(spilling: Bool, progress: (Double) -> Bool = { _ in true }) throws {
        let key = keys?.cacheKey(label: Self.cacheLabel)
        // Built from scratch, the records are spilled to the state folder while the log is read, then
        // written into the index file and read back as a saved index is (`RecordSpill`): a million
        // screenings are never all in memory.
        let place = !spilling || (try? state.create()) == nil ? nil : SpillPlace(directory: state.path, sealed: key != nil)
        let wasPartial = !index.isComplete
        report = try index.update(directory: directory, keys: keys, spill: place, progress: progress)
        saveWarning = nil
        // A few new lines are cheaper to read again next time than rewriting the whole index for them
        // (tens of megabytes at a million events): the saved index may lag the log by less than
        // `saveAfterBytes`, which each start reads again (about 30 ms a megabyte). Not when they made the
        // update read every saved record or id (screenings whose ids are saved already: a copied file),
        // which every start would do again.
        let worthSaving = !savedIndexLoaded || report.rebuiltBecause != nil || report.bytesRead >= saveAfterBytes
            || (wasPartial && index.isComplete) || index.partial?.savedIDs != nil
        // Built from scratch with a spill, or read in part with changes of saved records waiting (or
        // enough new to save): written by streaming its records, then read back as the command asked.
        if index.isSpilled || index.hasWaitingChanges || (!index.isComplete && report.changed && worthSaving && place != nil) {
            let spilled = index.isSpilled
            do {
                try saveRewritten(key: key) { progress(1) }
                witnessProblems = SeenHeads.check(directory, state: state)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The file could not be written (a full disk) or the saved one read: done in memory.
                if spilled {
                    index = CaseIndex(schema: index.schema, cprSecret: index.cprSecret, trust: index.trust)
                    report = try index.update(directory: directory, keys: keys, progress: progress)
                } else if !index.settleWaiting() {
                    // The saved file cannot be read after all: rebuilt from the log (`lost`).
                    try refresh(spilling: spilling, progress: progress)
                    return
                }
            }
        }
        // A partly read index is completed before it is saved; when that fails, the next reader rebuilds.
        if report.changed, report.newProblems == 0, worthSaving, index.readAll() {
            do {
                try writeIndexFile { sink, _ in (try index.write(to: sink, key: key), true) }
                savedIndexLoaded = true
            } catch {
                saveWarning = Self.saveWarning(error)
            }
        }
        witnessProblems = SeenHeads.check(directory, state: state)
    }

    /// Writes the index built with a spill (`writeSpilled`) or read in part (`writePatched`) to its file
    /// and reads it back with this store's scope. While lines could not be read, the file is read back
    /// but not kept, so the next reader tries them again. On an error the index is left as it was.
    private mutating func saveRewritten(key: SymmetricKey?, going: () -> Bool) throws {
        let keep = report.changed && report.newProblems == 0
        let (schema, trust, scope, unauthentic) = (index.schema, index.trust, scope, index.unauthentic)
        // The store lets go of the index while it is written, so that what the writing drops is freed
        // (a spill's id table and waiting changes, some 40 MB at a million events). A spilled index
        // cannot be kept for a second try anyway; one read in part is small, and is kept.
        let original = index.isSpilled ? nil : index
        var built = index
        index = CaseIndex(schema: schema, cprSecret: built.cprSecret, trust: trust)
        let loaded: CaseIndex
        do {
            loaded = try writeIndexFile { sink, path -> (CaseIndex, Bool) in
                if built.isSpilled {
                    try built.writeSpilled(to: sink, key: key, going: going)
                } else {
                    let place = SpillPlace(directory: state.path, sealed: key != nil)
                    try built.writePatched(to: sink, key: key, spill: place, going: going)
                }
                guard let loaded = CaseIndex.load(path: path, schema: schema, key: key, trust: trust, scope: scope) else {
                    throw CocoaError(.fileReadCorruptFile)
                }
                return (loaded, keep)
            }
        } catch {
            if let original { index = original }
            throw error
        }
        index = loaded
        index.unauthentic = unauthentic
        savedIndexLoaded = keep
    }

    /// Writes the index file through `body` (given a sink on a new temporary file in the state folder,
    /// mode 0600, and its path), then renames it to the index's name when `body` says to keep it, else
    /// removes it. No fsync: the index is a cache, which a crash may leave old but never half-written.
    private func writeIndexFile<T>(_ body: (IndexSink, String) throws -> (T, Bool)) throws -> T {
        try state.create()
        let path = state.file(Self.indexFileName(for: directory))
        let temporary = path + ".tmp-\(getpid())"
        let fd = Foundation.open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LogError.writeFailed(path: temporary, errno: errno) }
        defer { _ = Foundation.close(fd) }
        do {
            let (result, keep) = try body(IndexSink(fd: fd, path: temporary), temporary)
            if keep {
                guard rename(temporary, path) == 0 else { throw LogError.writeFailed(path: path, errno: errno) }
            } else {
                unlink(temporary)
            }
            return result
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// The Danish warning for an index that could not be saved.
    private static func saveWarning(_ error: any Error) -> String {
        if let error = error as? LogError {
            return "Sagsindekset kunne ikke gemmes (\(error.danishDescription)); næste læsning tager længere tid."
        }
        return "Sagsindekset kunne ikke skrives eller forsegles; næste læsning tager længere tid."
    }

    /// The summary of `record`.
    public func summary(_ record: CaseRecord, today: LocalDate) -> CaseSummary {
        index.summary(record, today: today)
    }

    /// The summary of case `id`, if the index has it.
    public mutating func summary(of id: UUID, today: LocalDate) -> CaseSummary? {
        index.record(id).map { summary($0, today: today) }
    }

    /// The flagged cases (open ones only unless `includeClosed`), each summary made when it is read (see
    /// `CaseList`). A partly read index keeps the cases flagged at some point and no longer open in its
    /// file (`SavedCases`: read through once here, read again as the list is read). A saved index whose
    /// sections cannot be read is rebuilt from the log.
    public mutating func flaggedCases(includeClosed: Bool, today: LocalDate) throws -> CaseList {
        var saved: SavedCases?
        try reading { index in
            guard index.readOpen() else { return false }
            guard includeClosed, let partial = index.partial else { return true }
            saved = SavedCases(partial)
            return saved != nil
        }
        // All cases: also those a correction took the flag from, so the lead never loses their trace.
        var places: [Int32] = []
        for (place, record) in index.records.enumerated()
        where includeClosed ? record.wasFlagged : CaseIndex.isOpenFlagged(record) {
            places.append(Int32(place))
        }
        return CaseList(index: index, places: places, saved: saved, today: today)
    }

    /// Calls `body` with the export's tally key of every screening of the form and how many screenings
    /// share it; returns how many screenings of other forms there are (see `CaseIndex.tallies`). Opened
    /// with `IndexScope.all` or `.tallies`, nothing more is read; opened with another scope, the rest of
    /// the saved index is read first, and the index is rebuilt from the log when it cannot be.
    public mutating func tallies(_ body: (TallyKey, Int) -> Void) throws -> Int {
        if let otherForm = index.tallies(body) { return otherForm }
        try reading { $0.readAll() }
        return index.tallies(body) ?? 0
    }

    /// Reads more of a partly read saved index with `read`; when that fails (a damaged or replaced
    /// file), the index is rebuilt from the log instead, and `warnings` says so.
    private mutating func reading(_ read: (inout CaseIndex) -> Bool) throws {
        guard !read(&index) else { return }
        index.lost = true
        try refresh()
        // A rebuilt index is read back as `open` asked; what `read` wants is read from the new file. Should
        // that fail too, the index is built again and kept whole in memory.
        guard !read(&index) else { return }
        index.lost = true
        try refresh(spilling: false)
    }

    /// The keyed hash the index uses for `cpr` (ten digits), so a typed number can be matched.
    public func cprKey(_ cpr: String) -> UInt64 {
        CaseIndex.cprKey(String(decoding: cpr.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self), secret: index.cprSecret)
    }

    /// The screenings of the child with CPR number `cpr` (the dash and spaces ignored), by keyed hash.
    /// A partly read index also looks in its file, an entry at a time, without reading the records
    /// into memory; one that cannot be read there is rebuilt from the log.
    public mutating func records(cpr: String) throws -> [CaseRecord] {
        let key = cprKey(cpr)
        guard key != 0 else { return [] }
        if index.partial != nil, index.waiting.count == 0, let saved = index.savedRecords({ $0.cprKey == key }) {
            return index.records.filter { $0.cprKey == key } + saved
        }
        try reading { $0.readAll() }
        return index.records.filter { $0.cprKey == key }
    }

    /// Whether the child with CPR number `cpr` (the dash and spaces ignored) was screened at the visit
    /// `visit` (a choice id of the visit question). Opened with `IndexScope.lookup`, no record is read.
    public mutating func hasScreening(cpr: String, visit: String) -> Bool {
        guard let position = index.schema.visits.firstIndex(of: visit) else { return false }
        return index.hasScreening(cprKey: cprKey(cpr), visit: Int8(clamping: position))
    }

    /// The full case `id` read again from the log; nil when there is no such screening.
    public mutating func details(_ id: UUID, today: LocalDate) throws -> Case? {
        try index.details(id, directory: directory, today: today, keys: keys)
    }

    /// Danish warnings for the reader: unreadable lines and orphans, pointing to `konflikt verify`.
    public var warnings: [String] {
        var result = witnessProblems
        if let reason = report.rebuiltBecause {
            result.append("Sagsindekset er bygget forfra, fordi \(reason); kør konflikt verify.")
        }
        if !index.problems.isEmpty {
            result.append("\(index.problems.count) linje(r) i loggen kunne ikke læses og er sprunget over; kør konflikt verify.")
        }
        if index.unapproved > 0 {
            result.append("\(index.unapproved) hændelser fra en enhed, der ikke er godkendt, er ikke talt med; de kan hverken lukke eller ændre en sag. Sammenlign enhedens fingeraftryk, og kør konflikt team approve FINGERAFTRYK.")
        }
        if index.unauthentic > 0 {
            result.append("\(index.unauthentic) hændelser kan ikke godkendes (kuverten er ændret, eller de er skrevet igen med en anden enheds nøgle) og er ikke talt med; kør konflikt verify --key.")
        }
        if index.erased > 0 {
            result.append("\(index.erased) hændelser er slettet efter reglerne for opbevaring (nøglerne er destrueret) og er ikke talt med.")
        }
        if let warning = keys?.policy?.warning { result.append(warning) }
        if index.orphanCount > 0 {
            result.append("\(index.orphanCount) hændelse(r) peger på en screening, der ikke findes i loggen, eller gentager en screening; kør konflikt verify.")
        }
        if let saveWarning { result.append(saveWarning) }
        return result
    }
}

extension CaseIndex {
    /// The summary of `record`.
    public func summary(_ record: CaseRecord, today: LocalDate) -> CaseSummary {
        CaseSummary(
            id: record.id, device: string(record.device), author: string(record.author),
            recorded: record.recorded,
            screeningDate: LocalDate(dayNumber: Int(record.screeningDay)),
            visitDate: record.visitDay == CaseRecord.noDay ? nil : LocalDate(dayNumber: Int(record.visitDay)),
            visit: record.visit >= 0 && Int(record.visit) < schema.visits.count ? schema.visits[Int(record.visit)] : nil,
            maskedCPR: record.maskedCPR, birthDigits: record.birthDigits,
            actions: record.actionStates(schema: schema, today: today), overridden: record.isOverridden,
            corrections: Int(record.corrections), flagged: record.isFlagged, wasFlagged: record.wasFlagged,
            cprKey: record.cprKey)
    }
}
