import Foundation
import KonfliktCore

/// A number input (digits, one decimal comma or point, a leading minus).
public struct NumberField: FieldWidget {
    /// The text being edited.
    public var field: TextField

    /// Creates a field holding `value`.
    public init(value: Double? = nil) {
        field = TextField(text: value.map(Self.format) ?? "", maxLength: 15,
                          allowed: { $0.isASCII && ($0.isNumber || $0 == "," || $0 == "." || $0 == "-") })
    }

    private var parsed: Double? { Double(field.trimmedText.replacingOccurrences(of: ",", with: ".")) }

    public var answer: AnswerValue? { parsed.map { .number($0) } }

    public var hasInput: Bool { field.hasInput }

    public func validationError() -> String? {
        guard field.hasInput, parsed == nil else { return nil }
        return "Skriv et tal, fx 3 eller 2,5."
    }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .number(let value)? = answer { field.editor.setText(Self.format(value)) } else { field.editor.setText("") }
    }

    public func height(width: Int) -> Int { 1 }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        field.draw(on: terminal, row: row, column: column, width: min(width, 16), focused: focused)
    }

    public mutating func handle(_ key: Key) -> KeyResult { field.handle(key) }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value).replacingOccurrences(of: ".", with: ",")
    }
}
