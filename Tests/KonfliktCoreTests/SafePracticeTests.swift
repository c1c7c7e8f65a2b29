import Foundation
import Testing
@testable import KonfliktCore

/// Issue 12's safe practice as units: every new rule, warning and check of the default form.
@Suite struct SafePracticeTests {
    let form: Form

    init() throws { form = try Fixtures.defaultForm() }

    func decide(_ changes: [String: AnswerValue?]) -> Decision {
        form.decide(Fixtures.answers(changes), today: Fixtures.today)
    }

    static let high: [String: AnswerValue?] = ["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true),
                                               "vold_mellem_foraeldre": .string("nej")]

    func high(_ changes: [String: AnswerValue?]) -> [String: AnswerValue?] { Self.high.merging(changes) { $1 } }

    // MARK: 1. Violence only when alone

    @Test func notAloneHidesTheViolenceQuestionAndFollowsUpAlone() throws {
        let answers = Fixtures.answers(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(false),
                                        "vold_mellem_foraeldre": .string("ja")])
        let violence = try #require(form.question(id: "vold_mellem_foraeldre"))
        #expect(!form.isShown(violence, answers: answers, today: Fixtures.today))
        let (relevant, dropped) = form.relevantAnswers(answers, today: Fixtures.today)
        #expect(relevant["vold_mellem_foraeldre"] == nil)
        #expect(dropped == ["vold_mellem_foraeldre"])
        let d = form.decide(answers, today: Fixtures.today)
        #expect(d.actions == ["opfoelgning_alene"])
        #expect(d.rules.map(\.id) == ["ikke-alene"])
        #expect(d.rules.first?.reason.contains("ikke var alene med forælderen") == true)
        #expect(d.flagged)
        #expect(form.validate(Fixtures.answers(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(false)]),
                              today: Fixtures.today).isEmpty)
    }

    @Test func theScreenAndTheJournalSayWhyTheViolenceQuestionIsNotAsked() throws {
        let violence = try #require(form.question(id: "vold_mellem_foraeldre"))
        let notAlone = Fixtures.answers(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(false)])
        #expect(form.hiddenReason(violence, answers: notAlone, today: Fixtures.today)?
                .hasPrefix("Spørgsmålet om vold stilles ikke nu, fordi du ikke er alene med forælderen.") == true)
        // Hidden because nothing asked it (low level, so no alone question): no reason to give.
        #expect(form.hiddenReason(violence, answers: Fixtures.lowConflict, today: Fixtures.today) == nil)
        #expect(form.hiddenReason(violence, answers: Fixtures.answers(["konfliktniveau": .string("middel"),
                                                                       "alene_med_foraelder": .bool(true)]),
                                  today: Fixtures.today) == nil)
        let note = JournalNote.text(form: form, answers: form.relevantAnswers(notAlone, today: Fixtures.today).answers,
                                    decision: form.decide(notAlone, today: Fixtures.today))
        #expect(note.contains("- Spørgsmålet om vold stilles ikke nu, fordi du ikke er alene med forælderen."))
        let problems = try Fixtures.problems(Fixtures.miniForm.replacingOccurrences(of: "text: Niveau?", with: "text: Niveau?\n        hidden_text: Nej"))
        #expect(problems.first?.contains("'hidden_text' bruges kun sammen med 'when'") == true, "\(problems)")
    }

    @Test func aloneIsAskedJustBeforeViolenceAndOnlyWhenViolenceWouldBeAsked() throws {
        let alone = try #require(form.question(id: "alene_med_foraelder"))
        #expect(alone.kind == .yesno && alone.required)
        #expect(!form.isShown(alone, answers: Fixtures.lowConflict, today: Fixtures.today))
        #expect(form.isShown(alone, answers: Fixtures.answers(["konfliktniveau": .string("middel")]), today: Fixtures.today))
        #expect(form.isShown(alone, answers: Fixtures.answers(["foraeldre_uenige": .bool(true)]), today: Fixtures.today))
    }

    // MARK: 2. Acute path

    @Test func acuteDangerPutsTheMostSevereActionAndTheBannerFirst() {
        let d = decide(["akut_fare": .bool(true), "fare_ved_orientering": .bool(false)])
        #expect(d.actions == ["akut_hjaelp", "underretning"])
        #expect(d.rules.map(\.id) == ["akut-fare", "akut-fare-underretning"])
        let banners = form.banners(for: d.actions)
        #expect(banners.count == 1)
        #expect(banners.first?.contains("Ring 112") == true)
        #expect(form.banners(for: decide([:]).actions).isEmpty)
        #expect(form.mandatoryActions(in: d) == ["akut_hjaelp", "underretning"])
    }

    // MARK: 3. Mandatory rules cannot be overridden away

    @Test func anOverrideThatRemovesAMandatoryActionIsRefusedWithTheReason() throws {
        let d = decide(["barn_udsat": .string("ja"), "fare_ved_orientering": .bool(false)])
        #expect(throws: OverrideRefusal.self) { try form.checkOverride(actions: ["opfoelgning"], reason: "Kendt sag", decision: d) }
        do {
            _ = try form.checkOverride(actions: ["opfoelgning"], reason: "Kendt sag", decision: d)
        } catch {
            guard case .removesMandatory(let actions, _, let rules) = error else { Issue.record("\(error)"); return }
            #expect(actions == ["underretning"])
            #expect(rules == ["barn-udsat"])
            #expect(error.danishDescription.contains("underretningspligten er personlig"))
            #expect(error.danishDescription.contains("ret de svar, der udløste den"))
            #expect(error.exitCode == 65)
        }
        // Refused before the reason is even written.
        #expect(throws: OverrideRefusal.removesMandatory(actions: ["underretning"], labels: ["Underretning til Familierådgivningen"],
                                                         rules: ["barn-udsat"])) {
            try form.checkOverride(actions: ["ingen"], reason: "", decision: d)
        }
        // Keeping the duty and adding something is fine; the order is by severity.
        #expect(try form.checkOverride(actions: ["opfoelgning", "underretning"], reason: "Også opfølgning", decision: d)
                == ["underretning", "opfoelgning"])
    }

    @Test func localPolicyStaysOverridableWithAReason() throws {
        let d = decide(high(["interesse_gruppeforloeb": .string("begge"), "samtykke_kontakt": .bool(true)]))
        #expect(d.actions == ["gruppeforloeb"])
        #expect(try form.checkOverride(actions: ["opfoelgning"], reason: "Går i parterapi", decision: d) == ["opfoelgning"])
        #expect(throws: OverrideRefusal.noReason) { try form.checkOverride(actions: ["opfoelgning"], reason: "  ", decision: d) }
        #expect(throws: OverrideRefusal.noActions) { try form.checkOverride(actions: [], reason: "x", decision: d) }
        #expect(throws: OverrideRefusal.unknownAction("ringe")) { try form.checkOverride(actions: ["ringe"], reason: "x", decision: d) }
    }

    @Test func everyReportRuleIsMandatoryAndNoLocalRuleIs() {
        for rule in form.rules {
            #expect(rule.mandatory == ["underretning", "akut_hjaelp"].contains(rule.action), "\(rule.id)")
        }
    }

    // MARK: 4. Rule-level texts come before the action's

    @Test func violenceAgainstTheChildSaysTalkToFamilieraadgivningenFirst() throws {
        let d = decide(["barn_udsat": .string("ja"), "fare_ved_orientering": .bool(false)])
        let guidance = try #require(form.guidance(for: d.actions, decision: d).first)
        #expect(guidance.actionID == "underretning")
        #expect(guidance.familyInfo.first?.hasPrefix("Fortæl ikke forældrene om underretningen endnu") == true)
        // The action's usual "tell the parents" is replaced, not merely preceded.
        #expect(guidance.familyInfo.count == 1)
        #expect(!guidance.familyInfo.contains { $0.hasPrefix("Fortæl forældrene, at du sender") })
        // A rule without its own family text keeps the action's.
        let concern = decide(["bekymring_trivsel": .string("ja"), "fare_ved_orientering": .bool(false)])
        #expect(form.guidance(for: concern.actions, decision: concern).first?.familyInfo == [form.action(id: "underretning")?.familyInfo ?? ""])
        #expect(guidance.instructions.first?.hasPrefix("Tal med Familierådgivningen i dag, før forældrene orienteres") == true)
        #expect(guidance.resources.map(\.id) == ["lev_uden_vold", "krisecenter"])
    }

    @Test func dangerInTellingAddsItsOwnRuleAndTexts() throws {
        let d = decide(high(["vold_mellem_foraeldre": .string("ja"), "fare_ved_orientering": .bool(true),
                             "interesse_gruppeforloeb": .string("nej")]))
        #expect(d.rules.map(\.id).contains("orientering-farlig"))
        let guidance = try #require(form.guidance(for: d.actions, decision: d).first)
        #expect(guidance.familyInfo.contains { $0.hasPrefix("Fortæl ikke forældrene om underretningen.") })
        let question = try #require(form.question(id: "fare_ved_orientering"))
        #expect(!form.isShown(question, answers: Fixtures.lowConflict, today: Fixtures.today))
        #expect(form.isShown(question, answers: Fixtures.answers(["bekymring_trivsel": .string("ja")]), today: Fixtures.today))
    }

    // MARK: 5. No high-conflict family leaves with nothing at 8 months

    @Test(arguments: [("vil_ikke_svare", "telefonopfoelgning"), ("hoejt", "info_raadgivning")])
    func eightMonthsAlwaysGivesARealNextStep(level: String, action: String) {
        let d = decide(["besoeg": .string("8mdr"), "barn_cpr": .string("150326-4123"), "konfliktniveau": .string(level),
                        "foraeldre_uenige": nil, "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej"),
                        "interesse_gruppeforloeb": .string("nej")])
        #expect(d.actions == [action])
        #expect(!d.actions.contains("ingen"))
    }

    @Test(arguments: ["en", "betaenkningstid"])
    func unsettledInterestAtEightMonthsIsAPhoneCall(value: String) {
        let d = decide(high(["besoeg": .string("8mdr"), "barn_cpr": .string("150326-4123"), "interesse_gruppeforloeb": .string(value)]))
        #expect(d.actions == ["telefonopfoelgning"])
        #expect(d.flagged)
    }

    @Test func missingConsentAndUnsettledViolenceAtEightMonthsAreAPhoneCall() {
        let eight: [String: AnswerValue?] = ["besoeg": .string("8mdr"), "barn_cpr": .string("150326-4123")]
        let consent = decide(high(eight.merging(["interesse_gruppeforloeb": .string("begge"), "samtykke_kontakt": .bool(false)]) { $1 }))
        #expect(consent.rules.map(\.id) == ["samtykke-mangler-8mdr"])
        #expect(consent.actions == ["telefonopfoelgning"])
        let violence = decide(eight.merging(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true),
                                             "vold_mellem_foraeldre": .string("ved_ikke")]) { $1 })
        #expect(violence.rules.map(\.id) == ["vold-uafklaret-8mdr"])
        #expect(violence.actions == ["telefonopfoelgning"])
    }

    // MARK: 6. The course waits for the assessment

    @Test func courseAndReportTogetherMakeTheCourseWait() {
        let d = decide(high(["bekymring_trivsel": .string("ja"), "fare_ved_orientering": .bool(false),
                             "interesse_gruppeforloeb": .string("begge"), "samtykke_kontakt": .bool(true)]))
        #expect(d.actions == ["underretning", "gruppeforloeb_afventer"])
        #expect(d.rules.first { $0.id == "gruppeforloeb" }?.action == "gruppeforloeb_afventer")
        #expect(!d.actions.contains("gruppeforloeb"))
    }

    // MARK: 7. Warnings

    @Test func bothInterestedWhileOneParentTookPartWarns() {
        let one = decide(high(["deltagere": .strings(["far"]), "interesse_gruppeforloeb": .string("begge"), "samtykke_kontakt": .bool(true)]))
        #expect(one.warnings.count == 1)
        #expect(one.warnings.first?.contains("kun én forælder deltog") == true)
        let two = decide(high(["deltagere": .strings(["mor", "medmor"]), "interesse_gruppeforloeb": .string("begge"),
                               "samtykke_kontakt": .bool(true)]))
        #expect(two.warnings.isEmpty)
    }

    @Test func notInformedWarns() {
        #expect(decide(["informeret": .bool(false)]).warnings.first?.contains("fik ikke at vide") == true)
        #expect(decide([:]).warnings.isEmpty)
    }

    @Test func disagreementWarnsAndFollowsUpAlone() {
        let d = decide(["foraeldre_uenige": .bool(true), "alene_med_foraelder": .bool(true), "vold_mellem_foraeldre": .string("nej")])
        #expect(d.actions == ["opfoelgning_alene"])
        #expect(d.rules.map(\.id) == ["uenige-om-niveau"])
        #expect(d.warnings.first?.contains("uenige om konfliktniveauet") == true)
    }

    @Test func theSameChildAtTheSameVisitWarns() {
        let answers = Fixtures.lowConflict
        #expect(form.alreadyScreenedWarnings(answers, earlier: []).isEmpty)
        #expect(form.alreadyScreenedWarnings(answers, earlier: [Fixtures.answers(["besoeg": .string("8mdr")])]).isEmpty)
        let warning = form.alreadyScreenedWarnings(answers, earlier: [Fixtures.answers(["barn_cpr": .string("1509264123")])])
        #expect(warning.count == 1)
        #expect(warning.first?.contains("allerede screenet ved et 2-måneders besøg") == true)
        #expect(warning.first?.contains("4123") == false)
    }

    // MARK: 12. Visits without a screening

    @Test func aVisitWithoutScreeningSkipsTheScreeningQuestionsButNotTheDuty() throws {
        let answers = Fixtures.answers(["screening_gennemfoert": .bool(false), "screening_ikke_aarsag": .string("enlig"),
                                        "informeret": nil, "konfliktniveau": nil])
        #expect(form.validate(answers, today: Fixtures.today) == [])
        for id in ["informeret", "konfliktniveau"] {
            #expect(!form.isShown(try #require(form.question(id: id)), answers: answers, today: Fixtures.today))
        }
        #expect(form.decide(answers, today: Fixtures.today).actions == ["ingen"])
        // The reason is required when the screening was not done.
        let noReason = Fixtures.answers(["screening_gennemfoert": .bool(false), "informeret": nil, "konfliktniveau": nil])
        #expect(form.validate(noReason, today: Fixtures.today).map(\.questionID) == ["screening_ikke_aarsag"])
        // The professional assessment is still asked, and the duty still applies.
        var exposed = answers
        exposed["barn_udsat"] = .string("ja")
        exposed["fare_ved_orientering"] = .bool(false)
        #expect(form.decide(exposed, today: Fixtures.today).actions == ["underretning"])
    }

    @Test(arguments: [("partner_til_stede", "opfoelgning_alene"), ("tolk", "opfoelgning"), ("afslog", "info_raadgivning"),
                      ("andet", "ingen")])
    func theReasonDecidesTheNextStep(reason: String, action: String) {
        let d = decide(["screening_gennemfoert": .bool(false), "screening_ikke_aarsag": .string(reason),
                        "informeret": nil, "konfliktniveau": nil])
        #expect(d.actions == [action])
    }

    // MARK: 8. Resources

    @Test func resourcesNeverInventANumberAndAMissingOneIsANotice() {
        #expect(form.resources.map(\.id) == ["lev_uden_vold", "krisecenter", "dialog_mod_vold", "aaben_raadgivning",
                                             "aeresrelateret", "politi", "doegnvagt"])
        #expect(form.resources.allSatisfy { $0.phone.isEmpty })
        #expect(form.notices.filter { $0.message.contains("intet telefonnummer") }.count == form.resources.count)
        #expect(form.resources.allSatisfy { !$0.name(in: "en").isEmpty && $0.name(in: "en") != $0.name })
    }

    @Test func anUnknownResourceIsAProblem() throws {
        let text = try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)
        let problems = try Fixtures.problemsInText(text.replacingOccurrences(of: "resources: [politi, doegnvagt, krisecenter]",
                                                                             with: "resources: [politi, vagt, krisecenter]"))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("Hjælpemuligheden 'vagt' findes ikke") == true)
    }

    @Test func theLeafletListsResourcesWithOnlyFilledInNumbers() throws {
        let da = try #require(Leaflet.text(form: form, language: "da"))
        #expect(da.hasPrefix("Hvor kan I få hjælp?\n"))
        #expect(da.contains("Lev Uden Volds nationale hotline"))
        #expect(!da.contains("Telefon:"))
        let en = try #require(Leaflet.text(form: form, language: "en"))
        #expect(en.contains("Crisis centres"))
        #expect(Leaflet.text(form: form, language: "de") == nil)
        let text = try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)
        let filled = try FormLoader.load(data: Data(text.replacingOccurrences(
            of: "og til deres børn.\n    phone: \"\"", with: "og til deres børn.\n    phone: \"11 22 33 44\"").utf8), path: "f.yaml")
        #expect(Leaflet.text(form: filled, language: "da")?.contains("Telefon: 11 22 33 44") == true)
        #expect(filled.notices.count == form.resources.count - 1)
    }
}
