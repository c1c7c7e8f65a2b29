import Foundation
import Testing
@testable import KonfliktCore

/// Every kind of form error is reported with its line and column, all at once.
@Suite struct FormLoaderTests {
    func replacing(_ old: String, with new: String) -> String {
        let form = Fixtures.miniForm
        precondition(form.contains(old), "fixture lacks \(old)")
        return form.replacingOccurrences(of: old, with: new)
    }

    @Test func theMiniFormAndTheDefaultFormLoad() throws {
        #expect(try Fixtures.problems(Fixtures.miniForm) == [])
        let form = try Fixtures.defaultForm()
        #expect(form.steps.map(\.title) == ["Besøget", "Information", "Screening", "Vurdering", "Tilbud"])
        #expect(form.question(id: "konfliktniveau")?.text == "Hvordan er konfliktniveauet i jeres familie?")
        #expect(form.version == 3)
        // Version 2 adds questions and keeps every id of version 1, in the same order.
        let v1 = ["besoeg", "besoegsdato", "barn_cpr", "sundhedsplejerske", "deltagere", "informeret", "konfliktniveau",
                  "vold_mellem_foraeldre", "bekymring_trivsel", "barn_udsat", "interesse_gruppeforloeb", "samtykke_kontakt",
                  "henvisning_givet", "note"]
        #expect(form.questions.map(\.id).filter(v1.contains) == v1)
        #expect(form.questions.map(\.id) == ["besoeg", "besoegsdato", "barn_cpr", "sundhedsplejerske", "deltagere",
                                              "screening_gennemfoert", "screening_ikke_aarsag", "informeret", "konfliktniveau",
                                              "foraeldre_uenige", "alene_med_foraelder", "vold_mellem_foraeldre", "akut_fare",
                                              "bekymring_trivsel", "barn_udsat", "fare_ved_orientering",
                                              "interesse_gruppeforloeb", "samtykke_kontakt", "henvisning_givet", "note"])
        // The safety question comes just before the violence question.
        let ids = form.questions.map(\.id)
        #expect(ids.firstIndex(of: "alene_med_foraelder").map { $0 + 1 } == ids.firstIndex(of: "vold_mellem_foraeldre"))
        #expect(form.questions.filter { !$0.required }.map(\.id)
                == ["screening_gennemfoert", "foraeldre_uenige", "akut_fare", "henvisning_givet", "note"])
        #expect(form.actions.map(\.id) == ["akut_hjaelp", "underretning", "gruppeforloeb", "gruppeforloeb_afventer",
                                            "opfoelgning_alene", "telefonopfoelgning", "info_raadgivning", "opfoelgning", "ingen"])
        #expect(form.actionsBySeverity.first?.id == "akut_hjaelp")
        #expect(form.deadlineDays == ["akut_hjaelp": 0, "underretning": 1, "gruppeforloeb": 14, "gruppeforloeb_afventer": 30,
                                      "opfoelgning_alene": 28, "telefonopfoelgning": 28])
        #expect(form.rules.count == 22)
        #expect(form.rules.filter { $0.mandatory }.map(\.action).allSatisfy { ["underretning", "akut_hjaelp"].contains($0) })
        #expect(form.rules.filter { $0.basis == "Barnets lov § 133" }.allSatisfy { $0.mandatory })
        #expect(form.goldenCaseCount >= 30)
    }

    @Test func unknownKey() throws {
        let problems = try Fixtures.problems(replacing("        text: Antal?", with: "        text: Antal?\n        farve: rød"))
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("33:9: Ukendt nøgle 'farve'"))
    }

    @Test func duplicateQuestionID() throws {
        let problems = try Fixtures.problems(replacing("      - id: antal", with: "      - id: hvem"))
        #expect(problems == ["30:13: Spørgsmåls-id 'hvem' bruges mere end én gang."])
    }

    @Test func duplicateChoiceAndKey() throws {
        let problems = try Fixtures.problems(replacing("          - id: hoejt", with: "          - id: lavt"))
        #expect(problems.contains { $0.hasPrefix("15:13: Valget 'lavt' står to gange") })
        let dupKey = try Fixtures.problems(replacing("    title: Trin", with: "    title: Trin\n    title: Igen"))
        #expect(dupKey.count == 1, "\(dupKey)")
        #expect(dupKey.first?.hasPrefix("8:5:") == true, "\(dupKey)")
    }

    @Test func whenNamingAnUnknownFieldOrValue() throws {
        let unknownField = try Fixtures.problems(replacing(#"when: niveau == "hoejt""#, with: #"when: nivo == "hoejt""#))
        #expect(unknownField == ["20:15: when: Ukendt felt 'nivo'."])
        let unknownValue = try Fixtures.problems(replacing(#"when: niveau == "hoejt""#, with: #"when: niveau == "høj""#))
        #expect(unknownValue.count == 1)
        #expect(unknownValue[0].hasPrefix("20:25: when: 'høj' er ikke et af valgene for 'niveau'"))
    }

    @Test func whenMayOnlyReadEarlierQuestions() throws {
        let problems = try Fixtures.problems(replacing(#"when: niveau == "hoejt""#, with: #"when: antal > 2"#))
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("20:15:"))
        #expect(problems[0].contains("før"))
    }

    @Test func typeErrorInARule() throws {
        let problems = try Fixtures.problems(replacing("when: vold == true", with: #"when: vold == "ja""#))
        #expect(problems == ["52:16: when: Kan ikke sammenligne ja/nej med en tekst."])
    }

    @Test func syntaxErrorColumnInsideAQuotedExpression() throws {
        let problems = try Fixtures.problems(replacing("when: vold == true", with: #"when: "vold = true""#))
        #expect(problems == ["52:17: when: Brug '==' til at sammenligne, ikke '='."])
    }

    @Test func ruleWithUnknownActionAndBadDefaultAction() throws {
        var text = replacing("    action: handling", with: "    action: handlin")
        text = text.replacingOccurrences(of: "default_action: ingen", with: "default_action: intet")
        let problems = try Fixtures.problems(text)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.hasPrefix("4:17: default_action 'intet'") })
        #expect(problems.contains { $0.hasPrefix("53:13: Reglen 'r1' peger på den ukendte handling 'handlin'") })
    }

    @Test func wrongTypesAndMissingKeys() throws {
        var text = replacing("severity: 1", with: "severity: høj")
        text = text.replacingOccurrences(of: "\n    reason: Fordi.", with: "")
        text = text.replacingOccurrences(of: "type: number", with: "type: tal")
        let problems = try Fixtures.problems(text)
        #expect(problems.contains { $0.hasPrefix("31:15: Ukendt spørgsmålstype 'tal'") })
        #expect(problems.contains { $0.hasPrefix("46:15: severity skal være et helt tal.") })
        #expect(problems.contains { $0.hasPrefix("51:5: En regel mangler nøglen 'reason'.") })
        #expect(problems.count == 3)
    }

    @Test func invalidYAMLIsReportedWithItsPosition() throws {
        let problems = try Fixtures.problems("id: x\nsteps: [\n  - a\n")
        #expect(problems.count == 1)
        #expect(problems[0].contains("Ugyldig YAML"))
    }

    @Test func aDirectoryWithOneBadFileDoesNotLoadAtAll() throws {
        let good = try Fixtures.writeForm(Fixtures.miniForm, name: "a.yaml")
        let dir = good.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Fixtures.miniForm.replacingOccurrences(of: "id: mini", with: "id: mini2")
            .replacingOccurrences(of: "vold == true", with: "vold == 1").utf8)
            .write(to: dir.appendingPathComponent("b.yaml"))
        #expect(throws: FormLoadError.self) { try FormLoader.loadAll(directory: dir) }
        do { _ = try FormLoader.loadAll(directory: dir) } catch {
            #expect(error.danishDescription.contains("b.yaml:52:16:"))
        }
    }

    @Test func aMunicipalityCanAddARule() throws {
        let text = Fixtures.miniForm + """

          - id: mange
            when: antal >= 4
            action: handling
            reason: Mange.
        """
        let url = try Fixtures.writeForm(text)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let form = try FormLoader.load(url: url)
        #expect(form.decide(["niveau": .string("lavt"), "antal": .number(4)], today: Fixtures.today).actions == ["handling"])
        #expect(form.decide(["niveau": .string("lavt"), "antal": .number(3)], today: Fixtures.today).actions == ["ingen"])
    }
}
