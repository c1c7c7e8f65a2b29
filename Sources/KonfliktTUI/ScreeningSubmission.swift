import KonfliktCore

/// What the guided form hands to the save closure: the shown answers, the rules' decision and,
/// when the health visitor overrode it, the chosen actions and the written reason.
public struct ScreeningSubmission: Sendable, Equatable {
    /// The answers to the questions that were shown.
    public var answers: Answers
    /// The rules' recommendation.
    public var decision: Decision
    /// The actions chosen instead of the recommendation, or nil when not overridden.
    public var overrideActions: [String]?
    /// Why the recommendation was overridden (required with `overrideActions`).
    public var overrideReason: String?

    /// Creates a submission.
    public init(answers: Answers, decision: Decision, overrideActions: [String]? = nil, overrideReason: String? = nil) {
        self.answers = answers
        self.decision = decision
        self.overrideActions = overrideActions
        self.overrideReason = overrideReason
    }

    /// The actions that count: the override when there is one, else the recommendation.
    public var finalActions: [String] { overrideActions ?? decision.actions }

    /// Whether the case is flagged for the team lead (an override always flags it).
    public var flagged: Bool { overrideActions != nil || decision.flagged }
}
