import Testing
@testable import KonfliktCore

@Suite struct AnswerValidationTests {
    let form: Form
    init() throws { form = try Fixtures.defaultForm() }

    func problems(_ changes: [String: AnswerValue?]) -> [String] {
        form.validate(Fixtures.answers(changes), today: Fixtures.today).map(\.description)
    }

    @Test func aCompleteScreeningIsValid() {
        #expect(problems([:]) == [])
    }

    @Test func missingRequiredAnswerOfAShownQuestion() {
        #expect(problems(["barn_udsat": nil]) == ["barn_udsat: Skal besvares."])
        #expect(problems(["deltagere": .strings([])]) == ["deltagere: Skal besvares."])
        // Shown only at higher conflict, so not missing at a low level...
        #expect(problems([:]).isEmpty)
        // ...but missing when shown.
        #expect(problems(["konfliktniveau": .string("middel")]) == ["alene_med_foraelder: Skal besvares."])
        #expect(problems(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true)])
                == ["vold_mellem_foraeldre: Skal besvares."])
        // Not alone with the parent: the violence question is not asked, so not missing.
        #expect(problems(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(false)]) == [])
    }

    @Test func optionalQuestionsMayBeLeftOut() {
        #expect(problems(["note": nil, "henvisning_givet": nil]) == [])
        #expect(problems(["note": .string("Far var der ikke\nOpfølgning"), "henvisning_givet": .strings(["krisecenter"])]) == [])
    }

    @Test func valueThatIsNotAChoice() {
        let found = problems(["konfliktniveau": .string("meget_hoejt"), "alene_med_foraelder": .bool(true),
                              "vold_mellem_foraeldre": .string("nej")])
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("konfliktniveau: Ugyldigt valg"))
        #expect(problems(["deltagere": .strings(["mor", "bedstemor"])]).first?.contains("'bedstemor'") == true)
    }

    @Test func wrongTypes() {
        #expect(problems(["informeret": .string("ja")]).first?.hasPrefix("informeret: Forkert type") == true)
        #expect(problems(["deltagere": .string("mor")]).first?.hasPrefix("deltagere: Forkert type") == true)
        #expect(problems(["besoeg": .number(2)]).first?.hasPrefix("besoeg: Forkert type") == true)
    }

    @Test func invalidCPRNeverEchoesTheNumber() {
        let found = problems(["barn_cpr": .string("320926-4123")])
        #expect(found == ["barn_cpr: CPR-nummeret indeholder ikke en gyldig fødselsdato."])
        #expect(problems(["barn_cpr": .string("15092")]) == ["barn_cpr: CPR-nummeret skal have formen DDMMÅÅ-SSSS (10 cifre)."])
    }

    @Test func visitDateInTheFutureIsRefused() {
        #expect(problems(["besoegsdato": .string("2026-11-23")]) == ["besoegsdato: Besøgsdatoen kan ikke ligge i fremtiden."])
        #expect(problems(["besoegsdato": .string("2026-11-22")]) == [])
        #expect(problems(["besoegsdato": .string("22-11-2026")]).first?.contains("Ugyldig dato") == true)
    }

    @Test func unknownQuestionIDs() {
        #expect(problems(["ukendt": .string("x")]) == ["ukendt: Ukendt spørgsmål i formularen 'konfliktscreening'."])
    }

    @Test func answersToHiddenQuestionsAreNotProblems() {
        #expect(problems(["vold_mellem_foraeldre": .string("noget_forkert")]) == [])
    }

    @Test func inputJSONIsNormalisedToNFC() throws {
        let decomposed = "Ha\u{030A}b" // "Håb" with a combining ring
        let json = #"{"form": "konfliktscreening", "answers": {"note": "\#(decomposed)"}}"#
        let input = try ScreeningInput.parse(Data(json.utf8))
        #expect(input.answers["note"] == .string("Håb"))
        #expect(throws: InputError.self) { try ScreeningInput.parse(Data("{".utf8)) }
        #expect(throws: InputError.self) { try ScreeningInput.parse(Data(#"{"form": "x"}"#.utf8)) }
    }
}

import Foundation
