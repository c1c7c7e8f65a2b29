import Foundation
import KonfliktCore
import KonfliktLog
import Testing
@testable import KonfliktTUI

/// The shared frame and run loop (issue 15, "one screen shape" and defect 1): while the window is too
/// small, no key but quitting reaches the hidden screen; text is never cut where it matters.
@Suite struct ScreenFrameTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!

    @Test func keysDoNotReachTheFormWhileTheWindowIsTooSmall() throws {
        var saved: [ScreeningSubmission] = []
        let screen = FormScreen(model: TestModel(), today: today, save: { saved.append($0) })
        // At 60×20 the "too small" text is all there is: "1" and Enter must not answer or move on.
        let terminal = MemoryTerminal(rows: 20, columns: 60, keys: [.character("1"), .enter, .character("2"), .pageDown])
        screen.run(on: terminal)
        #expect(terminal.contains("Vinduet er for lille"))
        #expect(screen.answers.isEmpty)
        #expect(screen.stepIndex == 0)
        // Made large enough again, the same keys work.
        terminal.resize(rows: 24, columns: 80)
        terminal.send([.character("1")])
        screen.run(on: terminal)
        #expect(screen.answers["besoeg"] == .string("2mdr"))
        #expect(terminal.contains("(•) 1 2-måneders besøg"))
    }

    @Test func enterOnAHiddenSummaryDoesNotSave() throws {
        var saved: [ScreeningSubmission] = []
        let screen = FormScreen(model: TestModel(), today: today, save: { saved.append($0) })
        for key in [.character("1"), .enter] + keys("1509264123")
            + [.enter, .character("3"), .enter, .character("1"), .enter, .character("j"), .enter, .enter] as [Key] {
            screen.handle(key)
        }
        #expect(screen.page == .summary)
        let terminal = MemoryTerminal(rows: 20, columns: 60, keys: [.enter, .function(10), .ctrl("s")])
        screen.run(on: terminal)
        #expect(saved.isEmpty)
        #expect(screen.page == .summary)
        // Ctrl-C (quit) still works: it asks whether to leave.
        terminal.send([.ctrl("c")])
        screen.run(on: terminal)
        #expect(screen.page == .confirmLeave)
    }

    @Test func aFollowupIsNotRecordedUnseen() throws {
        let fixture = try ReviewFixture()
        let screen = ReviewScreen(environment: fixture.environment())
        let terminal = MemoryTerminal(rows: 20, columns: 60,
                                      keys: [.enter, .character("o"), .function(10), .enter, .character("j")])
        screen.run(on: terminal)
        #expect(try fixture.leadEvents().isEmpty)
        #expect(screen.page.kind == "list")
        // Ctrl-C leaves the review even while too small.
        terminal.send([.ctrl("c")])
        screen.run(on: terminal)
        #expect(screen.isDone)
    }

    @Test func theStartMenuAndTheExportIgnoreKeysWhileTooSmall() throws {
        let menu = StartMenu(title: "T", drafts: [], stepCount: 3, initials: "AB", reviewAvailable: false,
                             saveInitials: { _ in })
        let small = MemoryTerminal(rows: 20, columns: 60, keys: [.character("1"), .enter, .character("5")])
        #expect(menu.run(on: small) == .quit)          // input ended: nothing was chosen
        #expect(menu.choice == nil)
        var exported = 0
        let export = ExportScreen(run: { _ in exported += 1; return "/tmp/x.csv" })
        export.run(on: MemoryTerminal(rows: 20, columns: 60, keys: [.function(10), .ctrl("s")]))
        #expect(exported == 0)
        #expect(!export.isDone)
    }

    @Test func aLongMessageWrapsAndALongFooterTakesTwoRows() throws {
        let terminal = MemoryTerminal()
        let long = String(repeating: "Kladden kunne ikke gemmes fordi mappen ikke kan skrives. ", count: 3) + "SLUT"
        Frame.draw(on: terminal, title: "T", footer: String(repeating: "x tast ", count: 14) + "SIDST",
                   message: ScreenMessage(long, .error)) { _ in nil }
        #expect(terminal.contains("SLUT"))
        #expect(terminal.contains("SIDST"))
        #expect(terminal.rows[23].contains("SIDST"))
    }

    @Test func theScrollHintHasARowOfItsOwn() throws {
        let terminal = MemoryTerminal()
        let lines: [StyledLine] = (1...40).map { ("linjetekst nummer \($0) " + String(repeating: "x", count: 60), .normal) }
        var scroll = 0
        Frame.draw(on: terminal, title: "T", footer: "f") { frame in
            scroll = frame.scrolled(lines, scroll: 1000)
            return nil
        }
        // Clamped to the end: the last line shows in full, and the hint is on its own row below it.
        #expect(terminal.contains("linjetekst nummer 40 " + String(repeating: "x", count: 57)))
        let hint = try #require(terminal.row(containing: "af 40 (↑/↓"))
        #expect(!terminal.rows[hint].contains("linjetekst"))
        #expect(scroll == 40 - 21)
    }
}
