import Foundation
import KonfliktCore
import KonfliktLog

/// One screening with its latest correction applied and its follow-ups: what the team lead reviews.
public struct Case: Sendable, Hashable {
    /// The screening event's id (the case id used by `correct` and `followup`).
    public var id: UUID
    /// The file and line of the screening event.
    public var file: String
    /// The line of the screening event.
    public var line: Int
    /// The device that recorded the screening.
    public var device: String
    /// Who recorded the screening.
    public var author: String
    /// When the screening was recorded (UTC timestamp as written).
    public var timestamp: String
    /// The day of the screening (Danish time).
    public var screeningDate: LocalDate
    /// The form's id.
    public var form: String
    /// The form's version.
    public var formVersion: Int
    /// The current answers (from the latest correction, if any).
    public var answers: Answers
    /// The current decision (from the latest correction, if any).
    public var decision: Decision
    /// The visit date, if known.
    public var visitDate: LocalDate?
    /// The health visitor's override, if any.
    public var override: Override?
    /// The answers, decision and override as the screening recorded them, before any correction.
    public var recorded: CaseVersion
    /// Every correction, oldest first.
    public var corrections: [CorrectionRecord]
    /// Every follow-up, oldest first.
    public var followups: [FollowupRecord]
    /// Whether the case is flagged for the team lead (a flagging decision or an override).
    public var flagged: Bool
    /// The state of each tracked (flagged) action, in decision order.
    public var actions: [ActionState]

    /// The actions in force: the override's if any, else the decision's.
    public var effectiveActions: [String] { override?.actions ?? decision.actions }
    /// Whether any tracked action is still open.
    public var isOpen: Bool { actions.contains { $0.status == .open } }
    /// Whether any tracked action is open past its deadline.
    public var isOverdue: Bool { actions.contains { $0.overdue } }
}

/// The answers of a case at one point: as screened, or as one correction left them.
public struct CaseVersion: Sendable, Hashable {
    /// The complete answers.
    public var answers: Answers
    /// The decision made from them.
    public var decision: Decision
    /// The override given with them (for a correction: a new one; nil keeps the earlier one).
    public var override: Override?

    /// A version.
    public init(answers: Answers, decision: Decision, override: Override?) {
        self.answers = answers
        self.decision = decision
        self.override = override
    }
}

/// A correction applied to a case.
public struct CorrectionRecord: Sendable, Hashable {
    /// The correction event's id.
    public var id: UUID
    /// When it was recorded.
    public var timestamp: String
    /// Who recorded it.
    public var author: String
    /// Why.
    public var reason: String
    /// The answers, decision and any new override the correction brought.
    public var version: CaseVersion
}

/// A follow-up recorded on a case.
public struct FollowupRecord: Sendable, Hashable {
    /// The follow-up event's id.
    public var id: UUID
    /// When it was recorded.
    public var timestamp: String
    /// Who recorded it.
    public var author: String
    /// The body (action, status, date, note).
    public var body: FollowupBody
}

/// Where a flagged action stands.
public enum ActionStatus: String, Sendable, Hashable, Codable {
    /// Nothing recorded yet.
    case open
    /// Done (`udfoert`).
    case done
    /// Declined (`afvist`).
    case declined
    /// Not relevant (`ikke_relevant`).
    case notRelevant = "not_relevant"

    init(_ status: FollowupStatus) {
        switch status {
        case .udfoert: self = .done
        case .afvist: self = .declined
        case .ikkeRelevant: self = .notRelevant
        }
    }

    /// The Danish label.
    public var label: String {
        switch self {
        case .open: return "åben"
        case .done: return "udført"
        case .declined: return "afvist"
        case .notRelevant: return "ikke relevant"
        }
    }
}

/// One tracked action of a case.
public struct ActionState: Sendable, Hashable {
    /// The action id.
    public var action: String
    /// Its status (from the latest follow-up for it, by date then timestamp).
    public var status: ActionStatus
    /// The deadline (visit date, else screening date, plus the action's deadline days), if it has one.
    public var deadline: LocalDate?
    /// Open and the deadline has passed.
    public var overdue: Bool
    /// The follow-up that decided the status, if any.
    public var followup: FollowupRecord?
}
