import KonfliktCore
import Testing
@testable import KonfliktTUI

@Suite struct ExportScreenTests {
    final class Calls {
        var requests: [ExportRequest] = []
        var failure: (any Error)?
        var warnings: [String] = []
    }

    func screen(_ calls: Calls) -> (ExportScreen, MemoryTerminal) {
        let screen = ExportScreen(run: { request in
            calls.requests.append(request)
            if let failure = calls.failure { throw failure }
            return (["/home/koordinator/konflikt-eksport-kvartal-20261122.csv"] + calls.warnings).joined(separator: "\n")
        })
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        return (screen, terminal)
    }

    func press(_ screen: ExportScreen, _ terminal: MemoryTerminal, _ keys: [Key]) {
        for key in keys {
            screen.handle(key)
            screen.draw(on: terminal)
        }
    }

    @Test func theReadersWarningsAreShownAfterTheExport() {
        let calls = Calls()
        calls.warnings = ["3 linje(r) i loggen kunne ikke læses og er sprunget over; kør konflikt verify."]
        let (screen, terminal) = screen(calls)
        press(screen, terminal, [.enter, .enter, .enter, .enter, .enter, .enter])
        #expect(terminal.contains("Eksporten er gemt"))
        #expect(terminal.contains("Advarsel: 3 linje(r) i loggen kunne ikke læses"))
        #expect(terminal.contains("konflikt-eksport-kvartal-20261122.csv"))
    }

    /// Issue 15, defect 2: many warnings after an export can all be read by scrolling.
    @Test func manyWarningsCanBeScrolledTo() {
        let calls = Calls()
        calls.warnings = (1...30).map { "Advarselstekst nummer \($0)." }
        let (screen, terminal) = screen(calls)
        press(screen, terminal, [.enter, .enter, .enter, .enter, .enter])
        var seen = terminal.text
        for _ in 0..<40 {
            press(screen, terminal, [.down])
            seen += terminal.text
        }
        #expect(!screen.finished)                                    // ↓ scrolls, it does not leave
        for number in 1...30 { #expect(seen.contains("Advarselstekst nummer \(number).")) }
        press(screen, terminal, [.enter])
        #expect(screen.finished)
    }

    @Test func defaultsExportAQuarterlyCSVOfEverythingAndSayWhere() {
        let calls = Calls()
        let (screen, terminal) = screen(calls)
        #expect(terminal.contains("(•) 2 Kvartal"))
        #expect(terminal.contains("(•) 1 CSV til Excel"))
        press(screen, terminal, [.enter, .enter, .enter, .enter, .enter])
        #expect(calls.requests == [ExportRequest(period: "quarter", from: nil, to: nil, format: "csv")])
        #expect(terminal.contains("Eksporten er gemt"))
        #expect(terminal.contains("/home/koordinator/konflikt-eksport-kvartal-20261122.csv"))
        press(screen, terminal, [.character("x")])
        #expect(screen.finished)
    }

    @Test func choosesMonthDatesAndJSON() {
        let calls = Calls()
        let (screen, terminal) = screen(calls)
        press(screen, terminal, [.character("1"), .tab, .tab] + keys("01-01-2026") + [.tab] + keys("30-06-2026") +
              [.tab, .character("2"), .enter])
        #expect(calls.requests == [ExportRequest(period: "month", from: LocalDate(year: 2026, month: 1, day: 1),
                                                 to: LocalDate(year: 2026, month: 6, day: 30), format: "json")])
    }

    @Test func offersHalfYearsTotalsOnlyAndTheHTMLReport() {
        let calls = Calls()
        let (screen, terminal) = screen(calls)
        #expect(terminal.contains("3 Halvår"))
        #expect(terminal.contains("2 Kun i alt"))
        #expect(terminal.contains("3 HTML-rapport med figurer"))
        press(screen, terminal, [.character("3"), .tab, .character("2"), .tab, .tab, .tab, .character("3"), .enter])
        #expect(calls.requests == [ExportRequest(period: "halfyear", from: nil, to: nil, format: "html", totalsOnly: true)])
    }

    @Test func badDatesAreRefusedBeforeAnythingIsExported() {
        let calls = Calls()
        let (screen, terminal) = screen(calls)
        press(screen, terminal, [.tab, .tab] + keys("31-02-2026") + [.function(10)])
        #expect(terminal.contains("Skriv en gyldig dato som dd-mm-åååå"))
        press(screen, terminal, Array(repeating: Key.backspace, count: 10) + keys("01-07-2026") + [.tab] +
              keys("01-01-2026") + [.function(10)])
        #expect(terminal.contains("Fra-datoen ligger efter til-datoen."))
        #expect(calls.requests.isEmpty)
    }

    @Test func aFailedExportSaysSoAndStaysOpen() {
        let calls = Calls()
        calls.failure = TUIError.inputEnded
        let (screen, terminal) = screen(calls)
        press(screen, terminal, [.function(10)])
        #expect(terminal.contains("Ikke eksporteret"))
        #expect(!screen.finished)
        press(screen, terminal, [.escape])
        #expect(screen.finished)
    }
}
