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
        terminal.put("DDMMÅÅ-LLLL", row: row, column: column + 14, style: .dim)
        return cursor
    }

    public mutating func handle(_ key: Key) -> KeyResult { field.handle(key) }
}

/// The format rules of a CPR number (DOMAIN.md): `DDMMYY-SSSS`, a real birth date with the century
/// from the 7th digit; modulus 11 is never checked.
public enum CPRFormat {
    /// `DDMMYYSSSS` or `DDMMYY-SSSS` written with the hyphen.
    public static func normalized(_ text: String) -> String {
        let digits = text.filter(\.isNumber)
        guard digits.count == 10 else { return text }
        return String(digits.prefix(6)) + "-" + String(digits.suffix(4))
    }

    /// The birth date a CPR number encodes, or nil when it has the wrong form or no such date.
    public static func birthDate(_ text: String) -> LocalDate? {
        let digits = Array(text)
        let shapeOK = (digits.count == 10 && digits.allSatisfy { $0.isASCII && $0.isNumber })
            || (digits.count == 11 && digits[6] == "-"
                && digits.enumerated().allSatisfy { $0.offset == 6 || ($0.element.isASCII && $0.element.isNumber) })
        guard shapeOK else { return nil }
        let plain = digits.filter(\.isNumber).compactMap(\.wholeNumberValue)
        let day = plain[0] * 10 + plain[1], month = plain[2] * 10 + plain[3], yy = plain[4] * 10 + plain[5]
        let seventh = plain[6]
        let year: Int
        switch seventh {
        case 0...3: year = 1900 + yy
        case 4, 9: year = yy <= 36 ? 2000 + yy : 1900 + yy
        default: year = yy <= 57 ? 2000 + yy : 1800 + yy
        }
        return LocalDate(year: year, month: month, day: day)
    }

    /// A Danish message when `text` is not a well-formed CPR number; nil when it is.
    public static func problem(in text: String) -> String? {
        let digits = text.filter(\.isNumber)
        if digits.count != 10 || text.count > 11 || (text.count == 11 && Array(text)[6] != "-") {
            return "CPR-nummeret skal have formen DDMMÅÅ-LLLL (10 cifre)."
        }
        if birthDate(text) == nil { return "CPR-nummeret indeholder ikke en gyldig fødselsdato." }
        return nil
    }
}
