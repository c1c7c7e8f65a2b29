import Foundation

/// The user's own configuration folder (device id, settings); never inside the shared data folder.
/// `KONFLIKT_CONFIG` overrides it, else `$XDG_CONFIG_HOME/konflikt`, else `~/.config/konflikt`.
public struct ConfigDirectory: Sendable, Hashable {
    /// The folder's path.
    public let path: String

    /// Uses `path` as the configuration directory.
    public init(path: String) {
        self.path = path
    }

    /// Resolves the configuration directory from the environment.
    public static func resolve(environment: [String: String]) -> ConfigDirectory {
        if let value = environment["KONFLIKT_CONFIG"], !value.isEmpty { return ConfigDirectory(path: value) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return ConfigDirectory(path: (xdg as NSString).appendingPathComponent("konflikt"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ConfigDirectory(path: (home as NSString).appendingPathComponent(".config/konflikt"))
    }

    /// The full path of the file `name` in the directory.
    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes `data` to the file `name` (0600, atomically), creating the folder (0700) first.
    func write(_ data: Data, to name: String) throws(LogError) {
        do {
            try FileModes.makeDirectory(path)
            try FileModes.writeAtomically(data, to: file(name))
        } catch {
            throw .configUnavailable(path: path, reason: systemReason(error.code))
        }
    }
}
