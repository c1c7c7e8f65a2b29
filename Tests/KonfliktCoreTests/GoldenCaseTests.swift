import Foundation
import Testing
@testable import KonfliktCore

/// The shipped golden cases (forms/konfliktscreening.cases.yaml) run here as well as in `check`;
/// a mutated case fails with its position; a form whose cases fail is refused.
@Suite struct GoldenCaseTests {
    let form: Form
    let casesURL: URL

    init() throws {
        form = try Fixtures.defaultForm()
        casesURL = Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.cases.yaml")
    }

    @Test func everyShippedCasePassesAndTogetherTheyFireEveryRuleAndWarning() {
        let report = GoldenCases.run(form: form, url: casesURL)
        #expect(report.problems.map(\.description) == [])
        #expect(report.count >= 30)
        #expect(Set(form.rules.map(\.id)).subtracting(report.firedRules).isEmpty,
                "rules no case fires: \(Set(form.rules.map(\.id)).subtracting(report.firedRules).sorted())")
        #expect(Set(form.warningRules.map(\.id)).subtracting(report.givenWarnings).isEmpty)
        #expect(form.goldenCaseCount == report.count)
        #expect(form.notices.allSatisfy { !$0.message.contains("Intet tilfælde") })
    }

    @Test func theCasesCoverEveryActionAndTheRefusedOverride() throws {
        let text = try String(contentsOf: casesURL, encoding: .utf8)
        for action in form.actions.map(\.id) { #expect(text.contains(action), "no case expects \(action)") }
        #expect(text.contains("override: refused"))
        #expect(text.contains("override: accepted"))
        for answer in ["alene_med_foraelder: false", "akut_fare: true", "screening_gennemfoert: false", "foraeldre_uenige: true",
                       "informeret: false", "deltagere: [mor]", "besoeg: 8mdr"] {
            #expect(text.contains(answer), "no case with \(answer)")
        }
    }

    /// Replaces the first occurrence of `old` after the line containing `after`; returns the text and
    /// the 1-based line and column where `new` starts.
    func mutate(_ text: String, after anchor: String, replacing old: String, with new: String) throws -> (String, Int, Int) {
        var lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.contains(anchor) })
        let index = try #require(lines[start...].firstIndex { $0.contains(old) })
        let column = try #require(lines[index].range(of: old)).lowerBound.utf16Offset(in: lines[index]) + 1
        lines[index] = lines[index].replacingOccurrences(of: old, with: new)
        return (lines.joined(separator: "\n"), index + 1, column)
    }

    @Test func aMutatedCaseFailsWithItsPosition() throws {
        let text = try String(contentsOf: casesURL, encoding: .utf8)
        let (mutated, line, column) = try mutate(text, after: "- name: Vold mellem forældrene giver underretning",
                                                 replacing: "actions: [underretning]", with: "actions: [ingen]")
        let report = GoldenCases.run(form: form, data: Data(mutated.utf8), path: "cases.yaml")
        #expect(report.problems.count == 1)
        let problem = try #require(report.problems.first)
        #expect(problem.line == line)
        #expect(problem.column == column + "actions: ".count)
        #expect(problem.description.hasPrefix("cases.yaml:\(line):"))
        #expect(problem.message.contains("Vold mellem forældrene giver underretning"))
        #expect(problem.message.contains("forventede [ingen], men reglerne giver [underretning]"))
    }

    @Test func aWrongWarningAnUnknownQuestionAndAWrongOverrideExpectationAreReported() throws {
        let text = try String(contentsOf: casesURL, encoding: .utf8)
        var (mutated, warningLine, _) = try mutate(text, after: "Forældrene fik ikke informationen",
                                                   replacing: "fik ikke at vide", with: "noget helt andet")
        var unknownLine = 0
        (mutated, unknownLine, _) = try mutate(mutated, after: "Bekymring for barnets trivsel giver underretning",
                                               replacing: "bekymring_trivsel:", with: "bekymring:")
        var overrideLine = 0
        (mutated, overrideLine, _) = try mutate(mutated, after: "En tilsidesættelse, der fjerner underretningen",
                                                replacing: "override: refused", with: "override: accepted")
        let problems = GoldenCases.run(form: form, data: Data(mutated.utf8), path: "c.yaml").problems
        #expect(problems.contains { $0.line == warningLine && $0.message.contains("ingen advarsel indeholder \"noget helt andet\"") })
        #expect(problems.contains { $0.line == unknownLine && $0.message.contains("ukendt spørgsmål 'bekymring'") })
        #expect(problems.contains { $0.line == overrideLine && $0.message.contains("skulle godkendes, men blev afvist") })
    }

    @Test func invalidAnswersInACaseAreReportedAtTheAnswer() throws {
        let cases = """
        form: konfliktscreening
        today: 2026-11-22
        cases:
          - name: Mangler svar
            answers: {besoeg: 2mdr, konfliktniveau: hoej}
            expect: {actions: [ingen]}
        """
        let problems = GoldenCases.run(form: form, data: Data(cases.utf8), path: "c.yaml").problems
        #expect(problems.contains { $0.line == 5 && $0.column == 45 && $0.message.contains("svaret på 'konfliktniveau'") })
        #expect(problems.contains { $0.message.contains("svaret på 'barn_cpr': Skal besvares.") })
    }

    @Test func aFormWhoseCasesFailIsRefusedLikeABrokenForm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"),
                                         to: dir.appendingPathComponent("konfliktscreening.yaml"))
        let text = try String(contentsOf: casesURL, encoding: .utf8)
        let (mutated, line, _) = try mutate(text, after: "- name: Akut fare giver", replacing: "[akut_hjaelp, underretning]",
                                            with: "[underretning]")
        try Data(mutated.utf8).write(to: dir.appendingPathComponent("konfliktscreening.cases.yaml"))
        #expect(throws: FormLoadError.self) { try FormLoader.loadForm(directory: dir) }
        do {
            _ = try FormLoader.loadForm(directory: dir)
        } catch {
            guard case .invalid(let problems) = error else { Issue.record("\(error)"); return }
            #expect(problems.count == 1)
            #expect(problems.first?.file.hasSuffix("konfliktscreening.cases.yaml") == true)
            #expect(problems.first?.line == line)
        }
        // The cases file is not taken for a form of its own.
        try Data(text.utf8).write(to: dir.appendingPathComponent("konfliktscreening.cases.yaml"))
        #expect(try FormLoader.loadAll(directory: dir).count == 1)
    }
}
