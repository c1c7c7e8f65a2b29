import Foundation

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

    /// Appends `text` as a JSON string literal, quotes included, to the UTF-8 bytes `out`: the same
    /// bytes as `append(_:to:)` on a string, without building one (the review list writes 100,000 lines).
    public static func append(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0x08: out += [0x5C, 0x62]
                case 0x0C: out += [0x5C, 0x66]
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        out.append(0x22)
    }
}

extension UUID {
    /// The id in lower case, as the log writes it (`uuidString.lowercased()` without its cost: the review
    /// list writes one per case).
    public var lowercaseText: String {
        String(unsafeUninitializedCapacity: 36) { bytes in
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            var end = 0
            withUnsafeBytes(of: uuid) { raw in
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        bytes[end] = 0x2D
                        end += 1
                    }
                    bytes[end] = hex(byte >> 4)
                    bytes[end + 1] = hex(byte & 0x0F)
                    end += 2
                }
            }
            return end
        }
    }

    /// The id as two numbers in the order of its text (for sorting without building the text).
    public var sortKey: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (raw.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }, raw.suffix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }
    }
}
