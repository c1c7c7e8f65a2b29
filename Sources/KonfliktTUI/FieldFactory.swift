import KonfliktCore

/// Builds the widget for a question, holding `answer` (or the question's default; a date
/// without one starts at `today`).
public func makeField(for question: QuestionView, answer: AnswerValue?, today: LocalDate) -> any FieldWidget {
    let value = answer ?? question.defaultValue
    var field: any FieldWidget
    switch question.input {
    case .choice(let options): field = ChoiceField(options: options)
    case .multichoice(let options): field = MultiChoiceField(options: options)
    case .yesno: field = YesNoField()
    case .text: field = TextField()
    case .note: field = NoteField(visibleLines: 3)
    case .date: field = DateField(date: value == nil ? today : nil)
    case .cpr: field = CPRField()
    case .number: field = NumberField()
    }
    if let value { field.setAnswer(value) }
    return field
}

/// A one-line hint on how to operate the widget for `input`, in Danish.
func inputHint(for input: QuestionInput) -> String {
    switch input {
    case .choice: return "↑/↓ eller tallet vælger."
    case .multichoice: return "↑/↓ flytter, mellemrum eller tallet slår til og fra."
    case .yesno: return "j = ja, n = nej."
    case .text: return "Skriv; ←/→, Home og End flytter markøren."
    case .note: return "Enter giver ny linje; Tab går til næste felt."
    case .date: return "Datoen skrives dd-mm-åååå."
    case .cpr: return "CPR-nummeret skrives DDMMÅÅ-SSSS."
    case .number: return "Skriv et tal."
    }
}
