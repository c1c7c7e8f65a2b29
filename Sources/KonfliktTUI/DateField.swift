import KonfliktCore

/// A date input shown as `dd-mm-åååå` (today by default), typed also as `åååå-mm-dd` or `ddmmåååå`; the
/// answer is `YYYY-MM-DD`.
/// A date that does not exist is refused as the user leaves the field.
public struct DateField: FieldWidget {
    /// The text being edited.
    public var field: TextField

    /// Creates a field showing `date` (typically today).
    public init(date: LocalDate?) {
        field = TextField(text: date?.danish ?? "", maxLength: 10,
                          allowed: { $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "." || $0 == "/") })
    }

    public var answer: AnswerValue? {
        LocalDate(typed: field.trimmedText).map { .string($0.iso) }
    }

    public var hasInput: Bool { field.hasInput }

    public func validationError() -> String? {
        guard field.hasInput, LocalDate(typed: field.trimmedText) == nil else { return nil }
        return "Skriv en gyldig dato som dd-mm-åååå, fx 20-11-2026."
    }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .string(let iso)? = answer, let date = LocalDate(iso: iso) {
            field.editor.setText(date.danish)
        } else {
            field.editor.setText("")
        }
    }

    public func height(width: Int) -> Int { 1 }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        let cursor = field.draw(on: terminal, row: row, column: column, width: min(width, 11), focused: focused)
        terminal.put("dd-mm-åååå", row: row, column: column + 13, style: .dim)
        return cursor
    }

    public mutating func handle(_ key: Key) -> KeyResult { field.handle(key) }
}
