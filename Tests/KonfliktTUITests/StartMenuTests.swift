import Foundation
import KonfliktCore
import Testing
@testable import KonfliktTUI

/// The start menu's initials and help (issue 15, item 10).
@Suite struct StartMenuTests {
    final class Saved { var initials: [String] = [] }

    func press(_ menu: StartMenu, _ keys: [Key]) -> MemoryTerminal {
        let terminal = MemoryTerminal()
        for key in keys { menu.handle(key) }
        menu.draw(on: terminal)
        return terminal
    }

    @Test func initialsAreUpperCaseLettersAndAnEmptyEnterIsAnswered() {
        let saved = Saved()
        let menu = StartMenu(title: "T", drafts: [], stepCount: 3, initials: nil, reviewAvailable: false,
                             saveInitials: { saved.initials.append($0) })
        var terminal = press(menu, [.enter])
        #expect(terminal.contains("Skriv dine initialer (2–4 bogstaver, fx AB)."))
        #expect(menu.page == .initials)
        terminal = press(menu, [.character("a"), .character(" ")])
        #expect(terminal.contains("Initialer er kun bogstaver"))
        terminal = press(menu, [.character("b")])
        let row = terminal.row(containing: "Initialer:").map { terminal.rows[$0] } ?? ""
        #expect(row.hasSuffix(" AB"), "\(row)")
        _ = press(menu, [.enter])
        #expect(saved.initials == ["AB"])
        #expect(menu.page == .menu)
    }

    @Test func initialsCanBeChangedFromTheMenuAndEscKeepsTheOldOnes() {
        let saved = Saved()
        let menu = StartMenu(title: "T", drafts: [], stepCount: 3, initials: "AB", reviewAvailable: false,
                             saveInitials: { saved.initials.append($0) })
        var terminal = press(menu, [])
        #expect(terminal.contains("i initialer"))
        terminal = press(menu, [.character("i")])
        #expect(terminal.contains("Skift initialer (nu AB)"))
        _ = press(menu, [.escape])
        #expect(menu.page == .menu)
        #expect(menu.choice == nil)
        terminal = press(menu, [.character("i")] + Array(repeating: Key.backspace, count: 4) + [.character("c"), .character("d"), .enter])
        #expect(saved.initials == ["CD"])
        #expect(terminal.contains("Dine initialer er nu CD."))
        #expect(terminal.contains("Initialer: CD"))
    }

    @Test func f1AndQuestionMarkShowTheKeys() {
        let menu = StartMenu(title: "T", drafts: [], stepCount: 3, initials: "AB", reviewAvailable: false,
                             saveInitials: { _ in })
        #expect(press(menu, [.function(1)]).contains("i skifter dine initialer"))
        #expect(press(menu, [.character("?")]).contains("1–5 vælger direkte"))
    }
}
