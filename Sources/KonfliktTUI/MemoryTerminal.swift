/// An in-memory `Terminal` for tests: a fixed grid of cells, a scripted queue of keys and a text
/// snapshot of the screen. Wide characters take two cells, like on a real terminal.
public final class MemoryTerminal: Terminal {
    /// One screen cell.
    public struct Cell: Sendable, Hashable {
        /// The character shown, or nil for the right half of a wide character.
        public var character: Character?
        /// The style it was drawn in.
        public var style: TextStyle
    }

    public private(set) var size: TerminalSize
    /// The keys still to be delivered by `readKey`, first one first.
    public var pendingKeys: [Key]
    /// The cells as of the last `refresh`.
    public private(set) var screen: [[Cell]]
    /// Where the cursor is, as of the last `refresh`.
    public private(set) var cursor: (row: Int, column: Int) = (0, 0)
    /// Whether the cursor is shown, as of the last `refresh`.
    public private(set) var cursorVisible = true
    /// How many times `refresh` was called.
    public private(set) var refreshCount = 0

    private var buffer: [[Cell]]
    private var pendingCursor: (row: Int, column: Int) = (0, 0)
    private var pendingCursorVisible = true

    /// Creates a blank terminal of `rows` × `columns` that will deliver `keys`.
    public init(rows: Int = 24, columns: Int = 80, keys: [Key] = []) {
        size = TerminalSize(rows: rows, columns: columns)
        pendingKeys = keys
        buffer = Self.blank(rows: rows, columns: columns)
        screen = buffer
    }

    /// Queues `keys` after the keys already pending.
    public func send(_ keys: [Key]) { pendingKeys.append(contentsOf: keys) }

    /// Queues every character of `text` as `.character` keys.
    public func type(_ text: String) { pendingKeys.append(contentsOf: text.map { Key.character($0) }) }

    /// Changes the size (contents are cleared) and queues `.resize`, like a real terminal.
    public func resize(rows: Int, columns: Int) {
        size = TerminalSize(rows: rows, columns: columns)
        buffer = Self.blank(rows: rows, columns: columns)
        screen = buffer
        pendingKeys.insert(.resize, at: 0)
    }

    /// The text of every row as of the last refresh, trailing spaces removed.
    public var rows: [String] {
        screen.map { row in
            var text = ""
            for cell in row { if let character = cell.character { text.append(character) } }
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// All rows joined with newlines (handy in failure messages).
    public var text: String { rows.joined(separator: "\n") }

    /// Whether any row contains `needle`.
    public func contains(_ needle: String) -> Bool { rows.contains { $0.contains(needle) } }

    /// The first row (index) containing `needle`.
    public func row(containing needle: String) -> Int? { rows.firstIndex { $0.contains(needle) } }

    /// The style of the cell at `row`, `column` as of the last refresh.
    public func style(row: Int, column: Int) -> TextStyle { screen[row][column].style }

    /// The style of the first character of the first occurrence of `needle` on screen.
    public func style(of needle: String) -> TextStyle? {
        guard let rowIndex = row(containing: needle) else { return nil }
        let row = screen[rowIndex]
        var text = ""
        var starts: [Int] = []
        for (index, cell) in row.enumerated() {
            if let character = cell.character { text.append(character); starts.append(index) }
        }
        guard let range = text.range(of: needle) else { return nil }
        let offset = text.distance(from: text.startIndex, to: range.lowerBound)
        return row[starts[offset]].style
    }

    public func clear() {
        buffer = Self.blank(rows: size.rows, columns: size.columns)
    }

    public func put(_ text: String, row: Int, column: Int, style: TextStyle) {
        guard row >= 0, row < size.rows else { return }
        var col = max(0, column)
        for character in text {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if col + width > size.columns { break }
            // Overwriting half of a wide character blanks its other half.
            if buffer[row][col].character == nil, col > 0 {
                buffer[row][col - 1] = Cell(character: " ", style: buffer[row][col - 1].style)
            }
            buffer[row][col] = Cell(character: character, style: style)
            if width == 2 { buffer[row][col + 1] = Cell(character: nil, style: style) }
            col += width
            if col < size.columns, buffer[row][col].character == nil {
                buffer[row][col] = Cell(character: " ", style: buffer[row][col].style)
            }
        }
    }

    public func moveCursor(row: Int, column: Int) { pendingCursor = (row, column) }

    public func setCursorVisible(_ visible: Bool) { pendingCursorVisible = visible }

    public func refresh() {
        screen = buffer
        cursor = pendingCursor
        cursorVisible = pendingCursorVisible
        refreshCount += 1
    }

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    private static func blank(rows: Int, columns: Int) -> [[Cell]] {
        Array(repeating: Array(repeating: Cell(character: " ", style: .normal), count: max(0, columns)),
              count: max(0, rows))
    }
}
