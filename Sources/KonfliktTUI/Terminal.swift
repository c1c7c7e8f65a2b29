/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Hashable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int

    /// Creates a size of `rows` × `columns`.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// The smallest size the screens are laid out for.
    public static let minimum = TerminalSize(rows: 24, columns: 80)

    /// Whether this size is at least `minimum` in both directions.
    public var isLargeEnough: Bool { rows >= Self.minimum.rows && columns >= Self.minimum.columns }
}

/// Everything the screens need from a terminal. `NCursesTerminal` is the live implementation
/// (the only code that calls curses); `MemoryTerminal` records the screen for tests.
///
/// Implementations are not thread-safe: use one terminal from one thread (the process's main
/// thread for curses). Coordinates are zero-based; text is clipped at the right edge, and a
/// character's width follows `DisplayWidth` (æøå one column, CJK and emoji two).
public protocol Terminal: AnyObject {
    /// The current size.
    var size: TerminalSize { get }
    /// Blanks the whole screen (takes effect at the next `refresh`).
    func clear()
    /// Writes `text` starting at `row`, `column` in `style`; text past the right edge is dropped.
    func put(_ text: String, row: Int, column: Int, style: TextStyle)
    /// Moves the visible cursor to `row`, `column`.
    func moveCursor(row: Int, column: Int)
    /// Shows or hides the cursor.
    func setCursorVisible(_ visible: Bool)
    /// Makes everything drawn since the last refresh visible.
    func refresh()
    /// The next key, waiting at most `timeoutMilliseconds` (nil: wait for ever). Returns nil on a
    /// timeout or when no more input can come (end of a test script, terminal gone).
    func readKey(timeoutMilliseconds: Int?) -> Key?
}

extension Terminal {
    /// Writes `text` in the normal style.
    public func put(_ text: String, row: Int, column: Int) {
        put(text, row: row, column: column, style: .normal)
    }

    /// The next key, waiting for ever; nil when input has ended.
    public func readKey() -> Key? { readKey(timeoutMilliseconds: nil) }
}
