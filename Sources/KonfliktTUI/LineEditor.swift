import Foundation

/// A single line of text being edited: the characters, the cursor between them, and the usual
/// editing operations working on whole characters (grapheme clusters). Input is normalised to NFC,
/// and a combining mark typed after a letter (a + ring) joins that letter (å).
public struct LineEditor: Sendable, Equatable {
    /// The characters of the line.
    public private(set) var characters: [Character]
    /// The cursor position: the number of characters before it.
    public private(set) var cursor: Int
    /// The most characters the line accepts, or nil for no limit.
    public var maxLength: Int?

    /// Creates an editor holding `text` with the cursor at its end.
    public init(text: String = "", maxLength: Int? = nil) {
        characters = Array(text.precomposedStringWithCanonicalMapping)
        cursor = characters.count
        self.maxLength = maxLength
    }

    /// The line's text (NFC).
    public var text: String { String(characters) }

    /// Replaces the text and puts the cursor at its end.
    public mutating func setText(_ text: String) {
        characters = Array(text.precomposedStringWithCanonicalMapping)
        cursor = characters.count
    }

    /// Inserts `character` at the cursor, joining a combining mark with the character before it.
    public mutating func insert(_ character: Character) {
        let normalized = String(character).precomposedStringWithCanonicalMapping
        if cursor > 0, let first = normalized.unicodeScalars.first, Self.isCombining(first) {
            let joined = (String(characters[cursor - 1]) + normalized).precomposedStringWithCanonicalMapping
            if joined.count == 1, let combined = joined.first {
                characters[cursor - 1] = combined
                return
            }
        }
        for piece in normalized {
            if let maxLength, characters.count >= maxLength { return }
            characters.insert(piece, at: cursor)
            cursor += 1
        }
    }

    /// Inserts every character of `text`.
    public mutating func insert(_ text: String) {
        for character in text { insert(character) }
    }

    /// Deletes the character before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        cursor -= 1
        characters.remove(at: cursor)
    }

    /// Deletes the character under the cursor.
    public mutating func delete() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Moves the cursor one character left.
    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    /// Moves the cursor one character right.
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    /// Moves the cursor to the start.
    public mutating func moveHome() { cursor = 0 }
    /// Moves the cursor to the end.
    public mutating func moveEnd() { cursor = characters.count }
    /// Moves the cursor to `position`, clamped to the line.
    public mutating func moveCursor(to position: Int) { cursor = max(0, min(characters.count, position)) }

    /// Cuts the line at the cursor, keeping the head and returning the tail (for a new line).
    public mutating func splitAtCursor() -> LineEditor {
        var tail = LineEditor(maxLength: maxLength)
        tail.characters = Array(characters[cursor...])
        tail.cursor = 0
        characters.removeSubrange(cursor...)
        return tail
    }

    /// Appends `other`'s characters, leaving the cursor where the two lines meet.
    public mutating func join(_ other: LineEditor) {
        cursor = characters.count
        characters.append(contentsOf: other.characters)
    }

    /// Applies an editing key: arrows, Home/End (also Ctrl-A/Ctrl-E), Backspace, Delete, Ctrl-K
    /// (delete to end), Ctrl-U (delete to start) and printable characters.
    public mutating func handle(_ key: Key) -> KeyResult {
        switch key {
        case .left: moveLeft()
        case .right: moveRight()
        case .home, .ctrl("a"): moveHome()
        case .end, .ctrl("e"): moveEnd()
        case .backspace: backspace()
        case .delete, .ctrl("d"): delete()
        case .ctrl("k"): characters.removeSubrange(cursor...)
        case .ctrl("u"):
            characters.removeSubrange(..<cursor)
            cursor = 0
        case .character(let character): insert(character)
        default: return .ignored
        }
        return .handled
    }

    /// The part of the line to show in `width` columns so the cursor stays visible, and the
    /// cursor's column within it. Long lines scroll horizontally.
    public func visible(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 0 else { return ("", 0) }
        var start = 0
        var before = DisplayWidth.of(String(characters[..<cursor]))
        while start < cursor, before > width - 1 {
            before -= DisplayWidth.of(characters[start])
            start += 1
        }
        let shown = DisplayWidth.prefix(String(characters[start...]), fitting: width)
        return (shown, before)
    }

    private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
