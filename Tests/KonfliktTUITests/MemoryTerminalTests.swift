import Testing
@testable import KonfliktTUI

@Suite struct MemoryTerminalTests {
    @Test func putShowsTextOnlyAfterRefresh() {
        let terminal = MemoryTerminal(rows: 3, columns: 10)
        terminal.put("Hej", row: 1, column: 2)
        #expect(terminal.rows == ["", "", ""])
        terminal.refresh()
        #expect(terminal.rows == ["", "  Hej", ""])
    }

    @Test func danishLettersTakeOneColumnAndWideCharactersTwo() {
        let terminal = MemoryTerminal(rows: 1, columns: 10)
        terminal.put("æøå漢字x", row: 0, column: 0)
        terminal.put("|", row: 0, column: 8)
        terminal.refresh()
        #expect(terminal.rows == ["æøå漢字x|"])
        #expect(DisplayWidth.of("漢字") == 4)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("a\u{30A}") == 1)
    }

    @Test func textIsClippedAtTheRightEdgeWithoutSplittingAWideCharacter() {
        let terminal = MemoryTerminal(rows: 1, columns: 5)
        terminal.put("abcd漢", row: 0, column: 0)
        terminal.refresh()
        #expect(terminal.rows == ["abcd"])
    }

    @Test func keysComeOutInOrderThenNil() {
        let terminal = MemoryTerminal(keys: [.up, .character("x")])
        #expect(terminal.readKey() == .up)
        #expect(terminal.readKey() == .character("x"))
        #expect(terminal.readKey() == nil)
    }

    @Test func resizeQueuesAResizeKey() {
        let terminal = MemoryTerminal(rows: 10, columns: 40)
        terminal.resize(rows: 24, columns: 80)
        #expect(terminal.size == TerminalSize(rows: 24, columns: 80))
        #expect(terminal.readKey() == .resize)
    }

    @Test func stylesAreRecorded() {
        let terminal = MemoryTerminal(rows: 2, columns: 20)
        terminal.put("Fejl her", row: 1, column: 3, style: .error)
        terminal.refresh()
        #expect(terminal.style(of: "Fejl") == .error)
        #expect(terminal.style(row: 0, column: 0) == .normal)
    }

    @Test func wrapBreaksAtSpacesAndSplitsLongWords() {
        #expect(DisplayWidth.wrap("en to tre fire", columns: 7) == ["en to", "tre", "fire"])
        #expect(DisplayWidth.wrap("abcdefgh", columns: 3) == ["abc", "def", "gh"])
    }
}
