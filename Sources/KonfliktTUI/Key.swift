/// One key press (or terminal event) as the screens see it, independent of curses.
public enum Key: Sendable, Hashable {
    /// A printable character, already composed where the terminal sent a combining sequence.
    case character(Character)
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Home (start of line).
    case home
    /// End (end of line).
    case end
    /// Backspace: delete the character before the cursor.
    case backspace
    /// Delete: delete the character under the cursor.
    case delete
    /// Enter / Return.
    case enter
    /// Tab.
    case tab
    /// Shift-Tab.
    case backtab
    /// Escape.
    case escape
    /// Page up.
    case pageUp
    /// Page down.
    case pageDown
    /// Control plus a lower-case letter, e.g. `.ctrl("c")`.
    case ctrl(Character)
    /// The terminal changed size; redraw.
    case resize
    /// A function key, `.function(1)` is F1.
    case function(Int)
}
