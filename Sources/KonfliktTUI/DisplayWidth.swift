/// Column widths of characters on a terminal, computed the same way for every `Terminal` so the
/// in-memory terminal lays text out like the real one: East Asian wide and full-width characters
/// and emoji take two columns, combining marks none, everything else (including æøå) one.
public enum DisplayWidth {
    /// The number of columns `character` occupies (0, 1 or 2).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if first.properties.isEmojiPresentation || isWide(first.value) { return 2 }
        return 1
    }

    /// The number of columns `text` occupies.
    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `columns` columns.
    public static func prefix(_ text: some StringProtocol, fitting columns: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }

    /// `text` cut to `columns` columns and padded with spaces to exactly that width.
    public static func padded(_ text: some StringProtocol, to columns: Int) -> String {
        let cut = prefix(text, fitting: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }

    /// Splits `text` into lines of at most `columns` columns, breaking at spaces where possible.
    public static func wrap(_ text: String, columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if of(candidate) <= columns {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                var rest = String(word)
                while of(rest) > columns {
                    let head = prefix(rest, fitting: columns)
                    lines.append(head)
                    rest = String(rest.dropFirst(head.count))
                }
                line = rest
            }
            lines.append(line)
        }
        return lines
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
