@testable import KonfliktTUI

/// Feeds `keys` to `widget` and draws it focused on a fresh 80×24 memory terminal at row 0.
func render<W: Widget>(_ widget: inout W, keys: [Key] = [], focused: Bool = true, width: Int = 40) -> MemoryTerminal {
    for key in keys { _ = widget.handle(key) }
    let terminal = MemoryTerminal()
    let cursor = widget.draw(on: terminal, row: 0, column: 0, width: width, focused: focused)
    if let cursor { terminal.moveCursor(row: cursor.row, column: cursor.column) }
    terminal.refresh()
    return terminal
}

/// `.character` keys for every character of `text`.
func keys(_ text: String) -> [Key] { text.map { .character($0) } }
