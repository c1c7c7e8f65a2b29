import Foundation
import Testing
@testable import KonfliktCore

/// Issue 13: an action's follow-up statuses are form data (`statuses:`), checked when the form loads,
/// each problem at its line and column.
@Suite struct FollowupStatusFormTests {
    /// The mini form with `statuses` (indented under the flagging action `handling`, whose
    /// `instruction` is on line 49) added after it.
    func form(statuses: String, after anchor: String = "    instruction: Gør noget.\n") -> String {
        let form = Fixtures.miniForm
        precondition(form.contains(anchor), "fixture lacks \(anchor)")
        return form.replacingOccurrences(of: anchor, with: anchor + statuses)
    }

    static let path = """
        statuses:
          - id: kontakt
            label: Kontakt givet
            report_label: kontakt
            closes: false
          - id: faerdig
            label: Forløbet er gennemført
            closes: true
          - id: nej
            label: Afvist
            closes: true
            needs_note: true

    """

    @Test func validStatusesLoadInFormOrder() throws {
        let text = form(statuses: Self.path)
        #expect(try Fixtures.problems(text) == [])
        let loaded = try FormLoader.load(data: Data(text.utf8), path: "mini.yaml")
        let action = try #require(loaded.action(id: "handling"))
        #expect(action.statuses.map(\.id) == ["kontakt", "faerdig", "nej"])
        #expect(action.statuses.map(\.closes) == [false, true, true])
        #expect(action.statuses.map(\.shortLabel) == ["kontakt", "Forløbet er gennemført", "Afvist"])
        #expect(action.statuses.map(\.needsNote) == [false, false, true])
        #expect(loaded.statusShortLabel("kontakt", action: "handling") == "kontakt")
        #expect(loaded.statusShortLabel("udfoert", action: "handling") == "ukendt status (udfoert)")
    }

    @Test func anActionWithoutStatusesGetsTheThreeDefaults() throws {
        let loaded = try FormLoader.load(data: Data(Fixtures.miniForm.utf8), path: "mini.yaml")
        let action = try #require(loaded.action(id: "handling"))
        #expect(action.statuses.map(\.id) == ["udfoert", "afvist", "ikke_relevant"])
        #expect(action.statuses.allSatisfy { $0.closes })
        #expect(action.statuses.first?.label == "Udført")                     // done_label, else "Udført"
        #expect(action.statuses.map(\.needsNote) == [false, false, true])
        // An action the form does not know (another form version) gets them too.
        #expect(loaded.statuses(ofAction: "fjernet").map(\.id) == ["udfoert", "afvist", "ikke_relevant"])
    }

    @Test func theShippedCourseHasItsPathAndKeepsUdfoert() throws {
        let shipped = try Fixtures.defaultForm()
        let course = try #require(shipped.action(id: "gruppeforloeb"))
        #expect(course.statuses.map(\.id) == ["kontakt_givet", "startet", "gennemfoert", "afvist", "ikke_relevant", "udfoert"])
        #expect(course.statuses.map(\.closes) == [false, false, true, true, true, true])
        #expect(course.status(id: "udfoert")?.label == "Udført – familien er tilmeldt/henvist til forløbet")
        // Every other flagging action keeps the three statuses every old log record uses.
        for action in shipped.actions where action.id != course.id {
            #expect(action.statuses.map(\.id) == ["udfoert", "afvist", "ikke_relevant"], "\(action.id)")
        }
        #expect(shipped.action(id: "underretning")?.statuses.first?.label == "Udført – underretningen er sendt")
    }

    @Test func aDuplicateIDIsReportedAtItsLine() throws {
        let text = form(statuses: Self.path.replacingOccurrences(of: "id: nej", with: "id: kontakt"))
        #expect(try Fixtures.problems(text) == ["58:13: Status-id 'kontakt' står to gange i handlingen 'handling'."])
    }

    @Test func anIDMustBeAnIdentifier() throws {
        let text = form(statuses: Self.path.replacingOccurrences(of: "id: faerdig", with: "id: \"fær dig\""))
        let problems = try Fixtures.problems(text)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("55:13: Statussens id 'fær dig' må kun indeholde a-z, 0-9, _ og -.") == true, "\(problems)")
    }

    @Test func atLeastOneStatusMustClose() throws {
        let text = form(statuses: Self.path.replacingOccurrences(of: "closes: true", with: "closes: false"))
        #expect(try Fixtures.problems(text)
                == ["51:7: Handlingen 'handling' har ingen status med closes: true; mindst én status skal afslutte handlingen."])
    }

    @Test func statusesOnlyOnFlaggingActions() throws {
        let text = form(statuses: Self.path, after: "    instruction: Intet.\n")
        let problems = try Fixtures.problems(text)
        #expect(problems == ["44:5: Handlingen 'ingen' markerer ikke sagen (flags: false), så den har ingen opfølgning og kan ikke have 'statuses'."],
                "\(problems)")
    }

    @Test func reservedIDsMissingKeysAndAnEmptyListAreProblems() throws {
        let reserved = form(statuses: Self.path.replacingOccurrences(of: "id: kontakt", with: "id: aaben"))
        #expect(try Fixtures.problems(reserved)
                == ["51:13: Status-id 'aaben' er reserveret til eksporten (aaben, ukendt); vælg et andet id."])
        let missing = form(statuses: Self.path.replacingOccurrences(of: "        closes: false\n", with: ""))
        #expect(try Fixtures.problems(missing) == ["51:9: En status mangler nøglen 'closes'."])
        let empty = form(statuses: "    statuses: []\n")
        #expect(try Fixtures.problems(empty)
                == ["50:15: Handlingen 'handling' har en tom 'statuses'; giv mindst én status, eller udelad nøglen."])
        let both = form(statuses: "    done_label: Gjort\n" + Self.path)
        #expect(try Fixtures.problems(both)
                == ["50:5: Handlingen 'handling' har både 'done_label' og 'statuses'; skriv teksten som label på statussen i stedet."])
    }
}
