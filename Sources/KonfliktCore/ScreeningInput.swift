import Foundation

/// The answers JSON given to `decide`, `record` and `correct`:
/// `{"form": "konfliktscreening", "answers": {...}}`. Text is normalised to NFC.
public struct ScreeningInput: Sendable, Decodable {
    /// The form's id; nil means the default form.
    public let form: String?
    /// The answers by question id.
    public let answers: Answers
    /// The health visitor's override of the recommendation (`record` only), if any.
    public let override: OverrideInput?

    enum CodingKeys: String, CodingKey { case form, answers, override }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        form = try c.decodeIfPresent(String.self, forKey: .form)
        let raw = try c.decode(Answers.self, forKey: .answers)
        answers = raw.mapValues(Self.normalize)
        override = try c.decodeIfPresent(OverrideInput.self, forKey: .override)
    }

    /// Parses answers JSON; the error is one Danish sentence without any answer in it. Input
    /// longer than `InputLimits.answersBytes`, a key given twice in one object and nesting deeper
    /// than `InputLimits.jsonDepth` are refused.
    public static func parse(_ data: Data) throws(InputError) -> ScreeningInput {
        guard data.count <= InputLimits.answersBytes else { throw .tooLarge(limit: InputLimits.answersBytes) }
        switch JSONShape.problem(in: data) {
        case .duplicateKey(let key)?: throw .invalidJSON("nøglen '\(key)' står to gange")
        case .tooDeep?: throw .invalidJSON("for dybt indlejret")
        case nil: break
        }
        do {
            return try JSONDecoder().decode(ScreeningInput.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidJSON("nøglen '\(key.stringValue)' mangler")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }.joined(separator: ".")
            throw .invalidJSON(path.isEmpty ? "ikke gyldig JSON" : "forkert type ved '\(path)'")
        } catch {
            throw .invalidJSON("ikke gyldig JSON")
        }
    }

    static func normalize(_ value: AnswerValue) -> AnswerValue {
        switch value {
        case .string(let s): return .string(s.precomposedStringWithCanonicalMapping)
        case .strings(let list): return .strings(list.map(\.precomposedStringWithCanonicalMapping))
        default: return value
        }
    }
}

/// `"override": {"actions": [...], "reason": "..."}` in answers JSON: the actions chosen instead of
/// the recommendation and the written reason; checked like the screen's override.
public struct OverrideInput: Sendable, Decodable, Hashable {
    /// The chosen action ids.
    public let actions: [String]
    /// Why (required).
    public let reason: String

    enum CodingKeys: String, CodingKey { case actions, reason }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        actions = try c.decode([String].self, forKey: .actions)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)?.precomposedStringWithCanonicalMapping ?? ""
    }
}

/// Bad input given to a command (answers JSON, a date option).
public enum InputError: UserFacingError, Sendable {
    /// The answers JSON could not be read.
    case invalidJSON(String)
    /// The answers do not fit the form; one line per problem.
    case invalidAnswers([AnswerProblem])
    /// The input names another form than the one loaded.
    case wrongForm(expected: String, got: String)
    /// The input is longer than `limit` bytes; nothing was read further and nothing stored.
    case tooLarge(limit: Int)
    /// A note or reason is longer than `limit` characters.
    case textTooLong(what: String, limit: Int)
    /// Initials (`--author`, saved settings) are not 2–4 letters.
    case invalidInitials

    public var danishDescription: String {
        switch self {
        case .invalidJSON(let why): return "Svarene kunne ikke læses: \(why)."
        case .invalidAnswers(let problems): return problems.map(\.description).joined(separator: "\n")
        case .wrongForm(let expected, let got): return "Svarene er til formularen '\(got)', men formularen er '\(expected)'."
        case .tooLarge(let limit): return "Inddata er for store (højst \(limit) byte). Intet er gemt."
        case .textTooLong(let what, let limit): return "\(what) er for lang (højst \(limit) tegn). Intet er gemt."
        case .invalidInitials: return Initials.problem + " Intet er gemt."
        }
    }

    public var exitCode: Int32 { ExitStatus.dataError }
}

/// The date the program takes as today: `KONFLIKT_TODAY` (`YYYY-MM-DD`, for tests and for
/// entering a visit after the fact), else today's date in Danish time.
public enum Today {
    /// Today, or the date in `KONFLIKT_TODAY`; a `KONFLIKT_TODAY` that is not a date is an error, never
    /// silently ignored (a visit recorded on the wrong day is worse than no visit recorded).
    public static func resolve(environment: [String: String]) throws(TodayError) -> LocalDate {
        guard let text = environment["KONFLIKT_TODAY"], !text.isEmpty else { return LocalDate.today() }
        guard let date = LocalDate(iso: text) else { throw TodayError() }
        return date
    }
}

/// `KONFLIKT_TODAY` is set but is not a date. Its value is not repeated (it could be anything typed).
public struct TodayError: UserFacingError, Sendable, Hashable {
    /// An error.
    public init() {}

    public var danishDescription: String {
        "KONFLIKT_TODAY er sat, men er ikke en dato på formen ÅÅÅÅ-MM-DD. Ret den, eller fjern den for at bruge dagens dato."
    }

    public var exitCode: Int32 { ExitStatus.usage }
}
