import Foundation
import KonfliktCore
import Testing
@testable import KonfliktTUI

@Suite struct PlainScreeningTests {
    final class IO {
        var lines: [String]
        var output = ""
        init(_ lines: [String]) { self.lines = lines }
        func read() -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    }

    func runner(_ io: IO) -> PlainScreening {
        PlainScreening(model: TestModel(), today: LocalDate(year: 2026, month: 11, day: 20)!,
                       readLine: io.read, write: { io.output += $0 })
    }

    @Test func pipedAnswersAreValidatedSummarisedAndSaved() throws {
        let io = IO(["1", "3201264123", "150926-4123", "3", "", "1", "ja", "Blåbær", "j"])
        var saved: [ScreeningSubmission] = []
        let result = try runner(io).run { saved.append($0) }
        #expect(io.output.contains("1. Hvilket besøg? (skal besvares)"))
        #expect(io.output.contains("Fejl: CPR-nummeret indeholder ikke en gyldig fødselsdato."))
        #expect(io.output.contains("Fejl: Dette spørgsmål skal besvares."))
        #expect(io.output.contains("* Underretning"))
        #expect(io.output.contains("Underretning: send den i dag til Familierådgivningen."))
        #expect(result?.decision.actions == ["underretning", "gruppeforloeb"])
        #expect(saved.count == 1)
        #expect(saved[0].answers["barn_cpr"] == .string("150926-4123"))
    }

    @Test func endOfInputThrowsAndSavesNothing() {
        let io = IO(["1"])
        var saved = 0
        #expect(throws: TUIError.inputEnded) { try runner(io).run { _ in saved += 1 } }
        #expect(saved == 0)
    }
}

/// `--plain` with the shipped form (issue 15, defect 9): multichoice as `1 2`, a note over several lines,
/// and the override with the same checks as the screen.
@Suite struct PlainShippedFormTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!
    let form: Form

    init() throws {
        let forms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("forms")
        form = try FormLoader.loadForm(directory: forms)
    }

    func run(_ lines: [String]) throws -> (ScreeningSubmission?, String) {
        let io = PlainScreeningTests.IO(lines)
        let model = FormScreeningModel(form: form, initials: "AB", today: today)
        let result = try PlainScreening(model: model, today: today, readLine: io.read, write: { io.output += $0 }).run { _ in }
        return (result, io.output)
    }

    /// visit, date, CPR, initials, participants, screened, informed, level, disagree, alone, violence, acute,
    /// concern, exposed, interest, consent, referrals; then the note and what follows.
    static let answers = ["1", "", "150926-4123", "AB", "1 2", "", "j", "3", "", "j", "1", "", "1", "1", "1", "j", ""]

    func index(of action: String) -> String {
        let model = FormScreeningModel(form: form, initials: "AB", today: today)
        let order = model.actions.sorted { $0.severity > $1.severity }
        return String((order.firstIndex { $0.id == action } ?? -1) + 1)
    }

    @Test func spacesSeparateChoicesAndANoteTakesSeveralLines() throws {
        let (saved, output) = try run(Self.answers + ["Første linje", "Anden linje", "", "j"])
        let submission = try #require(saved)
        #expect(submission.answers["deltagere"] == .strings(["mor", "far"]))
        #expect(submission.answers["note"] == .string("Første linje\nAnden linje"))
        #expect(output.contains("en tom linje afslutter noten"))
    }

    @Test func theOverrideIsOfferedWithAReasonAndTheDutyCheck() throws {
        let (saved, output) = try run(Self.answers + ["Note", "", "t", index(of: "opfoelgning"), "Mor vil hellere ringes op", "j"])
        let submission = try #require(saved)
        #expect(submission.overrideActions == ["opfoelgning"])
        #expect(submission.overrideReason == "Mor vil hellere ringes op")
        #expect(output.contains("t = tilsidesæt anbefalingen"))
        #expect(output.contains("Tilsidesat af dig:"))
        // Without a reason it is refused, and the recommendation stands.
        let (plain, refused) = try run(Self.answers + ["Note", "", "t", index(of: "opfoelgning"), "", "j"])
        #expect(plain?.overrideActions == nil)
        #expect(refused.contains("Fejl:"))
    }

    @Test func anOverrideThatRemovesTheReportIsRefused() throws {
        var exposed = Self.answers
        exposed[13] = "2"                               // the child is exposed: the report is mandatory
        exposed.insert("n", at: 14)                     // telling the parents is not dangerous
        let (saved, output) = try run(exposed + ["Note", "", "t", index(of: "gruppeforloeb"), "j"])
        #expect(saved?.overrideActions == nil)
        #expect(saved?.decision.actions.contains("underretning") == true)
        #expect(output.contains("Fejl:"))
    }
}
