/// The kind of a question, which decides its answer's JSON type and its widget.
public enum QuestionKind: String, Sendable, Hashable, CaseIterable {
    /// One of the question's choices (answer: the choice id).
    case choice
    /// Any number of the choices (answer: array of choice ids).
    case multichoice
    /// Yes or no (answer: true/false).
    case yesno
    /// Free text (answer: string); `multiline` makes it a note.
    case text
    /// A date (answer: `YYYY-MM-DD`).
    case date
    /// A CPR number (answer: `DDMMYY-SSSS`).
    case cpr
    /// A number.
    case number
}

/// One choice of a choice or multichoice question.
public struct Choice: Sendable, Hashable {
    /// The id stored in answers and named in expressions.
    public let id: String
    /// The Danish label shown to the user.
    public let label: String
}

/// One question of a form.
public struct Question: Sendable {
    /// The answer's key.
    public let id: String
    /// The question's kind.
    public let kind: QuestionKind
    /// The question text (Danish).
    public let text: String
    /// Help text shown on demand; empty when none.
    public let help: String
    /// Whether a shown question must be answered.
    public let required: Bool
    /// For text questions: several lines.
    public let multiline: Bool
    /// The choices of a choice or multichoice question.
    public let choices: [Choice]
    /// Shown only when this holds; nil means always shown.
    public let when: Expression?
    /// An answer must make this hold; checked only when the question is answered.
    public let constraint: Expression?
    /// The message when `constraint` fails (Danish).
    public let constraintMessage: String
    /// The default as written in the form: `today` for dates, `$initialer` for the user's initials,
    /// or a literal answer.
    public let defaultValue: String?
    /// Whether the export counts this question's answers.
    public let report: Bool
    /// A short column label for the export (`report_label`); nil when the form gives none.
    public let reportLabel: String?

    /// The label of the choice `id`, or `id` when there is no such choice.
    public func label(ofChoice id: String) -> String {
        choices.first { $0.id == id }?.label ?? id
    }
}

/// One page of the guided form.
public struct FormStep: Sendable {
    /// The step's id.
    public let id: String
    /// The step's title (Danish).
    public let title: String
    /// The step's questions in order.
    public let questions: [Question]
}

/// An action the rules can recommend.
public struct FormAction: Sendable, Hashable {
    /// The action's id.
    public let id: String
    /// The Danish label.
    public let label: String
    /// Higher is more serious; decisions list actions most serious first.
    public let severity: Int
    /// Whether recommending it flags the case for the team lead.
    public let flags: Bool
    /// Days from the visit until the action is overdue; nil when it has no deadline.
    public let deadlineDays: Int?
    /// What the health visitor does now, shown after saving.
    public let instruction: String
    /// What to tell the family, shown after saving.
    public let familyInfo: String
    /// A short label for the export's columns (`report_label`); nil when the form gives none.
    public let reportLabel: String?
}

/// A rule: when its condition holds it recommends its action, with a reason and a legal basis.
public struct Rule: Sendable {
    /// The rule's id.
    public let id: String
    /// The condition.
    public let when: Expression
    /// The recommended action's id.
    public let action: String
    /// Why (Danish).
    public let reason: String
    /// The legal basis; empty when none.
    public let basis: String
}

/// A screening form loaded and checked from a YAML file in `forms/`.
public struct Form: Sendable {
    /// The form's id, e.g. `konfliktscreening`.
    public let id: String
    /// The form's version.
    public let version: Int
    /// The title (Danish).
    public let title: String
    /// The steps in order.
    public let steps: [FormStep]
    /// The actions the rules can recommend.
    public let actions: [FormAction]
    /// The rules in order.
    public let rules: [Rule]
    /// The action recommended when no rule fires.
    public let defaultActionID: String
    /// SHA-256 (hex) of the form file's bytes.
    public let fingerprint: String
    /// The file the form was loaded from.
    public let path: String

    /// Every question in form order.
    public var questions: [Question] { steps.flatMap(\.questions) }

    /// The question `id`, if any.
    public func question(id: String) -> Question? {
        for step in steps { if let q = step.questions.first(where: { $0.id == id }) { return q } }
        return nil
    }

    /// The action `id`, if any.
    public func action(id: String) -> FormAction? { actions.first { $0.id == id } }

    /// Each action's deadline in days, for folding the log into cases.
    public var deadlineDays: [String: Int] {
        var result: [String: Int] = [:]
        for action in actions { if let days = action.deadlineDays { result[action.id] = days } }
        return result
    }

    /// The ids of the actions that flag a case.
    public var flaggingActionIDs: Set<String> { Set(actions.filter(\.flags).map(\.id)) }
}
