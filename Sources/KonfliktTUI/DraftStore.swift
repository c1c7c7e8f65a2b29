import Foundation
import KonfliktCore

/// An unfinished screening: the form, the step reached and every answer so far.
public struct Draft: Sendable, Codable, Equatable {
    /// The draft's id (also its file name; never derived from answers).
    public var id: UUID
    /// The form's id.
    public var form: String
    /// The step the user was on (0-based).
    public var step: Int
    /// Every answer given so far.
    public var answers: Answers
    /// When the draft was last written.
    public var savedAt: Date

    /// Creates a draft.
    public init(id: UUID = UUID(), form: String, step: Int, answers: Answers, savedAt: Date = Date()) {
        self.id = id
        self.form = form
        self.step = step
        self.answers = answers
        self.savedAt = savedAt
    }
}

/// Errors of the draft store.
public enum DraftError: UserFacingError, Equatable {
    /// The drafts folder or a draft file could not be written.
    case cannotWrite(String)

    public var danishDescription: String {
        switch self {
        case .cannotWrite(let path): return "Kladden kunne ikke gemmes i \(path)."
        }
    }

    public var exitCode: Int32 { ExitStatus.ioError }
}

/// Keeps drafts as JSON files (`0600`) in `<data dir>/drafts/` (`0700`). A draft is replaced
/// atomically (write to a temporary file, fsync, rename), so a crash leaves the old or the new one.
public struct DraftStore: Sendable {
    /// The drafts folder.
    public let directory: URL

    /// A store in `dataDirectory`/drafts.
    public init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent("drafts", isDirectory: true)
    }

    private func url(for id: UUID) -> URL { directory.appendingPathComponent("\(id.uuidString).json") }

    /// Writes `draft`, replacing an older version of it.
    public func save(_ draft: Draft) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let data = try encoder.encode(draft)
            let temporary = directory.appendingPathComponent(".\(draft.id.uuidString).tmp")
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw DraftError.cannotWrite(directory.path) }
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == data.count, synced == 0,
                  rename(temporary.path, url(for: draft.id).path) == 0 else {
                throw DraftError.cannotWrite(directory.path)
            }
        } catch let error as DraftError {
            throw error
        } catch {
            throw DraftError.cannotWrite(directory.path)
        }
    }

    /// Every readable draft, newest first (unreadable files are skipped, never deleted).
    public func list() -> [Draft] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return files.filter { $0.pathExtension == "json" }
            .compactMap { try? decoder.decode(Draft.self, from: Data(contentsOf: $0)) }
            .sorted { $0.savedAt > $1.savedAt }
    }

    /// Deletes the draft with `id` (after its screening was saved).
    public func delete(_ id: UUID) {
        try? FileManager.default.removeItem(at: url(for: id))
    }
}
