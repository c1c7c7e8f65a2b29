import Foundation
import KonfliktCore

/// A multi-line note: Enter starts a new line, ↑/↓ move between lines, Backspace at the start of a
/// line joins it to the one above; Tab leaves the field. Lines longer than the field scroll
/// horizontally; the field shows `visibleLines` lines around the cursor.
public struct NoteField: FieldWidget {
    /// The lines being edited.
    public private(set) var lines: [LineEditor]
    /// The line holding the cursor.
    public private(set) var currentLine: Int
    /// How many lines the field shows.
    public let visibleLines: Int

    /// Creates a note holding `text`.
    public init(text: String = "", visibleLines: Int = 4) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { LineEditor(text: String($0)) }
        currentLine = lines.count - 1
        self.visibleLines = max(1, visibleLines)
    }

    /// The note's text, lines joined with newlines, surrounding white space removed.
    public var text: String {
        lines.map(\.text).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var answer: AnswerValue? { text.isEmpty ? nil : .string(text) }

    public func validationError() -> String? { nil }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .string(let text)? = answer { self = NoteField(text: text, visibleLines: visibleLines) } else {
            self = NoteField(visibleLines: visibleLines)
        }
    }

    public func height(width: Int) -> Int { visibleLines }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        let first = max(0, min(currentLine - visibleLines + 1, lines.count - visibleLines))
        var cursor: (row: Int, column: Int)?
        for offset in 0..<visibleLines {
            let index = first + offset
            var shown = ""
            if index < lines.count {
                if index == currentLine {
                    let visible = lines[index].visible(width: width)
                    shown = visible.text
                    cursor = (row + offset, column + visible.cursorColumn)
                } else {
                    shown = DisplayWidth.prefix(lines[index].text, fitting: width)
                }
            }
            terminal.put(DisplayWidth.padded(shown, to: width), row: row + offset, column: column,
                         style: focused ? .highlight : .bold)
        }
        return focused ? cursor : nil
    }

    public mutating func handle(_ key: Key) -> KeyResult {
        switch key {
        case .enter:
            let tail = lines[currentLine].splitAtCursor()
            lines.insert(tail, at: currentLine + 1)
            currentLine += 1
        case .up:
            guard currentLine > 0 else { return .ignored }
            let column = lines[currentLine].cursor
            currentLine -= 1
            lines[currentLine].moveCursor(to: column)
        case .down:
            guard currentLine < lines.count - 1 else { return .ignored }
            let column = lines[currentLine].cursor
            currentLine += 1
            lines[currentLine].moveCursor(to: column)
        case .backspace where lines[currentLine].cursor == 0 && currentLine > 0:
            let removed = lines.remove(at: currentLine)
            currentLine -= 1
            lines[currentLine].join(removed)
        case .delete where lines[currentLine].cursor == lines[currentLine].characters.count && currentLine < lines.count - 1:
            let next = lines.remove(at: currentLine + 1)
            let position = lines[currentLine].cursor
            lines[currentLine].join(next)
            lines[currentLine].moveCursor(to: position)
        default:
            return lines[currentLine].handle(key)
        }
        return .handled
    }
}
