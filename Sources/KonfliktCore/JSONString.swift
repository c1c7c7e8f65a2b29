/// JSON string literals written by hand, byte for byte as Foundation's `JSONEncoder` writes them: `"`
/// and `\` escaped with a backslash, `\n`, `\r`, `\t`, `\b` and `\f` by name, other control characters
/// below U+0020 as `\u00xx` (lower-case hex), everything else as it is (UTF-8, `/` unescaped). The one
/// escaper for the export's JSON and the review list's JSON lines, which are written without an encoder
/// for speed; tests compare both with `JSONEncoder`.
public enum JSONString {
    /// `text` as a JSON string literal, quotes included.
    public static func literal(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    /// Appends `text` as a JSON string literal, quotes included, to `out`.
    public static func append(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
