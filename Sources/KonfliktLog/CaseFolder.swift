import Foundation
import KonfliktCore

/// How events are folded into cases.
public struct FoldOptions: Sendable {
    /// Follow-up deadline in days per action id (from the form's actions). No entry: no deadline.
    public var deadlineDays: [String: Int]
    /// The actions that flag a case (from the form). nil: every action of a flagged decision is tracked.
    /// An override's actions are always tracked.
    public var flaggingActions: Set<String>?
    /// Today's date, for overdue.
    public var today: LocalDate
    /// Return only open cases; closed ones are kept in a compact form while folding.
    public var onlyOpen: Bool

    /// Read unflagged, non-overridden screenings from their envelope only (no answers, no decision
    /// details, no visit date) unless a correction brings them, and return only flagged cases: for
    /// readers of flagged cases, such as the review.
    public var skipUnflaggedBodies: Bool

    /// For lists: the returned cases keep only these answers, and their decisions no rules or
    /// warnings. nil keeps everything (the detail view needs it).
    public var answersKept: Set<String>?

    /// Options for folding.
    public init(deadlineDays: [String: Int] = [:], flaggingActions: Set<String>? = nil,
                today: LocalDate = LocalDate.today(), onlyOpen: Bool = false, skipUnflaggedBodies: Bool = false,
                answersKept: Set<String>? = nil) {
        self.deadlineDays = deadlineDays
        self.flaggingActions = flaggingActions
        self.today = today
        self.onlyOpen = onlyOpen
        self.skipUnflaggedBodies = skipUnflaggedBodies
        self.answersKept = answersKept
    }

    /// `item` as a returned case: trimmed to `answersKept` when set.
    func returned(_ item: Case) -> Case {
        guard let answersKept else { return item }
        var trimmed = item
        trimmed.answers = item.answers.filter { answersKept.contains($0.key) }
        trimmed.decision.rules = []
        trimmed.decision.warnings = []
        return trimmed
    }
}

/// A correction or follow-up whose screening is not in the log (or a second screening with a known id).
public struct OrphanEvent: Sendable, Hashable {
    /// The file of the event.
    public var file: String
    /// The line of the event.
    public var line: Int
    /// The event's id.
    public var event: UUID
    /// The screening id it points at.
    public var screening: UUID

    /// One Danish sentence.
    public var danishDescription: String {
        "\(file) linje \(line): hændelsen peger på en screening (\(screening.uuidString.lowercased())), som ikke findes i loggen."
    }
}

/// The result of folding.
public struct FoldResult: Sendable {
    /// The cases, oldest screening first.
    public var cases: [Case]
    /// Corrections and follow-ups that point at no known screening.
    public var orphans: [OrphanEvent]
    /// Lines that could not be read.
    public var problems: [LogError]
}

/// Folds events into cases, event by event, in any order of files: a correction or follow-up seen
/// before its screening waits until the screening arrives. The latest correction (by timestamp)
/// wins; per action the latest follow-up (by date, then timestamp) wins.
///
/// Memory: with `onlyOpen`, a case that is closed keeps only its small fields (answers and fired rules
/// are dropped until a correction brings new ones), so memory grows with open cases plus a few dozen
/// bytes per closed one.
public struct CaseFolder: Sendable {
    /// The options.
    public let options: FoldOptions
    private var cases: [UUID: Case] = [:]
    private var latestCorrection: [UUID: String] = [:]
    private var pending: [UUID: [LocatedEvent]] = [:]
    private var orphans: [OrphanEvent] = []
    /// Unflagged screenings read from their envelope only (with `skipUnflaggedBodies`), kept in about
    /// 60 bytes each until a correction or follow-up needs them as a case.
    private var stubs: [UUID: Stub] = [:]
    private var strings = StringTable()

    /// A folder with `options`.
    public init(options: FoldOptions) {
        self.options = options
    }

    /// Reads every event in `directory` and folds it. When only some cases are wanted (`onlyOpen`,
    /// `skipUnflaggedBodies`), a first pass counts the events that point at each screening (see
    /// `ReferenceScan`) and `LocationFolder` holds cases as the places of their lines until nothing
    /// can change them, so that memory follows the wanted cases rather than the size of the log.
    public static func fold(directory: DataDirectory, options: FoldOptions) throws -> FoldResult {
        if options.onlyOpen || options.skipUnflaggedBodies {
            let scan = try ReferenceScan.scan(directory)
            var folder = LocationFolder(options: options, directory: directory, references: scan.counts)
            let problems = try LogReader.forEachEvent(in: directory, skippingUnflaggedBodies: options.skipUnflaggedBodies,
                                                      sizes: scan.sizes) { folder.add($0) }
            var result = folder.finish()
            if !folder.scanMissed {
                result.problems = problems + folder.problems
                return result
            }
        }
        return try foldKeepingEverything(directory: directory, options: options)
    }

    /// Reads every event in `directory` and folds it, keeping every case until the end: the reference
    /// for `LocationFolder`, and what `fold` falls back to when the scan missed an event.
    static func foldKeepingEverything(directory: DataDirectory, options: FoldOptions) throws -> FoldResult {
        var folder = CaseFolder(options: options)
        let problems = try LogReader.forEachEvent(in: directory, skippingUnflaggedBodies: options.skipUnflaggedBodies) {
            folder.add($0)
        }
        var result = folder.finish()
        result.problems = problems
        return result
    }

    /// The case `id` alone, from the lines that mention its id (in lower or upper case, as the writer
    /// and readers spell ids); nil when there is no screening with that id. For commands that act on
    /// one case (`correct`, `followup`): they read the whole log but decode only a few lines.
    public static func fold(directory: DataDirectory, only id: UUID, options: FoldOptions) throws -> Case? {
        let needles = [Array(id.uuidString.lowercased().utf8), Array(id.uuidString.uppercased().utf8)]
        var folder = CaseFolder(options: options)
        try LogReader.forEachEvent(in: directory, mentioning: needles) { folder.add($0) }
        return folder.finish().cases.first { $0.id == id }
    }

    /// Folds one event.
    public mutating func add(_ located: LocatedEvent) {
        let event = located.event
        switch event.body {
        case .screening(let body):
            guard cases[event.id] == nil, stubs[event.id] == nil else {
                orphans.append(OrphanEvent(file: located.file, line: located.line, event: event.id, screening: event.id))
                return
            }
            if body.form.isEmpty, pending[event.id] == nil {
                stubs[event.id] = Stub(event: event, file: located.file, line: located.line, strings: &strings)
                return
            }
            let date = LocalDate.today(now: event.date)
            var state = Case(
                id: event.id, file: located.file, line: located.line, device: event.device, author: event.author,
                timestamp: event.timestamp, screeningDate: date, form: body.form, formVersion: body.formVersion,
                answers: body.answers, decision: body.decision, visitDate: body.visitDate, override: body.override,
                corrections: [], followups: [], flagged: false, actions: [])
            refresh(&state)
            cases[event.id] = state
            for waiting in pending.removeValue(forKey: event.id) ?? [] { add(waiting) }
        case .correction(let body):
            guard var state = cases[body.screening] ?? promote(body.screening) else {
                pending[body.screening, default: []].append(located)
                return
            }
            state.corrections.append(CorrectionRecord(id: event.id, timestamp: event.timestamp,
                                                      author: event.author, reason: body.reason))
            state.corrections.sort { $0.timestamp < $1.timestamp }
            if event.timestamp >= latestCorrection[body.screening, default: ""] {
                latestCorrection[body.screening] = event.timestamp
                state.answers = body.answers
                state.decision = body.decision
                if state.form.isEmpty {          // a screening read from its envelope only
                    state.form = body.decision.form
                    state.formVersion = body.decision.formVersion
                }
                if let visit = body.visitDate { state.visitDate = visit }
                if let override = body.override { state.override = override }
            }
            refresh(&state)
            cases[body.screening] = state
        case .followup(let body):
            guard var state = cases[body.screening] ?? promote(body.screening) else {
                pending[body.screening, default: []].append(located)
                return
            }
            state.followups.append(FollowupRecord(id: event.id, timestamp: event.timestamp, author: event.author, body: body))
            state.followups.sort { ($0.body.date, $0.timestamp) < ($1.body.date, $1.timestamp) }
            refresh(&state)
            cases[body.screening] = state
        case .export:
            break
        }
    }

    /// The cases (only open ones with `onlyOpen`), oldest first, and the orphans.
    public func finish() -> FoldResult {
        // Sort small keys, not the large case values.
        var keys: [(timestamp: String, id: UUID)] = []
        keys.reserveCapacity(cases.count)
        for (id, item) in cases {
            if options.onlyOpen, !item.isOpen { continue }
            if options.skipUnflaggedBodies, !item.flagged { continue }
            keys.append((item.timestamp, id))
        }
        keys.sort { ($0.timestamp, $0.id.uuidString) < ($1.timestamp, $1.id.uuidString) }
        let result = keys.compactMap { cases[$0.id].map(options.returned) }
        var allOrphans = orphans
        for (screening, events) in pending {
            for located in events {
                allOrphans.append(OrphanEvent(file: located.file, line: located.line, event: located.event.id,
                                              screening: screening))
            }
        }
        allOrphans.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return FoldResult(cases: result, orphans: allOrphans, problems: [])
    }

    /// Turns a stub into a case (its body empty until a correction brings answers and a decision).
    private mutating func promote(_ id: UUID) -> Case? {
        guard let stub = stubs.removeValue(forKey: id) else { return nil }
        let timestamp = stub.timestamp(strings)
        let empty = Decision(form: "", formVersion: 0, formFingerprint: "", actions: [], flagged: false, rules: [], warnings: [])
        var state = Case(
            id: id, file: strings[stub.file], line: Int(stub.line), device: strings[stub.device],
            author: strings[stub.author], timestamp: timestamp,
            screeningDate: LocalDate.today(now: Timestamp.parse(timestamp) ?? Date(timeIntervalSince1970: 0)),
            form: "", formVersion: 0, answers: [:], decision: empty, visitDate: nil, override: nil,
            corrections: [], followups: [], flagged: false, actions: [])
        refresh(&state)
        return state
    }

    /// Recomputes flags, action states and overdue; compacts a closed case when only open ones are wanted.
    private func refresh(_ state: inout Case) {
        state.flagged = state.override != nil || state.decision.flagged
        let tracked: [String]
        if let override = state.override {
            tracked = override.actions
        } else if state.decision.flagged {
            tracked = state.decision.actions.filter { options.flaggingActions?.contains($0) ?? true }
        } else {
            tracked = []
        }
        let start = state.visitDate ?? state.screeningDate
        state.actions = tracked.map { action in
            let followup = state.followups.last { $0.body.action == action }
            let status = followup.map { ActionStatus($0.body.status) } ?? .open
            let deadline = options.deadlineDays[action].map { start.adding(days: $0) }
            let overdue = status == .open && deadline.map { options.today > $0 } == true
            return ActionState(action: action, status: status, deadline: deadline, overdue: overdue, followup: followup)
        }
        if options.onlyOpen, !state.isOpen {
            state.answers = [:]
            state.decision.rules = []
            state.decision.warnings = []
        }
    }
}

/// Strings seen many times (file names, devices, initials), stored once.
struct StringTable {
    private var index: [String: Int32] = [:]
    private var values: [String] = []

    mutating func intern(_ text: String) -> Int32 {
        if let known = index[text] { return known }
        let number = Int32(values.count)
        values.append(text)
        index[text] = number
        return number
    }

    subscript(number: Int32) -> String { values[Int(number)] }
}

/// What is kept of an unflagged screening: where it is, who wrote it, and when (milliseconds when the
/// timestamp has the writer's exact form, else the text in the string table).
struct Stub {
    var file: Int32
    var line: Int32
    var device: Int32
    var author: Int32
    var millis: Int64
    var timestampText: Int32

    init(event: LogEvent, file: String, line: Int, strings: inout StringTable) {
        self.file = strings.intern(file)
        self.line = Int32(clamping: line)
        device = strings.intern(event.device)
        author = strings.intern(event.author)
        if let exact = Stub.millis(event.timestamp) {
            millis = exact
            timestampText = -1
        } else {
            millis = 0
            timestampText = strings.intern(event.timestamp)
        }
    }

    func timestamp(_ strings: StringTable) -> String {
        timestampText >= 0 ? strings[timestampText] : Stub.format(millis)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` as milliseconds since 1970, read digit by digit (no floating point).
    static func millis(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[23] == UInt8(ascii: "Z"),
              let date = LocalDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int64(bytes[index] - 0x30)
            }
            return value
        }
        // Only the writer's exact layout, so that `format` gives the same text back.
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let milli = number(20..<23), hour < 24, minute < 60, second < 60 else { return nil }
        return Int64(date.dayNumber) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + milli
    }

    static func format(_ millis: Int64) -> String {
        let day = Int(millis.quotientAndRemainder(dividingBy: 86_400_000).quotient)
        let rest = Int(millis - Int64(day) * 86_400_000)
        let date = LocalDate(dayNumber: day)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month, date.day,
                      rest / 3_600_000, rest / 60000 % 60, rest / 1000 % 60, rest % 1000)
    }
}
