import Foundation
import KonfliktCore
import KonfliktLog

/// How events are folded into cases.
public struct FoldOptions: Sendable {
    /// Follow-up deadline in days per action id (from the form's actions). No entry: no deadline.
    public var deadlineDays: [String: Int]
    /// The actions that flag a case (from the form). An override's actions are always tracked.
    public var flaggingActions: Set<String>
    /// Today's date, for overdue.
    public var today: LocalDate
    /// The follow-up statuses per action id (from the form); an action without an entry has
    /// `FollowupStatus.defaults`.
    public var statuses: [String: [FollowupStatus]]

    /// Options for folding.
    public init(deadlineDays: [String: Int] = [:], flaggingActions: Set<String> = [], today: LocalDate,
                statuses: [String: [FollowupStatus]] = [:]) {
        self.deadlineDays = deadlineDays
        self.flaggingActions = flaggingActions
        self.today = today
        self.statuses = statuses
    }

    /// The options for `form`.
    public init(form: Form, today: LocalDate) {
        self.init(deadlineDays: form.deadlineDays, flaggingActions: form.flaggingActionIDs, today: today,
                  statuses: form.statusesByAction)
    }

    /// The statuses of `action`.
    func statuses(of action: String) -> [FollowupStatus] {
        statuses[action] ?? FollowupStatus.defaults(doneLabel: "Udført")
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

/// Folds whole events into full cases (answers, decision, history) by `CaseRules`, in any order of
/// files: a correction or follow-up seen before its screening waits until the screening arrives. Used
/// for a case's details (the few lines the case index points at) and, over a whole log, as the
/// reference the index is tested against.
public struct CaseFolder: Sendable {
    /// The options.
    public let options: FoldOptions
    private var cases: [UUID: Case] = [:]
    private var correctionInForce: [UUID: EventTime] = [:]
    private var pending: [UUID: [LocatedEvent]] = [:]
    private var orphans: [OrphanEvent] = []

    /// A folder with `options`.
    public init(options: FoldOptions) {
        self.options = options
    }

    /// Reads every event in `directory` and folds it: the fold from scratch.
    public static func fold(directory: DataDirectory, options: FoldOptions) throws -> FoldResult {
        var folder = CaseFolder(options: options)
        let problems = try LogReader.forEachEvent(in: directory) { folder.add($0) }
        var result = folder.finish()
        result.problems = problems
        return result
    }

    /// Folds one event.
    public mutating func add(_ located: LocatedEvent) {
        let event = located.event
        switch event.body {
        case .screening(let body):
            guard cases[event.id] == nil else {
                orphans.append(OrphanEvent(file: located.file, line: located.line, event: event.id, screening: event.id))
                return
            }
            var state = Case(
                id: event.id, file: located.file, line: located.line, device: event.device, author: event.author,
                timestamp: event.timestamp, screeningDate: CaseRules.screeningDay(event.timestamp), form: body.form,
                formVersion: body.formVersion, answers: body.answers, decision: body.decision,
                visitDate: body.visitDate, override: body.override,
                recorded: CaseVersion(answers: body.answers, decision: body.decision, override: body.override),
                corrections: [], followups: [], flagged: false,
                actions: [])
            refresh(&state)
            cases[event.id] = state
            for waiting in pending.removeValue(forKey: event.id) ?? [] { add(waiting) }
        case .correction(let body):
            guard var state = cases[body.screening] else {
                pending[body.screening, default: []].append(located)
                return
            }
            state.corrections.append(CorrectionRecord(id: event.id, timestamp: event.timestamp,
                                                      author: event.author, reason: body.reason,
                                                      version: CaseVersion(answers: body.answers, decision: body.decision,
                                                                           override: body.override)))
            let time = EventTime(millis: CaseRules.millis(event.timestamp), id: event.id)
            if CaseRules.correctionTakesOver(time, over: correctionInForce[body.screening]) {
                correctionInForce[body.screening] = time
                state.answers = body.answers
                state.decision = body.decision
                if let visit = body.visitDate { state.visitDate = visit }
                if let override = body.override { state.override = override }
            }
            refresh(&state)
            cases[body.screening] = state
        case .followup(let body):
            guard var state = cases[body.screening] else {
                pending[body.screening, default: []].append(located)
                return
            }
            state.followups.append(FollowupRecord(id: event.id, timestamp: event.timestamp, author: event.author, body: body))
            refresh(&state)
            cases[body.screening] = state
        case .export, .access:
            break
        }
    }

    /// The cases, oldest first, and the orphans.
    public func finish() -> FoldResult {
        let result = cases.values.sorted { ($0.timestamp, $0.id.uuidString) < ($1.timestamp, $1.id.uuidString) }
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

    /// Recomputes flags and action states by `CaseRules`.
    private func refresh(_ state: inout Case) {
        state.corrections.sort { ($0.timestamp, $0.id.uuidString) < ($1.timestamp, $1.id.uuidString) }
        state.followups.sort { ($0.body.date, $0.timestamp, $0.id.uuidString) < ($1.body.date, $1.timestamp, $1.id.uuidString) }
        state.flagged = CaseRules.isFlagged(decisionFlagged: state.decision.flagged, overridden: state.override != nil)
        let tracked = CaseRules.trackedActions(decision: state.decision, override: state.override,
                                               flaggingActions: options.flaggingActions)
        // The follow-up in force per action: the last that takes over, in reading order.
        var inForce: [String: (time: EventTime, record: FollowupRecord)] = [:]
        for record in state.followups {
            let time = EventTime(day: Int32(clamping: record.body.date.dayNumber),
                                 millis: CaseRules.millis(record.timestamp), id: record.id)
            if CaseRules.followupTakesOver(time, over: inForce[record.body.action]?.time) {
                inForce[record.body.action] = (time, record)
            }
        }
        let start = state.visitDate ?? state.screeningDate
        state.actions = tracked.map { action in
            let followup = inForce[action]?.record
            let status = CaseRules.status(id: followup?.body.status, statuses: options.statuses(of: action))
            let deadline = CaseRules.deadline(of: action, from: start, deadlineDays: options.deadlineDays)
            return ActionState(action: action, status: status, deadline: deadline,
                               overdue: CaseRules.isOverdue(status: status, deadline: deadline, today: options.today),
                               followup: followup)
        }
    }
}
