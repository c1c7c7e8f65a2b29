import Testing
@testable import KonfliktTUI

@Suite struct LineEditorTests {
    @Test func editsByCharacterWithCursorMovement() {
        var editor = LineEditor()
        for key in keys("Søren") { _ = editor.handle(key) }
        _ = editor.handle(.home)
        _ = editor.handle(.delete)
        _ = editor.handle(.character("B"))
        _ = editor.handle(.end)
        _ = editor.handle(.backspace)
        _ = editor.handle(.left)
        _ = editor.handle(.character("å"))
        #expect(editor.text == "Børåe")
        #expect(editor.cursor == 4)
    }

    @Test func combiningRingJoinsThePreviousLetterAndIsNFC() {
        var editor = LineEditor()
        _ = editor.handle(.character("a"))
        _ = editor.handle(.character("\u{30A}"))
        #expect(editor.text == "å")
        #expect(editor.text.unicodeScalars.count == 1)
        #expect(editor.characters.count == 1)
        _ = editor.handle(.backspace)
        #expect(editor.text == "")
    }

    @Test func decomposedTextIsStoredPrecomposed() {
        let editor = LineEditor(text: "A\u{30A}rhus")
        #expect(editor.text == "Århus")
        #expect(editor.text.unicodeScalars.first == "Å")
    }

    @Test func emojiAndCJKAreSingleCharacters() {
        var editor = LineEditor(text: "漢👍🏽x")
        editor.backspace()
        editor.backspace()
        #expect(editor.text == "漢")
    }

    @Test func longTextScrollsToKeepTheCursorVisible() {
        let editor = LineEditor(text: "abcdefghijklmnop")
        let visible = editor.visible(width: 5)
        #expect(visible.text == "mnop")
        #expect(visible.cursorColumn == 4)
        var atStart = editor
        atStart.moveHome()
        #expect(atStart.visible(width: 5).text == "abcde")
        #expect(atStart.visible(width: 5).cursorColumn == 0)
    }

    @Test func maxLengthIsEnforced() {
        var editor = LineEditor(maxLength: 3)
        editor.insert("abcdef")
        #expect(editor.text == "abc")
    }
}
