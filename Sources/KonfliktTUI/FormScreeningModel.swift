import KonfliktCore

/// Core's `Form` as the screens see it. `$initialer` defaults come from `initials`; `today`
/// defaults are left to the date field, which starts at today's date.
public struct FormScreeningModel: ScreeningModel {
    /// The form.
    public let form: Form
    /// The user's initials for `$initialer` defaults.
    public let initials: String?
    private let today: LocalDate

    /// Warnings about earlier records (the same child already screened at this visit); none by default.
    private let earlierVisit: @Sendable (Answers) -> [String]

    /// Adapts `form`; `earlierVisit` gives warnings that need the log.
    public init(form: Form, initials: String?, today: LocalDate,
                earlierVisit: @escaping @Sendable (Answers) -> [String] = { _ in [] }) {
        self.form = form
        self.initials = initials
        self.today = today
        self.earlierVisit = earlierVisit
    }

    public var formID: String { form.id }
    public var title: String { form.title }

    public var steps: [StepView] {
        form.steps.map { step in
            StepView(title: step.title, questions: step.questions.map(view))
        }
    }

    public var actions: [ActionView] {
        form.actions.map {
            ActionView(id: $0.id, label: $0.label, severity: $0.severity, instruction: $0.instruction,
                       familyInfo: $0.familyInfo)
        }
    }

    public func isShown(_ questionID: String, answers: Answers) -> Bool {
        guard let question = form.question(id: questionID) else { return false }
        return form.isShown(question, answers: answers, today: today)
    }

    public func problem(with answer: AnswerValue, for questionID: String, answers: Answers, today: LocalDate) -> String? {
        guard let question = form.question(id: questionID) else { return nil }
        return form.problem(with: answer, for: question, answers: answers, today: today)
    }

    public func decide(_ answers: Answers, today: LocalDate) -> Decision {
        form.decide(answers, today: today)
    }

    public func guidance(for actions: [String], decision: Decision) -> [ActionGuidance] {
        form.guidance(for: actions, decision: decision)
    }

    public func banners(for actions: [String]) -> [String] { form.banners(for: actions) }

    public func checkOverride(actions: [String], reason: String, decision: Decision) -> Result<[String], OverrideRefusal> {
        do throws(OverrideRefusal) {
            return .success(try form.checkOverride(actions: actions, reason: reason, decision: decision))
        } catch {
            return .failure(error)
        }
    }

    public func journalNote(answers: Answers, decision: Decision, overrideActions: [String]?, overrideReason: String?) -> String? {
        JournalNote.text(form: form, answers: answers, decision: decision,
                         override: overrideActions.map { ($0, overrideReason ?? "") })
    }

    public func contextWarnings(answers: Answers) -> [String] { earlierVisit(answers) }

    public func hiddenReason(_ questionID: String, answers: Answers) -> String? {
        guard let question = form.question(id: questionID) else { return nil }
        return form.hiddenReason(question, answers: answers, today: today)
    }

    private func view(_ question: Question) -> QuestionView {
        let input: QuestionInput
        let options = question.choices.map { ChoiceOption(id: $0.id, label: $0.label) }
        switch question.kind {
        case .choice: input = .choice(options)
        case .multichoice: input = .multichoice(options)
        case .yesno: input = .yesno
        case .text: input = question.multiline ? .note : .text
        case .date: input = .date
        case .cpr: input = .cpr
        case .number: input = .number
        }
        return QuestionView(id: question.id, text: question.text, help: question.help, required: question.required,
                            input: input, defaultValue: defaultValue(question))
    }

    private func defaultValue(_ question: Question) -> AnswerValue? {
        guard let value = question.defaultValue else { return nil }
        switch question.kind {
        case .date: return value == "today" ? nil : .string(value)
        case .text where value == "$initialer": return initials.map(AnswerValue.string)
        case .yesno: return .bool(value == "true")
        case .number: return Double(value).map(AnswerValue.number)
        default: return .string(value)
        }
    }
}
