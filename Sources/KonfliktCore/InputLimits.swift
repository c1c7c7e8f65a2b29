import Foundation

/// How much input the program accepts. Anything beyond a limit is bad input (exit 65), refused
/// before anything is stored, so that no input can fill the log, the memory or the review.
public enum InputLimits {
    /// The answers JSON (`decide`, `record`, `correct`), in bytes.
    public static let answersBytes = 1 << 20
    /// One text answer, in characters.
    public static let textAnswerCharacters = 10_000
    /// A note (follow-up) or a reason (correction, override), in characters.
    public static let noteCharacters = 10_000
    /// Nesting of arrays and objects in answers JSON.
    public static let jsonDepth = 16
}

/// A health visitor's or lead's initials: 2–4 capital letters, Æ, Ø and Å included (`AB`, `ØJ`,
/// `KÅRE`). Everything that names an author goes through here, so that nothing else (a CPR number,
/// a long text) can be stored or shown as one.
public enum Initials {
    private static let letters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ")

    /// Whether `text` is valid initials as it stands.
    public static func isValid(_ text: String) -> Bool {
        (2...4).contains(text.count) && text.allSatisfy { letters.contains($0) }
    }

    /// `text` trimmed, in NFC and upper case, when that is valid initials; else nil.
    public static func normalized(_ text: String) -> String? {
        let candidate = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping.uppercased()
        return isValid(candidate) ? candidate : nil
    }

    /// The message for invalid initials.
    public static let problem = "Initialer skal være 2–4 bogstaver (A–Å), fx AB."
}

/// Finds what `JSONDecoder` lets through silently in answers JSON: a key that occurs twice in the
/// same object (the decoder keeps the first, other tools the last), and nesting deeper than
/// `InputLimits.jsonDepth`. A single pass without recursion; it does not validate the rest of the
/// syntax (the decoder does).
enum JSONShape {
    enum Problem: Equatable {
        /// The key `key` occurs twice in one object.
        case duplicateKey(String)
        /// Arrays and objects nested deeper than the limit.
        case tooDeep
    }

    static func problem(in data: Data) -> Problem? {
        let bytes = [UInt8](data)
        // One set of keys per open object; nil for an open array.
        var stack: [Set<String>?] = []
        var index = 0
        // Whether the next string inside an object is a key.
        var expectKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                stack.append(byte == UInt8(ascii: "{") ? Set<String>() : nil)
                guard stack.count <= InputLimits.jsonDepth else { return .tooDeep }
                expectKey = byte == UInt8(ascii: "{")
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                expectKey = false
                index += 1
            case UInt8(ascii: ","):
                if let last = stack.last, last != nil { expectKey = true }
                index += 1
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard end < bytes.count else { return nil }
                if expectKey, let keys = stack.last, var set = keys {
                    // Compare keys as the decoder sees them (escapes resolved, NFC).
                    let inner = bytes[(index + 1)..<end]
                    let plain = !inner.contains(UInt8(ascii: "\\"))
                    let decoded = plain ? String(decoding: inner, as: UTF8.self)
                        : ((try? JSONDecoder().decode(String.self, from: Data(bytes[index...end]))) ?? String(decoding: inner, as: UTF8.self))
                    let key = decoded.precomposedStringWithCanonicalMapping
                    guard set.insert(key).inserted else { return .duplicateKey(key) }
                    stack[stack.count - 1] = set
                    expectKey = false
                }
                index = end + 1
            default:
                index += 1
            }
        }
        return nil
    }
}
