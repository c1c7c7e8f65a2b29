import Testing
@testable import KonfliktCore

/// The default form's decision table: every rule firing and not firing, combinations, severity
/// order and the default action.
@Suite struct DecisionTableTests {
    let form: Form

    init() throws { form = try Fixtures.defaultForm() }

    func decide(_ changes: [String: AnswerValue?]) -> Decision {
        form.decide(Fixtures.answers(changes), today: Fixtures.today)
    }

    func firedRules(_ changes: [String: AnswerValue?]) -> [String] { decide(changes).rules.map(\.id) }

    @Test func lowConflictGivesTheDefaultAction() {
        let decision = decide([:])
        #expect(decision.actions == ["ingen"])
        #expect(decision.rules.isEmpty)
        #expect(decision.flagged == false)
        #expect(decision.form == "konfliktscreening")
        #expect(decision.formVersion == 3)
        #expect(decision.formFingerprint.count == 64)
    }

    @Test(arguments: [("ja", true), ("mistanke", true), ("nej", false)])
    func childExposed(value: String, fires: Bool) {
        let decision = decide(["barn_udsat": .string(value)])
        #expect(decision.rules.map(\.id).contains("barn-udsat") == fires)
        #expect(decision.actions == (fires ? ["underretning"] : ["ingen"]))
        #expect(decision.flagged == fires)
        if fires { #expect(decision.rules.first?.basis == "Barnets lov § 133") }
    }

    @Test(arguments: [("ja", true), ("nej", false)])
    func concernForWellbeing(value: String, fires: Bool) {
        #expect(firedRules(["bekymring_trivsel": .string(value)]).contains("bekymring-trivsel") == fires)
    }

    @Test func violenceBetweenParentsReports() {
        let d = decide(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("ja"),
                        "interesse_gruppeforloeb": .string("nej")])
        #expect(d.rules.map(\.id) == ["vold-mellem-foraeldre"])
        #expect(d.actions == ["underretning"])
    }

    @Test func violenceUnknownFollowsUp() {
        let d = decide(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("ved_ikke")])
        #expect(d.rules.map(\.id) == ["vold-uafklaret"])
        #expect(d.actions == ["opfoelgning"])
        #expect(d.flagged == false)
    }

    @Test func noViolenceAtMediumIsNothing() {
        #expect(decide(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej")]).actions == ["ingen"])
    }

    @Test func groupCourseNeedsBothAndConsent() {
        let high: [String: AnswerValue?] = ["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej"),
                                           "interesse_gruppeforloeb": .string("begge")]
        var yes = high; yes["samtykke_kontakt"] = .bool(true)
        var no = high; no["samtykke_kontakt"] = .bool(false)
        #expect(firedRules(yes) == ["gruppeforloeb"])
        #expect(decide(yes).actions == ["gruppeforloeb"])
        #expect(decide(yes).flagged)
        #expect(firedRules(no) == ["samtykke-mangler"])
        #expect(decide(no).actions == ["opfoelgning"])
    }

    @Test(arguments: ["en", "betaenkningstid"])
    func interestUnsettled(value: String) {
        #expect(firedRules(["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej"),
                            "interesse_gruppeforloeb": .string(value)]) == ["interesse-uafklaret"])
    }

    /// At 8 months there is often no next visit: information about counselling instead of nothing.
    @Test(arguments: [("2mdr", "hoejt-uden-interesse"), ("8mdr", "hoejt-uden-interesse-8mdr")])
    func highWithoutInterest(visit: String, rule: String) {
        let rules = firedRules(["besoeg": .string(visit), "barn_cpr": .string(visit == "2mdr" ? "150926-4123" : "150326-4123"),
                                "konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej"),
                                "interesse_gruppeforloeb": .string("nej")])
        #expect(rules == [rule])
        #expect(decide(["besoeg": .string(visit), "konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true),
                        "vold_mellem_foraeldre": .string("nej"), "interesse_gruppeforloeb": .string("nej")]).actions
                == [visit == "2mdr" ? "opfoelgning" : "info_raadgivning"])
    }

    @Test func refusingToAnswerFollowsUp() {
        let d = decide(["konfliktniveau": .string("vil_ikke_svare"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej")])
        #expect(d.rules.map(\.id) == ["vil-ikke-svare"])
        #expect(d.actions == ["opfoelgning"])
    }

    @Test func everyFiringRuleIsListedAndActionsAreBySeverity() {
        let d = decide(["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("ja"),
                        "interesse_gruppeforloeb": .string("begge"), "samtykke_kontakt": .bool(true),
                        "bekymring_trivsel": .string("ja"), "barn_udsat": .string("mistanke")])
        #expect(d.rules.map(\.id) == ["barn-udsat", "bekymring-trivsel", "vold-mellem-foraeldre", "gruppeforloeb"])
        // The course waits for Familierådgivningen's assessment of the report.
        #expect(d.actions == ["underretning", "gruppeforloeb_afventer"])
        #expect(d.rules.last?.action == "gruppeforloeb_afventer")
        #expect(d.flagged)
    }

    @Test func followUpAndReportTogetherPutReportFirst() {
        let d = decide(["konfliktniveau": .string("vil_ikke_svare"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("ved_ikke"),
                        "barn_udsat": .string("ja")])
        #expect(d.actions == ["underretning", "opfoelgning"])
        #expect(d.rules.map(\.id) == ["barn-udsat", "vil-ikke-svare", "vold-uafklaret"])
    }

    @Test func answersToHiddenQuestionsAreDroppedWithAWarning() {
        // Low conflict hides the violence question and the course questions.
        let d = decide(["alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("ja"), "interesse_gruppeforloeb": .string("begge"),
                        "samtykke_kontakt": .bool(true)])
        #expect(d.actions == ["ingen"])
        #expect(d.warnings.count == 4)
        #expect(d.warnings.contains { $0.contains("vold_mellem_foraeldre") })
    }

    @Test func consentHiddenWhenOnlyOneParentIsInterested() {
        let answers = Fixtures.answers(["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej"),
                                        "interesse_gruppeforloeb": .string("en"), "samtykke_kontakt": .bool(true)])
        let (relevant, dropped) = form.relevantAnswers(answers, today: Fixtures.today)
        #expect(relevant["samtykke_kontakt"] == nil)
        #expect(dropped == ["samtykke_kontakt"])
    }

    @Test func childAgeThatDoesNotFitTheVisitWarns() {
        // Born 15-03-2026: about 8 months old at a "2-month" visit on 2026-11-20.
        let d = decide(["barn_cpr": .string("150326-4123")])
        #expect(d.warnings.count == 1)
        #expect(d.warnings[0].contains("passer ikke"))
        #expect(!d.warnings[0].contains("4123"))
        #expect(decide([:]).warnings.isEmpty)
        #expect(decide(["barn_cpr": .string("151226-4123")]).warnings.first?.contains("efter besøgsdatoen") == true)
    }
}
