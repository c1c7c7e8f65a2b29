import Foundation

/// The result of `verify` for a whole data directory; its JSON form is the heads file that a later
/// `verify --against` compares with.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// One entry per log file (and per file that the heads file knew but that is now missing).
    public var files: [FileReport]
    /// True when no file has a problem.
    public var intact: Bool { files.allSatisfy { $0.problem == nil } }

    /// A report over `files`.
    public init(files: [FileReport]) {
        self.files = files
    }

    enum CodingKeys: String, CodingKey { case files, intact }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode([FileReport].self, forKey: .files)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(intact, forKey: .intact)
    }
}

/// The verification of one log file.
public struct FileReport: Sendable, Hashable, Codable {
    /// The file's name inside the data directory.
    public var file: String
    /// Intact events before the first problem (all events when the file is intact).
    public var events: Int
    /// Complete lines in the file.
    public var lines: Int
    /// The last intact event, nil for an empty file.
    public var head: Head?
    /// The first problem, nil when intact.
    public var problem: Problem?

    /// A file report.
    public init(file: String, events: Int, lines: Int, head: Head?, problem: Problem?) {
        self.file = file
        self.events = events
        self.lines = lines
        self.head = head
        self.problem = problem
    }
}

/// The sequence number and hash of an event (the head of a file is its last intact event).
public struct Head: Sendable, Hashable, Codable {
    /// The event's sequence number in its file (first is 1).
    public var seq: Int
    /// The event's hash (64 lowercase hex digits).
    public var hash: String

    /// A head.
    public init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// The first thing wrong with a file.
public struct Problem: Sendable, Hashable, Codable {
    /// What is wrong.
    public var kind: ProblemKind
    /// The 1-based line number, when the problem is at a line.
    public var line: Int?

    /// A problem.
    public init(kind: ProblemKind, line: Int?) {
        self.kind = kind
        self.line = line
    }

    /// One Danish sentence.
    public var danishDescription: String {
        let at = line.map { "linje \($0): " } ?? ""
        return at + kind.danishDescription
    }
}

/// The kinds of damage `verify` tells apart.
public enum ProblemKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The line's hash does not match its bytes (the line was changed).
    case badHash = "bad_hash"
    /// The line's `prev` is not the previous line's hash (a line was removed, added or moved).
    case brokenChain = "broken_chain"
    /// The sequence number does not follow the previous one.
    case sequenceGap = "sequence_gap"
    /// The line is not an event line (not JSON in the expected shape).
    case badJSON = "bad_json"
    /// The line is not valid UTF-8.
    case notUTF8 = "not_utf8"
    /// The file ends without a newline (an append that was never completed).
    case unterminatedTail = "unterminated_tail"
    /// The line was written by a newer format version.
    case futureVersion = "future_version"
    /// The file has fewer events than the earlier heads say (events cut off the end).
    case truncated
    /// The event at the earlier head has a different hash now (the file was replaced or rewritten).
    case rolledBack = "rolled_back"
    /// The file in the earlier heads no longer exists.
    case missing

    /// One Danish sentence.
    public var danishDescription: String {
        switch self {
        case .badHash: return "linjens hash passer ikke med indholdet (linjen er ændret)"
        case .brokenChain: return "kæden er brudt (en linje er fjernet, indsat eller flyttet)"
        case .sequenceGap: return "løbenummeret springer"
        case .badJSON: return "linjen er ikke en gyldig hændelse (ugyldig JSON)"
        case .notUTF8: return "linjen er ikke gyldig UTF-8"
        case .unterminatedTail: return "sidste linje er ufuldstændig (en afbrudt skrivning)"
        case .futureVersion: return "linjen er skrevet i et nyere format; opdatér konflikt"
        case .truncated: return "filen er afkortet: der mangler hændelser i forhold til de tidligere hoveder"
        case .rolledBack: return "filen er rullet tilbage eller udskiftet: hændelsen ved det tidligere hoved er en anden"
        case .missing: return "filen findes ikke længere"
        }
    }
}
