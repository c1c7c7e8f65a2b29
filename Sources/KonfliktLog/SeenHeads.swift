import Crypto
import Foundation

/// The reader's own witness of the log files it has seen, kept in its state folder (never the synced
/// folder): per file, how far it reached and the SHA-256 of the last complete line there. On every
/// read, a file that is gone, shorter, or no longer has that line in place was truncated, rolled
/// back or rewritten since this reader saw it; that is reported on every later read, and the witness
/// is not moved for that file. Other files' witnesses move on to their current ends.
public struct SeenHeads: Sendable, Codable, Equatable {
    /// What was seen of one file.
    public struct Mark: Sendable, Codable, Equatable {
        /// The byte after the last complete line seen.
        public var end: Int64
        /// Where that line starts and its length without the newline.
        public var offset: Int64, length: Int64
        /// SHA-256 (hex) of the line.
        public var digest: String
    }

    /// The files seen, by name.
    public var files: [String: Mark] = [:]

    /// The witness file of `directory` in the state folder: one per data folder, named by a hash of its path.
    public static func fileName(for directory: DataDirectory) -> String {
        let digest = SHA256.hash(data: Data(directory.identity.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "sete-hoveder-\(digest).json"
    }

    /// Checks `directory` against what this reader saw before (from `state`), moves the witness on for
    /// files that only grew, saves it, and returns one Danish sentence per file that did not.
    /// A witness that cannot be read or saved is itself reported.
    public static func check(_ directory: DataDirectory, state: StateDirectory) -> [String] {
        let name = fileName(for: directory)
        var problems: [String] = []
        var seen = SeenHeads()
        if let data = try? Data(contentsOf: URL(fileURLWithPath: state.file(name))) {
            if let decoded = try? JSONDecoder().decode(SeenHeads.self, from: data) {
                seen = decoded
            } else {
                problems.append("Læserens egne noter om sete logfiler (\(state.file(name))) kunne ikke læses; de begynder forfra.")
            }
        }
        let current = (try? directory.logFiles()) ?? []
        var updated = seen
        for (file, mark) in seen.files.sorted(by: { $0.key < $1.key }) {
            guard current.contains(file) else {
                problems.append("\(file) findes ikke længere, men denne læser har set den; kør konflikt verify.")
                continue
            }
            guard stillThere(mark, file: directory.file(file)) else {
                problems.append("\(file) er blevet kortere eller skrevet om, siden denne læser så den (ved byte \(mark.end)); kør konflikt verify.")
                continue
            }
            if let now = lastCompleteLine(directory.file(file)) { updated.files[file] = now }
        }
        for file in current where seen.files[file] == nil {
            if let now = lastCompleteLine(directory.file(file)) { updated.files[file] = now }
        }
        if updated != seen {
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try state.write(try encoder.encode(updated), to: name)
            } catch let error as LogError {
                problems.append("Læserens egne noter om sete logfiler kunne ikke gemmes: \(error.danishDescription)")
            } catch {
                problems.append("Læserens egne noter om sete logfiler kunne ikke gemmes.")
            }
        }
        return problems
    }

    /// Whether the line `mark` points at is still in place, unchanged.
    static func stillThere(_ mark: Mark, file path: String) -> Bool {
        guard let line = read(path, offset: mark.offset, count: Int(mark.length)) else { return false }
        if read(path, offset: mark.offset + mark.length, count: 1) != [0x0A] {
            // Only the final newline may be gone (a sync tool or an editor dropped it): the line is
            // still a whole event then, and the writer puts the newline back before its next line.
            var status = stat()
            guard lstat(path, &status) == 0, Int64(status.st_size) == mark.offset + mark.length else { return false }
        }
        return hex(SHA256.hash(data: line)) == mark.digest && mark.offset + mark.length + 1 == mark.end
    }

    /// The last complete line of the file at `path` (nil when it has none or cannot be read).
    static func lastCompleteLine(_ path: String) -> Mark? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int64(status.st_size)
        // The end of the last complete line: the last newline.
        var end: Int64 = -1
        var position = size
        var tail: [UInt8] = []
        while position > 0, end < 0 || !tail.contains(0x0A) {
            let chunk = min(Int64(65_536), position)
            position -= chunk
            guard let bytes = read(path, offset: position, count: Int(chunk)) else { return nil }
            tail = bytes + tail
            if end < 0, let last = tail.lastIndex(of: 0x0A) {
                end = position + Int64(last) + 1
                tail = Array(tail[..<last])
            }
        }
        guard end > 0 else { return nil }
        let start = tail.lastIndex(of: 0x0A).map { position + Int64($0) + 1 } ?? position
        let line = tail[Int(start - position)...]
        return Mark(end: end, offset: start, length: Int64(line.count), digest: hex(SHA256.hash(data: Array(line))))
    }

    private static func read(_ path: String, offset: Int64, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        return bytes.withUnsafeMutableBytes { ExactRead.fill($0, fd: fd, offset: offset) } ? bytes : nil
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
