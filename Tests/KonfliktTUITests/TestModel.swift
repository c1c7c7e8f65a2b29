import KonfliktCore
@testable import KonfliktTUI

/// A small hand-made screening form for the screen tests.
struct TestModel: ScreeningModel {
    let formID = "test"
    let title = "Konfliktscreening"
    let steps = [
        StepView(title: "Besøget", questions: [
            QuestionView(id: "besoeg", text: "Hvilket besøg?", required: true,
                         input: .choice([ChoiceOption(id: "2mdr", label: "2-måneders besøg"),
                                         ChoiceOption(id: "8mdr", label: "8-måneders besøg")])),
            QuestionView(id: "barn_cpr", text: "Barnets CPR-nummer", required: true, input: .cpr),
        ]),
        StepView(title: "Konfliktniveau", questions: [
            QuestionView(id: "konfliktniveau", text: "Hvordan er konfliktniveauet i jeres familie?",
                         help: "Fortæl først, at konflikter kan vokse, når man bliver forældre.", required: true,
                         input: .choice([ChoiceOption(id: "lavt", label: "Lavt"), ChoiceOption(id: "middel", label: "Middel"),
                                         ChoiceOption(id: "hoejt", label: "Højt")])),
            QuestionView(id: "interesse", text: "Er parret interesseret i et gruppeforløb?", required: true,
                         input: .choice([ChoiceOption(id: "begge", label: "Begge"), ChoiceOption(id: "nej", label: "Nej")])),
            QuestionView(id: "barn_udsat", text: "Er barnet udsat for vold?", required: true, input: .yesno),
        ]),
        StepView(title: "Noter", questions: [
            QuestionView(id: "note", text: "Note", input: .text),
        ]),
    ]
    let actions = [
        ActionView(id: "underretning", label: "Underretning", severity: 3,
                   instruction: "send den i dag til Familierådgivningen.", familyInfo: "Fortæl familien om underretningen."),
        ActionView(id: "gruppeforloeb", label: "Gruppeforløb", severity: 2,
                   instruction: "giv familien folderen.", familyInfo: "Forløbet i Sammen uden vold."),
        ActionView(id: "ingen", label: "Ingen handling", severity: 0),
    ]

    func isShown(_ questionID: String, answers: Answers) -> Bool {
        questionID == "interesse" ? answers["konfliktniveau"] == .string("hoejt") : true
    }

    func problem(with answer: AnswerValue, for questionID: String, answers: Answers, today: LocalDate) -> String? {
        nil
    }

    func decide(_ answers: Answers, today: LocalDate) -> Decision {
        var rules: [FiredRule] = []
        if answers["barn_udsat"] == .bool(true) {
            rules.append(FiredRule(id: "barn-udsat", action: "underretning", reason: "Barnet er udsat for vold.", basis: "Barnets lov § 133"))
        }
        if answers["interesse"] == .string("begge") {
            rules.append(FiredRule(id: "hoejt-begge", action: "gruppeforloeb", reason: "Højt konfliktniveau og begge interesserede.", basis: ""))
        }
        let actions = rules.isEmpty ? ["ingen"] : rules.map(\.action)
        return Decision(form: formID, formVersion: 1, formFingerprint: "", actions: actions,
                        flagged: actions.contains("underretning"), rules: rules, warnings: [])
    }
}
