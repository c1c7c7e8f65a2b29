import Foundation
import KonfliktCore
import KonfliktLog
import Testing
@testable import KonfliktTUI

/// Retention from the lead's review (issue 17): `o` in the list, the date, what will happen, the date
/// typed again; Esc or another date deletes nothing. The review's own fixture, with actions that
/// record what they were asked.
@Suite struct RetentionScreenTests {
    final class Calls {
        var previews: [LocalDate] = []
        var runs: [LocalDate] = []
    }

    static func outcome() -> Retention.Outcome {
        var outcome = Retention.Outcome()
        outcome.lead = true
        outcome.teamKeys = [String(repeating: "ab", count: 32)]
        outcome.erasedRecords = 7
        outcome.deviceYears = [2024, 2025]
        return outcome
    }

    func open(_ fixture: ReviewFixture, _ calls: Calls) -> (ReviewScreen, MemoryTerminal) {
        var environment = fixture.environment()
        environment.retention = RetentionActions(preview: { date in
            calls.previews.append(date)
            return Self.outcome()
        }, run: { date in
            calls.runs.append(date)
            return Self.outcome()
        })
        let screen = ReviewScreen(environment: environment)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        return (screen, terminal)
    }

    /// The screen's text with every run of spaces and line breaks as one space (wrapped lines joined).
    func flat(_ terminal: MemoryTerminal) -> String {
        terminal.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    func press(_ screen: ReviewScreen, _ terminal: MemoryTerminal, _ keys: [Key]) {
        for key in keys {
            screen.handle(key)
            screen.draw(on: terminal)
        }
    }

    @Test func theDateIsTypedTwiceAfterSeeingWhatWillHappen() throws {
        let fixture = try ReviewFixture()
        let calls = Calls()
        let (screen, terminal) = open(fixture, calls)
        press(screen, terminal, [.character("o")])
        #expect(screen.page.kind == "retention")
        #expect(terminal.text.contains("Slet registreringer med besøg før"))
        press(screen, terminal, keys("01-01-2026") + [.enter])
        #expect(calls.previews == [LocalDate(year: 2026, month: 1, day: 1)!])
        let plan = flat(terminal)
        #expect(plan.contains("7 registreringer kan aldrig læses igen"), "\(plan)")
        #expect(plan.contains("2024, 2025"))
        #expect(plan.contains("kan ikke fortrydes"))
        #expect(plan.contains("konvolutterne"))
        #expect(plan.contains("Skriv datoen igen"))
        // Another date deletes nothing and asks again.
        press(screen, terminal, keys("02-01-2026") + [.enter])
        #expect(calls.runs.isEmpty)
        #expect(terminal.text.contains("Datoen er ikke den samme"))
        // The same date (also typed as ÅÅÅÅ-MM-DD) deletes.
        press(screen, terminal, keys("2026-01-01") + [.enter])
        #expect(calls.runs == [LocalDate(year: 2026, month: 1, day: 1)!])
        #expect(flat(terminal).contains("er slettet efter reglerne for opbevaring"))
        #expect(flat(terminal).contains("Destrueret 1 teamnøgle(r)"))
        press(screen, terminal, [.character(" ")])
        #expect(screen.page.kind == "list")
    }

    @Test func escapeAtEitherStepDeletesNothing() throws {
        let fixture = try ReviewFixture()
        let calls = Calls()
        let (screen, terminal) = open(fixture, calls)
        press(screen, terminal, [.character("o")] + keys("01-01-2026") + [.escape])
        #expect(screen.page.kind == "list")
        #expect(terminal.text.contains("Intet er slettet."))
        #expect(calls.previews.isEmpty)
        press(screen, terminal, [.character("o")] + keys("01-01-2026") + [.enter] + keys("01-01-2026") + [.escape])
        #expect(screen.page.kind == "list")
        #expect(terminal.text.contains("Intet er slettet."))
        #expect(calls.previews.count == 1)
        #expect(calls.runs.isEmpty)
    }

    @Test func aDateAfterTodayOrNoDateIsRefused() throws {
        let fixture = try ReviewFixture()
        let calls = Calls()
        let (screen, terminal) = open(fixture, calls)
        press(screen, terminal, [.character("o")] + keys("01-01-2027") + [.enter])
        #expect(terminal.text.contains("ligger efter i dag"))
        press(screen, terminal, [.ctrl("u")] + [.enter])
        #expect(terminal.text.contains("Skriv en gyldig dato"))
        #expect(calls.previews.isEmpty && calls.runs.isEmpty)
        #expect(screen.page.kind == "retention")
    }

    @Test func withoutTheTeamKeyTheReviewSaysWhereToDeleteInstead() throws {
        let fixture = try ReviewFixture()
        let screen = ReviewScreen(environment: fixture.environment())
        let terminal = MemoryTerminal()
        screen.handle(.character("o"))
        screen.draw(on: terminal)
        #expect(screen.page.kind == "list")
        #expect(terminal.text.contains("konflikt retention"))
    }
}
