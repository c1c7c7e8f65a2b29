import Foundation
import KonfliktCore

/// The body of a `screening` event: what was asked, what was answered and what was recommended.
public struct ScreeningBody: Sendable, Hashable, Codable {
    /// The form's id.
    public var form: String
    /// The form's version.
    public var formVersion: Int
    /// SHA-256 (hex) of the form file used.
    public var formFingerprint: String
    /// The answers to the questions that were shown.
    public var answers: Answers
    /// The rules' recommendation.
    public var decision: Decision
    /// The date of the home visit, when known; deadlines count from it.
    public var visitDate: LocalDate?
    /// The health visitor's override of the recommendation, if any.
    public var override: Override?

    /// A screening body.
    public init(form: String, formVersion: Int, formFingerprint: String, answers: Answers,
                decision: Decision, visitDate: LocalDate?, override: Override?) {
        self.form = form
        self.formVersion = formVersion
        self.formFingerprint = formFingerprint
        self.answers = answers
        self.decision = decision
        self.visitDate = visitDate
        self.override = override
    }
}

/// The health visitor's own choice of actions instead of the recommended ones, with the written
/// reason. An override always flags the case for the team lead.
public struct Override: Sendable, Hashable, Codable {
    /// The chosen action ids.
    public var actions: [String]
    /// Why, in the health visitor's words.
    public var reason: String

    /// An override.
    public init(actions: [String], reason: String) {
        self.actions = actions
        self.reason = reason
    }
}
