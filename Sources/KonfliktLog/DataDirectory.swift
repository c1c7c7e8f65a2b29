import Foundation

/// The folder that holds the log files, one `<device>.jsonl` per device (plus continuation files
/// `<device>-2.jsonl`, … after damage). Readers merge every `*.jsonl` file in it.
public struct DataDirectory: Sendable, Hashable {
    /// The folder's path.
    public let path: String

    /// Uses `path` as the data directory (nothing is created yet).
    public init(path: String) {
        self.path = path
    }

    /// The folder's absolute path with symbolic links resolved (as given, made absolute, when it does
    /// not exist): what the reader's own files about this folder (case index, witness) are named by, so
    /// `--data demo`, `--data ./demo/` and `KONFLIKT_DATA=$PWD/demo` share them.
    public var identity: String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let absolute = path.hasPrefix("/") ? path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }

    /// Resolves the data directory: `option` (`--data DIR`) wins, then `KONFLIKT_DATA`, then
    /// `$XDG_DATA_HOME/konflikt`, then `~/.local/share/konflikt`.
    public static func resolve(option: String?, environment: [String: String]) -> DataDirectory {
        if let option, !option.isEmpty { return DataDirectory(path: option) }
        if let value = environment["KONFLIKT_DATA"], !value.isEmpty { return DataDirectory(path: value) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return DataDirectory(path: (xdg as NSString).appendingPathComponent("konflikt"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return DataDirectory(path: (home as NSString).appendingPathComponent(".local/share/konflikt"))
    }

    /// Creates the directory (mode 0700) when it is missing.
    public func create() throws(LogError) {
        do {
            try FileModes.makeDirectory(path)
        } catch {
            throw .dataDirectoryUnavailable(path: path, reason: systemReason(error.code))
        }
    }

    /// The log files (`*.jsonl`) in the directory, sorted by name. A missing directory has none.
    public func logFiles() throws(LogError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            throw .dataDirectoryUnavailable(path: path, reason: systemReason(ENOTDIR))
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .readFailed(path: path, reason: systemReason(EACCES))
        }
        return names.filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    /// The full path of the file `name` in the directory.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }
}
