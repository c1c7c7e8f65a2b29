import Foundation

/// One answer to one question, as it appears in answers JSON and in the log.
///
/// choice, text, cpr and date answers are strings (a date is `YYYY-MM-DD`), multichoice answers are
/// arrays of strings, yes/no answers are booleans and number answers are numbers.
public enum AnswerValue: Sendable, Hashable, Codable {
    /// A choice id, free text, a CPR number or a date `YYYY-MM-DD`.
    case string(String)
    /// The chosen ids of a multichoice question.
    case strings([String])
    /// A yes/no answer.
    case bool(Bool)
    /// A number answer.
    case number(Double)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Strings first: nearly every answer is one, and each failed attempt costs an error.
        if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String].self) {
            self = .strings(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Et svar skal være en tekst, en liste af tekster, true/false eller et tal."
            )
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        }
    }
}

/// The answers of one screening, keyed by question id. A question that was not shown or not
/// answered has no entry.
public typealias Answers = [String: AnswerValue]
