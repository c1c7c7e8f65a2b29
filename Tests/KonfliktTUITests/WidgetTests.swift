import KonfliktCore
import Testing
@testable import KonfliktTUI

@Suite struct WidgetTests {
    let levels = [ChoiceOption(id: "lavt", label: "Lavt"), ChoiceOption(id: "middel", label: "Middel"),
                  ChoiceOption(id: "hoejt", label: "Højt")]

    @Test func choiceByArrowsAndNumbers() {
        var field = ChoiceField(options: levels)
        #expect(field.answer == nil)
        var screen = render(&field, keys: [.down, .down])
        #expect(field.answer == .string("middel"))
        #expect(screen.rows[1] == "(•) 2 Middel")
        screen = render(&field, keys: [.character("3")])
        #expect(field.answer == .string("hoejt"))
        #expect(screen.rows[2] == "(•) 3 Højt")
        #expect(screen.rows[0] == "( ) 1 Lavt")
        #expect(field.handle(.character("7")) == .ignored)
        #expect(field.handle(.enter) == .ignored)
    }

    @Test func multipleChoiceSpaceToggles() {
        var field = MultiChoiceField(options: levels)
        let screen = render(&field, keys: [.character(" "), .down, .down, .character(" "), .character("1")])
        #expect(field.answer == .strings(["hoejt"]))
        #expect(screen.rows[2] == "[x] 3 Højt")
        #expect(screen.rows[0] == "[ ] 1 Lavt")
        _ = field.handle(.character("2"))
        #expect(field.answer == .strings(["middel", "hoejt"]))
    }

    @Test func yesNoByLetters() {
        var field = YesNoField()
        var screen = render(&field)
        #expect(screen.rows[0] == "( ) Ja (j)   ( ) Nej (n)")
        screen = render(&field, keys: [.character("j")])
        #expect(field.answer == .bool(true))
        #expect(screen.rows[0].hasPrefix("(•) Ja"))
        _ = field.handle(.character("n"))
        #expect(field.answer == .bool(false))
        _ = field.handle(.left)
        #expect(field.answer == .bool(true))
    }

    @Test func textFieldShowsDanishAndWideInputWithCursor() {
        var field = TextField()
        let screen = render(&field, keys: keys("Blåbær 漢字") + [.left, .left, .backspace])
        #expect(field.answer == .string("Blåbær漢字"))
        #expect(screen.rows[0] == "Blåbær漢字")
        #expect(screen.cursor.row == 0)
        #expect(screen.cursor.column == 6)
    }

    @Test func textFieldScrollsHorizontally() {
        var field = TextField()
        let screen = render(&field, keys: keys("abcdefghijklmnopqrstuvwxyz"), width: 10)
        #expect(screen.rows[0] == "rstuvwxyz")
        #expect(screen.cursor.column == 9)
        #expect(field.answer == .string("abcdefghijklmnopqrstuvwxyz"))
    }

    @Test func textFieldNormalisesDecomposedInput() {
        var field = TextField()
        _ = render(&field, keys: [.character("o"), .character("e"), .character("A"), .character("\u{30A}")])
        #expect(field.answer == .string("oeÅ"))
        if case .string(let text)? = field.answer { #expect(text.unicodeScalars.count == 3) }
    }

    @Test func noteHasSeveralLines() {
        var field = NoteField(visibleLines: 3)
        let screen = render(&field, keys: keys("første") + [.enter] + keys("anden") + [.up, .end, .delete])
        #expect(field.answer == .string("førsteanden"))
        #expect(screen.rows[0] == "førsteanden")
        _ = field.handle(.enter)
        #expect(field.answer == .string("første\nanden"))
        #expect(field.handle(.tab) == .ignored)
    }

    @Test func dateDefaultsToGivenDayAndValidatesOnLeaving() {
        var field = DateField(date: LocalDate(year: 2026, month: 11, day: 20))
        var screen = render(&field)
        #expect(screen.rows[0].hasPrefix("20-11-2026"))
        #expect(field.answer == .string("2026-11-20"))
        screen = render(&field, keys: [.backspace, .backspace, .backspace, .backspace] + keys("2025x"))
        #expect(field.answer == .string("2025-11-20"))
        field.setAnswer(nil)
        _ = render(&field, keys: keys("31-02-2026"))
        #expect(field.answer == nil)
        #expect(field.validationError() == "Skriv en gyldig dato som dd-mm-åååå, fx 20-11-2026.")
        _ = screen
    }

    /// Issue 15, item 10: `2026-11-28` and `28112026` are dates too.
    @Test func dateAcceptsISOAndEightDigits() {
        for typed in ["2026-11-28", "28112026", "28-11-2026", "28.11.2026"] {
            var field = DateField(date: nil)
            _ = render(&field, keys: keys(typed))
            #expect(field.answer == .string("2026-11-28"), "\(typed)")
            #expect(field.validationError() == nil)
        }
        var wrong = DateField(date: nil)
        _ = render(&wrong, keys: keys("31022026"))
        #expect(wrong.answer == nil)
        #expect(wrong.validationError() != nil)
    }

    @Test func cprIsValidatedWithoutRepeatingTheNumber() {
        var field = CPRField()
        _ = render(&field, keys: keys("320126-4123"))
        let message = field.validationError()
        #expect(message == "CPR-nummeret indeholder ikke en gyldig fødselsdato.")
        #expect(message?.contains("320126") == false)
        #expect(field.answer == nil)
        field.setAnswer(nil)
        _ = render(&field, keys: keys("12345"))
        #expect(field.validationError() == "CPR-nummeret skal have formen DDMMÅÅ-SSSS (10 cifre).")
        field.setAnswer(nil)
        _ = render(&field, keys: keys("1509264123"))
        #expect(field.validationError() == nil)
        #expect(field.answer == .string("150926-4123"))
    }

    @Test func cprCenturyFollowsTheSeventhDigit() {
        #expect(CPRFormat.birthDate("150926-4123")?.year == 2026)
        #expect(CPRFormat.birthDate("150956-4123")?.year == 1956)
        #expect(CPRFormat.birthDate("150926-0123")?.year == 1926)
        #expect(CPRFormat.birthDate("150960-5123")?.year == 1860)
        #expect(CPRFormat.birthDate("290200-4000") != nil)
        #expect(CPRFormat.birthDate("150926/4123") == nil)
    }

    @Test func numberAcceptsDecimalComma() {
        var field = NumberField()
        _ = render(&field, keys: keys("2,5"))
        #expect(field.answer == .number(2.5))
        field.setAnswer(.number(3))
        #expect(field.field.editor.text == "3")
    }
}
