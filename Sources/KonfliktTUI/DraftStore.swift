import Foundation
import KonfliktCore
import KonfliktLog

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

/// Keeps this device's drafts in its own state folder (`$XDG_STATE_HOME/konflikt/drafts`, 0700), never in
/// the synced data folder: one file per draft (`<id>.draft`, 0600), sealed with the device key
/// (`DraftCipher`), so a copied file shows nothing and another device cannot open it. A draft is replaced
/// atomically (temporary file, fsync, rename), so a crash leaves the old or the new one. Drafts older
/// than 14 days are discarded (`discardExpired`).
public struct DraftStore: Sendable {
    /// How long a draft is kept.
    public static let maximumAge: TimeInterval = 14 * 24 * 60 * 60

    /// The drafts folder.
    public let directory: URL
    private let cipher: DraftCipher
    private let now: @Sendable () -> Date

    /// A store in `stateDirectory`/drafts, sealing with `cipher` (the device key's).
    public init(stateDirectory: URL, cipher: DraftCipher, now: @escaping @Sendable () -> Date = { Date() }) {
        directory = stateDirectory.appendingPathComponent("drafts", isDirectory: true)
        self.cipher = cipher
        self.now = now
    }

    private func url(for id: UUID) -> URL { directory.appendingPathComponent("\(id.uuidString.lowercased()).draft") }

    /// Writes `draft`, replacing an older version of it.
    public func save(_ draft: Draft) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            _ = chmod(directory.path, 0o700)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let data = try cipher.seal(try encoder.encode(draft), id: draft.id)
            let temporary = directory.appendingPathComponent(".\(draft.id.uuidString.lowercased()).tmp")
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw DraftError.cannotWrite(directory.path) }
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == data.count, synced == 0,
                  rename(temporary.path, url(for: draft.id).path) == 0 else {
                unlink(temporary.path)
                throw DraftError.cannotWrite(directory.path)
            }
        } catch let error as DraftError {
            throw error
        } catch {
            throw DraftError.cannotWrite(directory.path)
        }
    }

    /// Every draft this device can open, newest first (files it cannot open are skipped, never deleted).
    public func list() -> [Draft] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return files.filter { $0.pathExtension == "draft" }
            .compactMap { file -> Draft? in
                guard let id = UUID(uuidString: file.deletingPathExtension().lastPathComponent),
                      let sealed = try? Data(contentsOf: file),
                      let plain = cipher.open(sealed, id: id),
                      let draft = try? decoder.decode(Draft.self, from: plain), draft.id == id else { return nil }
                return draft
            }
            .sorted { $0.savedAt > $1.savedAt }
    }

    /// Deletes the drafts last saved more than 14 days ago and returns how many.
    @discardableResult
    public func discardExpired() -> Int {
        let limit = now().addingTimeInterval(-Self.maximumAge)
        var count = 0
        for draft in list() where draft.savedAt < limit {
            delete(draft.id)
            count += 1
        }
        return count
    }

    /// Takes over the clear-text drafts that older versions kept in the synced `<data>/drafts` folder:
    /// those whose health visitor (the answer to `authorQuestion`, the form's question with the author
    /// role) is `initials` are sealed into this store and their clear file is deleted; others are left
    /// for their own device. Returns how many.
    @discardableResult
    public func adoptLegacyDrafts(dataDirectory: URL, initials: String?, authorQuestion: String?) -> Int {
        guard let initials, !initials.isEmpty, let authorQuestion else { return 0 }
        let legacy = dataDirectory.appendingPathComponent("drafts", isDirectory: true)
        let files = (try? FileManager.default.contentsOfDirectory(at: legacy, includingPropertiesForKeys: nil)) ?? []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var count = 0
        for file in files where file.pathExtension == "json" {
            guard let data = try? Data(contentsOf: file), let draft = try? decoder.decode(Draft.self, from: data),
                  case .string(let owner)? = draft.answers[authorQuestion],
                  owner.uppercased() == initials.uppercased() else { continue }
            do { try save(draft) } catch { continue }
            try? FileManager.default.removeItem(at: file)
            count += 1
        }
        if count > 0, ((try? FileManager.default.contentsOfDirectory(atPath: legacy.path)) ?? ["x"]).isEmpty {
            try? FileManager.default.removeItem(at: legacy)
        }
        return count
    }

    /// Deletes the draft with `id` (after its screening was saved, or when the user discards it).
    public func delete(_ id: UUID) {
        try? FileManager.default.removeItem(at: url(for: id))
    }
}
