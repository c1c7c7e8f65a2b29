import Foundation
import KonfliktCore
import KonfliktLog

/// The rules that turn events into a case, written once: the case index and a case's details both
/// follow them.
///
/// - The latest correction (by timestamp, then id) gives the answers, the decision and the visit date
///   in force; an override stays until a correction brings another.
/// - Per action, the latest follow-up (by its date, then timestamp, then id) gives the action's status,
///   read through the form's statuses for the action: the action is closed when that status `closes`.
///   A status that does not close it (the course has started) or an id the form does not know (another
///   form version) leaves it open.
/// - A case is flagged when its decision flags it or it was overridden. The tracked actions are the
///   override's, else the flagging actions of a flagging decision.
/// - An action's deadline counts from the visit date, else the screening date; an action not closed
///   past its deadline is overdue.
public enum CaseRules {
    /// Whether a correction recorded at `candidate` takes over from the one in force (nil when none):
    /// the later one, and of two recorded in the same millisecond the one with the greater id, so the
    /// result never depends on the order files are read in.
    public static func correctionTakesOver(_ candidate: EventTime, over current: EventTime?) -> Bool {
        guard let current else { return true }
        return candidate > current
    }

    /// Whether a follow-up takes over from the one in force for the same action: the later date, then
    /// the later record, then the greater id.
    public static func followupTakesOver(_ candidate: EventTime, over current: EventTime?) -> Bool {
        guard let current else { return true }
        return candidate > current
    }

    /// The actions tracked for the team lead.
    public static func trackedActions(decision: Decision, override: Override?, flaggingActions: Set<String>) -> [String] {
        if let override { return override.actions }
        guard decision.flagged else { return [] }
        return decision.actions.filter { flaggingActions.contains($0) }
    }

    /// Whether the case is flagged.
    public static func isFlagged(decisionFlagged: Bool, overridden: Bool) -> Bool { decisionFlagged || overridden }

    /// The deadline of `action` counting from `start`, if the action has one.
    public static func deadline(of action: String, from start: LocalDate, deadlineDays: [String: Int]) -> LocalDate? {
        deadlineDays[action].map { start.adding(days: $0) }
    }

    /// The status of an action whose latest follow-up has status `id` (nil when none), given the
    /// action's statuses in the form.
    public static func status(id: String?, statuses: [FollowupStatus]) -> ActionStatus {
        guard let id else { return .open }
        return ActionStatus(id: id, status: statuses.first { $0.id == id })
    }

    /// Whether an action with `status` and `deadline` is overdue on `today`: not closed and past it.
    public static func isOverdue(status: ActionStatus, deadline: LocalDate?, today: LocalDate) -> Bool {
        !status.closes && deadline.map { today > $0 } == true
    }

    /// Milliseconds since 1970 of a timestamp as written (`YYYY-MM-DDTHH:MM:SS(.mmm)Z`); the one place
    /// timestamps are compared. Unreadable timestamps sort first.
    public static func millis(_ timestamp: String) -> Int64 {
        millis(Timestamp.parse(timestamp))
    }

    /// `millis` of a timestamp already parsed (nil: it could not be read).
    public static func millis(_ time: Date?) -> Int64 {
        guard let date = time else { return Int64.min + 1 }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The day (Danish time) a screening was recorded.
    public static func screeningDay(_ timestamp: String) -> LocalDate {
        guard let date = Timestamp.parse(timestamp) else { return LocalDate.today(now: Date(timeIntervalSince1970: 0)) }
        return localDay(ofHour: Int64((date.timeIntervalSince1970 / 3600).rounded(.down)))
    }

    /// The Danish day of the UTC hour `hour` (hours since 1970): Danish time is a whole number of
    /// hours from UTC, so every instant of an hour falls on the same day.
    public static func localDay(ofHour hour: Int64) -> LocalDate {
        LocalDate.today(now: Date(timeIntervalSince1970: Double(hour) * 3600))
    }
}

/// The order of corrections and follow-ups: a follow-up's date (0 for corrections), when it was
/// recorded, and its id as the last tie-break.
public struct EventTime: Sendable, Hashable, Comparable {
    /// The follow-up's date (day number); 0 for a correction.
    public var day: Int32
    /// When it was recorded (milliseconds since 1970).
    public var millis: Int64
    /// The event's id.
    public var id: UUID

    /// An event time.
    public init(day: Int32 = 0, millis: Int64, id: UUID) {
        self.day = day
        self.millis = millis
        self.id = id
    }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        if lhs.day != rhs.day { return lhs.day < rhs.day }
        if lhs.millis != rhs.millis { return lhs.millis < rhs.millis }
        // By the id's bytes (the order of its hex text), without formatting it.
        let (a, b) = (lhs.id.uuid, rhs.id.uuid)
        return [a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12, a.13, a.14, a.15]
            .lexicographicallyPrecedes([b.0, b.1, b.2, b.3, b.4, b.5, b.6, b.7, b.8, b.9, b.10, b.11, b.12, b.13, b.14, b.15])
    }
}
