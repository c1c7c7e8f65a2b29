import Foundation
import KonfliktCore

/// What kind of input a question takes; decides the widget.
public enum QuestionInput: Sendable, Hashable {
    /// One of the options.
    case choice([ChoiceOption])
    /// Any number of the options.
    case multichoice([ChoiceOption])
    /// Yes or no.
    case yesno
    /// One line of text.
    case text
    /// Several lines of text.
    case note
    /// A date (`dd-mm-åååå` on screen, `YYYY-MM-DD` in the answers).
    case date
    /// A CPR number.
    case cpr
    /// A number.
    case number
}

/// One question as the screens show it.
public struct QuestionView: Sendable, Hashable {
    /// The id the answer is stored under.
    public var id: String
    /// The question text (Danish).
    public var text: String
    /// Help shown on demand, empty when none.
    public var help: String
    /// Whether the step cannot be left without an answer.
    public var required: Bool
    /// The input kind.
    public var input: QuestionInput
    /// The answer used when the question is first shown (a date question without a default gets
    /// today's date).
    public var defaultValue: AnswerValue?

    /// Creates a question.
    public init(id: String, text: String, help: String = "", required: Bool = false, input: QuestionInput,
                defaultValue: AnswerValue? = nil) {
        self.id = id
        self.text = text
        self.help = help
        self.required = required
        self.input = input
        self.defaultValue = defaultValue
    }

    /// How `answer` is shown in summaries ("Højt", "Ja", "20-11-2026", …).
    public func display(_ answer: AnswerValue) -> String {
        switch (input, answer) {
        case (.choice(let options), .string(let id)):
            return options.first { $0.id == id }?.label ?? id
        case (.multichoice(let options), .strings(let ids)):
            return ids.map { id in options.first { $0.id == id }?.label ?? id }.joined(separator: ", ")
        case (_, .bool(let value)): return value ? "Ja" : "Nej"
        case (.date, .string(let iso)): return LocalDate(iso: iso)?.danish ?? iso
        case (_, .string(let text)): return text.replacingOccurrences(of: "\n", with: " ")
        case (_, .strings(let texts)): return texts.joined(separator: ", ")
        case (_, .number(let value)):
            return value.rounded() == value ? String(Int64(value)) : String(value).replacingOccurrences(of: ".", with: ",")
        }
    }
}

/// One page of the guided form.
public struct StepView: Sendable, Hashable {
    /// The step's title.
    public var title: String
    /// The step's questions in order (some may be hidden by relevance).
    public var questions: [QuestionView]

    /// Creates a step.
    public init(title: String, questions: [QuestionView]) {
        self.title = title
        self.questions = questions
    }
}

/// An action the rules can recommend, as the screens show it.
public struct ActionView: Sendable, Hashable {
    /// The action's id.
    public var id: String
    /// Its Danish label.
    public var label: String
    /// Higher is more serious.
    public var severity: Int
    /// What the health visitor does now (shown after saving).
    public var instruction: String
    /// What to tell the family (shown after saving).
    public var familyInfo: String

    /// Creates an action.
    public init(id: String, label: String, severity: Int, instruction: String = "", familyInfo: String = "") {
        self.id = id
        self.label = label
        self.severity = severity
        self.instruction = instruction
        self.familyInfo = familyInfo
    }
}

/// The form and its rules as the screens need them. Core's `Form` is adapted to this, so the
/// screens can be tested with small hand-made forms.
public protocol ScreeningModel: Sendable {
    /// The form's id (stored in drafts).
    var formID: String { get }
    /// The form's title.
    var title: String { get }
    /// The steps in order.
    var steps: [StepView] { get }
    /// Every action the rules can recommend.
    var actions: [ActionView] { get }
    /// Whether the question is shown given the answers so far (its `when`).
    func isShown(_ questionID: String, answers: Answers) -> Bool
    /// A Danish message when `answer` breaks the question's constraint; nil when fine.
    func problem(with answer: AnswerValue, for questionID: String, answers: Answers, today: LocalDate) -> String?
    /// The recommendation for the (relevant) answers.
    func decide(_ answers: Answers, today: LocalDate) -> Decision
    /// What to do and tell the family for each of `actions`, rule texts before the action's.
    func guidance(for actions: [String], decision: Decision) -> [ActionGuidance]
    /// The banners (e.g. "Ring 112 …") shown first on the summary for `actions`.
    func banners(for actions: [String]) -> [String]
    /// Checks an override: the chosen actions in severity order, or why it is refused (a mandatory
    /// rule's action may not be removed).
    func checkOverride(actions: [String], reason: String, decision: Decision) -> Result<[String], OverrideRefusal>
    /// The journal note for a saved screening, or nil when the model has none.
    func journalNote(answers: Answers, decision: Decision, overrideActions: [String]?, overrideReason: String?) -> String?
    /// Warnings that need more than the answers (e.g. the same child already screened at this visit).
    func contextWarnings(answers: Answers) -> [String]
    /// Why the question is not asked with these answers, when the form says so; nil otherwise.
    func hiddenReason(_ questionID: String, answers: Answers) -> String?
}

extension ScreeningModel {
    public func guidance(for actions: [String], decision: Decision) -> [ActionGuidance] {
        actions.compactMap { id in
            action(id).map {
                ActionGuidance(actionID: id, label: $0.label, instructions: $0.instruction.isEmpty ? [] : [$0.instruction],
                               familyInfo: $0.familyInfo.isEmpty ? [] : [$0.familyInfo])
            }
        }
    }

    public func banners(for actions: [String]) -> [String] { [] }

    public func checkOverride(actions chosen: [String], reason: String, decision: Decision) -> Result<[String], OverrideRefusal> {
        guard !chosen.isEmpty else { return .failure(.noActions) }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .failure(.noReason) }
        return .success(actions.sorted { $0.severity > $1.severity }.map(\.id).filter { chosen.contains($0) })
    }

    public func journalNote(answers: Answers, decision: Decision, overrideActions: [String]?, overrideReason: String?) -> String? { nil }

    public func contextWarnings(answers: Answers) -> [String] { [] }

    public func hiddenReason(_ questionID: String, answers: Answers) -> String? { nil }
}

extension ScreeningModel {
    /// The answers to questions that are shown, in the light of the answers themselves.
    public func relevantAnswers(_ answers: Answers) -> Answers {
        answers.filter { isShown($0.key, answers: answers) }
    }

    /// The action with `id`.
    public func action(_ id: String) -> ActionView? { actions.first { $0.id == id } }

    /// Every question of every step, in order.
    public var allQuestions: [QuestionView] { steps.flatMap(\.questions) }
}
