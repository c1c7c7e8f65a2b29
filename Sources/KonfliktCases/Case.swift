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
    /// Whether any tracked action is still open (not closed by its latest follow-up).
    public var isOpen: Bool { actions.contains { !$0.status.closes } }
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

/// Where a flagged action stands: the status of its latest follow-up, read through the form.
public struct ActionStatus: Sendable, Hashable {
    /// The status id of the follow-up in force, as the log has it; nil when there is none yet.
    public let id: String?
    /// The form's status with that id; nil without a follow-up, or when the form does not know the id
    /// (a follow-up recorded with another version of the form).
    public let status: FollowupStatus?

    /// A status: `id` as read from the log, `status` the form's meaning of it.
    public init(id: String?, status: FollowupStatus?) {
        self.id = id
        self.status = status
    }

    /// No follow-up yet.
    public static let open = ActionStatus(id: nil, status: nil)

    /// Whether the status closes the action. Without a follow-up, with a status that records a step on
    /// the way (e.g. the course has started) or with a status the form does not know, the action is open.
    public var closes: Bool { status?.closes ?? false }

    /// Whether the log gave a status id the form does not know for the action.
    public var isUnknown: Bool { id != nil && status == nil }

    /// The short Danish label: "åben" without a follow-up, the status's short label, or "ukendt status"
    /// for one the form does not know.
    public var label: String {
        guard id != nil else { return "åben" }
        return status?.shortLabel ?? "ukendt status"
    }

    /// The status id, `FollowupStatus.openID` without a follow-up, or `FollowupStatus.unknownID` for an
    /// id the form does not know (the review list's JSON, the export's column ids).
    public var key: String {
        guard let id else { return FollowupStatus.openID }
        return status == nil ? FollowupStatus.unknownID : id
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
