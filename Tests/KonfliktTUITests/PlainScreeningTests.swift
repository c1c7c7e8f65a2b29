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
