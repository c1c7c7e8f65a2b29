import Foundation

/// The reader's own folder for what is not shared: the case index and the heads this reader has
/// seen (`$XDG_STATE_HOME/konflikt`, else `~/.local/state/konflikt`; `KONFLIKT_STATE` to change). Never
/// the synced data folder.
public struct StateDirectory: Sendable, Hashable {
    /// The folder's path.
    public let path: String

    /// Uses `path` as the state folder (nothing is created yet).
    public init(path: String) {
        self.path = path
    }

    /// `KONFLIKT_STATE`, else `$XDG_STATE_HOME/konflikt`, else `~/.local/state/konflikt`.
    public static func resolve(environment: [String: String]) -> StateDirectory {
        if let value = environment["KONFLIKT_STATE"], !value.isEmpty { return StateDirectory(path: value) }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return StateDirectory(path: (xdg as NSString).appendingPathComponent("konflikt"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return StateDirectory(path: (home as NSString).appendingPathComponent(".local/state/konflikt"))
    }

    /// Creates the folder (mode 0700) when it is missing.
    public func create() throws(LogError) {
        do {
            try FileModes.makeDirectory(path)
        } catch {
            throw .dataDirectoryUnavailable(path: path, reason: systemReason(error.code))
        }
    }

    /// The full path of `name` in the folder.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes `data` to `name` atomically (temporary file, rename), mode 0600. Without `durable`, no
    /// fsync: for caches, which a crash may leave empty or old but never half-written under their name,
    /// and which are rebuilt from the log when they do not check out.
    public func write(_ data: Data, to name: String, durable: Bool = true) throws(LogError) {
        try create()
        do {
            try FileModes.writeAtomically(data, to: file(name), sync: durable)
        } catch {
            throw .writeFailed(path: file(name), reason: systemReason(error.code))
        }
    }
}
