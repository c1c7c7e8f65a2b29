import Foundation
import KonfliktCore

/// A one-line text input with full line editing (see `LineEditor`); scrolls horizontally when
/// the text is longer than the field. Used directly for text questions and as the base of the
/// date, CPR and number fields.
public struct TextField: FieldWidget {
    /// The text being edited.
    public var editor: LineEditor
    /// Which characters may be typed; nil allows everything printable.
    public var allowed: (@Sendable (Character) -> Bool)?
    /// Checks the text when the user leaves the field; returns a Danish message or nil.
    public var validator: (@Sendable (String) -> String?)?

    /// Creates a field holding `text`.
    public init(text: String = "", maxLength: Int? = nil,
                allowed: (@Sendable (Character) -> Bool)? = nil,
                validator: (@Sendable (String) -> String?)? = nil) {
        editor = LineEditor(text: text, maxLength: maxLength)
        self.allowed = allowed
        self.validator = validator
    }

    /// The text with surrounding white space removed.
    public var trimmedText: String { editor.text.trimmingCharacters(in: .whitespacesAndNewlines) }

    public var answer: AnswerValue? { trimmedText.isEmpty ? nil : .string(trimmedText) }

    public var hasInput: Bool { !trimmedText.isEmpty }

    public func validationError() -> String? {
        guard hasInput else { return nil }
        return validator?(trimmedText)
    }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .string(let text)? = answer { editor.setText(text) } else { editor.setText("") }
    }

    public func height(width: Int) -> Int { 1 }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        let (shown, cursorColumn) = editor.visible(width: width)
        let style: TextStyle = focused ? .highlight : .bold
        terminal.put(DisplayWidth.padded(shown, to: width), row: row, column: column, style: style)
        if !focused, shown.isEmpty {
            terminal.put(String(repeating: "_", count: min(width, 20)), row: row, column: column, style: .dim)
        }
        return focused ? (row, column + cursorColumn) : nil
    }

    public mutating func handle(_ key: Key) -> KeyResult {
        if case .character(let character) = key, let allowed, !allowed(character) { return .handled }
        return editor.handle(key)
    }
}
