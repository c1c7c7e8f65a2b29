import Foundation
import Testing
@testable import KonfliktCore

/// Field roles: the form says which question is the visit, its date, the child's CPR and the author,
/// and the visits' age windows; code asks `form.field(role:)`.
@Suite struct RoleTests {
    @Test func theDefaultFormDeclaresEveryRoleOnce() throws {
        let form = try Fixtures.defaultForm()
        #expect(form.field(role: .visit)?.id == "besoeg")
        #expect(form.field(role: .visitDate)?.id == "besoegsdato")
        #expect(form.field(role: .childCPR)?.id == "barn_cpr")
        #expect(form.field(role: .author)?.id == "sundhedsplejerske")
        #expect(form.field(role: .participants)?.id == "deltagere")
        #expect(form.field(role: .informed)?.id == "informeret")
        #expect(form.field(role: .screened)?.id == "screening_gennemfoert")
        #expect(form.field(role: .notScreenedReason)?.id == "screening_ikke_aarsag")
        #expect(form.missingRoles.isEmpty)
        #expect(form.missingUsefulRoles.isEmpty)
        #expect(form.field(role: .visit)?.choices.map(\.ageDays) == [21...135, 180...335])
        let answers = Fixtures.lowConflict
        #expect(form.text(role: .author, in: answers) == "AB")
        #expect(form.visitDate(in: answers) == LocalDate(iso: "2026-11-20"))
        #expect(form.visitKey(answers) == "1509264123|2mdr" || form.visitKey(answers)?.hasSuffix("|2mdr") == true)
    }

    @Test func actionsHaveShortAndDoneLabelsForLists() throws {
        let form = try Fixtures.defaultForm()
        #expect(form.actions.allSatisfy { $0.shortLabel.count <= 14 && !$0.shortLabel.isEmpty })
        #expect(form.action(id: "underretning")?.shortLabel == "Underretning")
        #expect(form.action(id: "underretning")?.doneLabel == "Udført – underretningen er sendt")
        #expect(form.action(id: "ingen")?.doneLabel == "Udført")
        let mini = try FormLoader.load(url: try Fixtures.writeForm(Fixtures.miniForm))
        #expect(mini.actions.allSatisfy { $0.shortLabel.count <= 14 })
        let long = try Fixtures.problemsInText(try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"),
                                                          encoding: .utf8).replacingOccurrences(of: "short_label: Ring op",
                                                                                                with: "short_label: Telefonopfølgning nu"))
        #expect(long.count == 1 && long.first?.contains("short_label må højst have 14 tegn") == true, "\(long)")
    }

    @Test func theMiniFormHasNoRolesAndNoAgeWarning() throws {
        let url = try Fixtures.writeForm(Fixtures.miniForm)
        let form = try FormLoader.load(url: url)
        #expect(form.missingRoles == FieldRole.required)
        // Without a screened question there is no reason-why to miss either.
        #expect(form.missingUsefulRoles.map(\.role) == [.informed, .screened])
        #expect(form.field(role: .visit) == nil)
        #expect(form.decide([:], today: Fixtures.today).warnings.isEmpty)
    }

    @Test func unknownWrongKindAndDuplicateRolesAreProblems() throws {
        let unknown = try Fixtures.problems(withRole: "besog", after: "type: choice")
        #expect(unknown.count == 1)
        #expect(unknown.first?.contains("Ukendt rolle 'besog'") == true)
        let kind = try Fixtures.problems(withRole: "visit_date", after: "type: choice")
        #expect(kind.first?.contains("Rollen 'visit_date' kræver et spørgsmål af typen date") == true)
        let text = try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)
        let twice = text.replacingOccurrences(of: "      - id: konfliktniveau\n        type: choice\n",
                                              with: "      - id: konfliktniveau\n        type: choice\n        role: visit\n")
        let duplicate = try Fixtures.problemsInText(twice)
        #expect(duplicate == [duplicate.first ?? ""] && duplicate.first?.contains("Rollen 'visit' bruges både af 'besoeg' og 'konfliktniveau'") == true,
                "\(duplicate)")
    }

    @Test func theAgeWindowComesFromTheForm() throws {
        let text = try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)
        // The child is 66 days (2,2 months) old at the visit: inside 21–135, outside a window of 70–135.
        let answers = Fixtures.lowConflict
        let shipped = try FormLoader.load(data: Data(text.utf8), path: "f.yaml")
        #expect(shipped.decide(answers, today: Fixtures.today).warnings.isEmpty)
        let narrowed = try FormLoader.load(data: Data(text.replacingOccurrences(of: "min_age_days: 21", with: "min_age_days: 70").utf8),
                                           path: "f.yaml")
        #expect(narrowed.decide(answers, today: Fixtures.today).warnings.first?.contains("2,2 måneder") == true,
                "\(narrowed.decide(answers, today: Fixtures.today).warnings)")
        let problems = try Fixtures.problemsInText(text.replacingOccurrences(of: "            max_age_days: 135\n", with: ""))
        #expect(problems.contains { $0.contains("både min_age_days og max_age_days") }, "\(problems)")
    }

    /// Issue 15, item 11: an age no visit can have says the dates do not fit, not "1208,0 måneder".
    @Test func anImpossibleAgeSaysTheDatesDoNotFit() throws {
        let form = try Fixtures.defaultForm()
        let answers = Fixtures.answers(["barn_cpr": .string("150926-0123")])     // born 1926
        let warnings = form.decide(answers, today: Fixtures.today).warnings
        #expect(warnings.contains { $0.contains("fødselsdato (fra CPR-nummeret) og besøgsdatoen passer ikke sammen") },
                "\(warnings)")
        #expect(!warnings.contains { $0.contains("1208") || $0.contains("måneder gammelt.") })
    }

    @Test func aVisitWithoutScreeningIsCountable() throws {
        let form = try Fixtures.defaultForm()
        #expect(form.wasScreened(Fixtures.lowConflict))
        #expect(form.wasScreened(Fixtures.answers(["screening_gennemfoert": .bool(true)])))
        #expect(!form.wasScreened(Fixtures.answers(["screening_gennemfoert": .bool(false)])))
    }
}
