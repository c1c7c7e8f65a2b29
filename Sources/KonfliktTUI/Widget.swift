import KonfliktCore

/// Whether a widget used a key or leaves it to the screen around it (e.g. Enter to move on).
public enum KeyResult: Sendable, Equatable {
    /// The widget used the key.
    case handled
    /// The widget did not use the key.
    case ignored
}

/// A piece of a screen that draws itself in a rectangle and reacts to keys. Widgets are values:
/// the screen owns them and redraws them after every key.
public protocol Widget {
    /// The rows the widget needs at `width` columns.
    func height(width: Int) -> Int
    /// Draws the widget with its top-left corner at `row`, `column`, at most `width` columns wide.
    /// Returns where the cursor should be when `focused` and the widget wants a visible cursor.
    @discardableResult
    func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)?
    /// Reacts to `key` while focused.
    mutating func handle(_ key: Key) -> KeyResult
}

/// A widget that produces an answer to one question.
public protocol FieldWidget: Widget {
    /// The current answer, or nil when nothing (valid) has been entered.
    var answer: AnswerValue? { get }
    /// Whether the user has entered anything at all (also text that does not yet validate).
    var hasInput: Bool { get }
    /// A Danish message when the current input is not acceptable, checked as the user leaves the
    /// field; nil when it is fine. An empty field is not an error here: whether an answer is
    /// required is the form's business.
    func validationError() -> String?
    /// Replaces the contents with `answer` (used when going back and when resuming a draft).
    mutating func setAnswer(_ answer: AnswerValue?)
}

extension FieldWidget {
    public var hasInput: Bool { answer != nil }
}
