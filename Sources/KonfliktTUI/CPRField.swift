import KonfliktCore

/// A CPR-number input `DDMMYY-SSSS` (the hyphen may be left out). It is checked as the user leaves
/// it; the message never repeats the number. The answer is always written with the hyphen.
public struct CPRField: FieldWidget {
    /// The text being edited.
    public var field: TextField
    /// Checks a CPR number; returns a Danish message (without the number) or nil when valid.
    public let check: @Sendable (String) -> String?

    /// Creates a field holding `text`; `check` defaults to `CPRFormat.problem(in:)`.
    public init(text: String = "", check: @escaping @Sendable (String) -> String? = CPRFormat.problem(in:)) {
        field = TextField(text: text, maxLength: 11, allowed: { $0.isASCII && ($0.isNumber || $0 == "-") })
        self.check = check
    }

    public var answer: AnswerValue? {
        guard field.hasInput, check(field.trimmedText) == nil else { return nil }
        return .string(CPRFormat.normalized(field.trimmedText))
    }

    public var hasInput: Bool { field.hasInput }

    public func validationError() -> String? {
        field.hasInput ? check(field.trimmedText) : nil
    }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .string(let text)? = answer { field.editor.setText(text) } else { field.editor.setText("") }
    }

    public func height(width: Int) -> Int { 1 }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        let cursor = field.draw(on: terminal, row: row, column: column, width: min(width, 12), focused: focused)
        terminal.put("DDMMÅÅ-SSSS", row: row, column: column + 14, style: .dim)
        return cursor
    }

    public mutating func handle(_ key: Key) -> KeyResult { field.handle(key) }
}

/// The CPR rules as the CPR field needs them; the rules themselves live in Core's `CPRNumber`
/// (`DDMMYY-SSSS`, the century from the 7th digit, never a modulus-11 check).
public enum CPRFormat {
    /// `DDMMYY-SSSS` for a valid number; otherwise the text unchanged.
    public static func normalized(_ text: String) -> String {
        CPRNumber(text)?.normalized ?? text
    }

    /// The birth date a CPR number encodes, or nil when it has the wrong form or no such date.
    public static func birthDate(_ text: String) -> LocalDate? {
        CPRNumber(text)?.birthDate
    }

    /// A Danish message when `text` is not a valid CPR number; nil when it is. Never repeats the number.
    public static func problem(in text: String) -> String? {
        if case .failure(let error) = CPRNumber.parse(text) { return error.problem.danish }
        return nil
    }
}
