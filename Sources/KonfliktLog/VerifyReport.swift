import Foundation

/// The result of `verify` for a whole data directory; its JSON form is the heads file that a later
/// `verify --against` compares with.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// One entry per log file (and per file that the heads file knew but that is now missing).
    public var files: [FileReport]
    /// Loose permissions or foreign owners of the folder and its log files.
    public var access: [AccessProblem]
    /// Quarantine files in the folder (torn last lines that were cut off), by name. Not a problem in
    /// themselves, but worth a look.
    public var quarantineFiles: [String]
    /// True when no file has a problem and the folder's and files' permissions and owners are right.
    public var intact: Bool { files.allSatisfy { $0.problem == nil } && access.isEmpty }

    /// A report over `files`.
    public init(files: [FileReport], access: [AccessProblem] = [], quarantineFiles: [String] = []) {
        self.files = files
        self.access = access
        self.quarantineFiles = quarantineFiles
    }

    enum CodingKeys: String, CodingKey { case files, intact, access, quarantineFiles = "quarantine_files" }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode([FileReport].self, forKey: .files)
        access = try container.decodeIfPresent([AccessProblem].self, forKey: .access) ?? []
        quarantineFiles = try container.decodeIfPresent([String].self, forKey: .quarantineFiles) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(intact, forKey: .intact)
        try container.encode(access, forKey: .access)
        try container.encode(quarantineFiles, forKey: .quarantineFiles)
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
    /// True when the last line is a complete event without its newline (kept as an event; the next
    /// append writes the newline first). nil otherwise.
    public var missingFinalNewline: Bool?

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
    /// The line's type is not one this version knows.
    case unknownType = "unknown_type"
    /// The line's hash is right but its body cannot be read (not JSON, wrong fields, a malformed `enc`).
    case badBody = "bad_body"
    /// The name is a symbolic link; it is never followed.
    case symbolicLink = "symlink"
    /// The name is a folder, a FIFO, a device or a socket, not a regular file.
    case notRegularFile = "not_regular_file"
    /// The file could not be opened.
    case unreadable

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
        case .unknownType: return "hændelsestypen er ukendt (skrevet af en nyere konflikt, eller ændret)"
        case .badBody: return "hændelsens indhold kan ikke læses, selv om hashen passer (ugyldig JSON, forkerte felter eller ugyldig \"enc\")"
        case .symbolicLink: return "navnet er et symbolsk link; logfiler læses og skrives aldrig gennem et link"
        case .notRegularFile: return "navnet er ikke en almindelig fil (en mappe, en FIFO eller en enhed) og springes over"
        case .unreadable: return "filen kan ikke åbnes"
        }
    }
}
