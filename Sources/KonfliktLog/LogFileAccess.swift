import Foundation

/// How log files in a shared data folder are opened, so that nothing in the folder can hang, fool or
/// redirect the program: a symbolic link is never followed (`O_NOFOLLOW`), and only regular files are
/// read (`O_NONBLOCK` so that opening a FIFO cannot block, then `fstat`).
enum LogFileAccess {
    /// Opens `path` for reading; a symbolic link, a folder, a FIFO, a device or a socket is refused
    /// with the matching `LogError` (never blocking). The caller closes the descriptor.
    static func openForReading(_ path: String) -> Result<Int32, LogError> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { return .failure(.symbolicLink(path: path)) }
            return .failure(.openFailed(path: path, reason: systemReason(code)))
        }
        if let refusal = refusal(fd: fd, path: path) {
            close(fd)
            return .failure(refusal)
        }
        return .success(fd)
    }

    /// Why the open file `fd` is not a log file to read or write (nil for a regular file).
    static func refusal(fd: Int32, path: String) -> LogError? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .readFailed(path: path, reason: systemReason(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .notRegularFile(path: path, kind: kindName(info.st_mode))
        }
        return nil
    }

    /// The Danish name of a non-regular file type ("en mappe", "en FIFO", …).
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "en mappe"
        case S_IFIFO: return "en FIFO (navngivet rør)"
        case S_IFLNK: return "et symbolsk link"
        case S_IFSOCK: return "en sokkel"
        case S_IFCHR, S_IFBLK: return "en enhed"
        default: return "ikke en almindelig fil"
        }
    }
}

/// What `verify` (and, as warnings, the readers) report about the data folder itself: permissions
/// that let others read or change the log, an owner other than the user, and quarantine files.
public struct DirectoryInspection: Sendable, Hashable {
    /// Permission and ownership problems, one Danish sentence each (folder first, then files by name).
    public var accessProblems: [AccessProblem] = []
    /// The quarantine files in the folder (`<file>.quarantine-…`), by name.
    public var quarantineFiles: [String] = []
}

/// A folder or log file that others than its owner can change or read, or that another user owns.
public struct AccessProblem: Sendable, Hashable, Codable {
    /// What is wrong.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Group or others may write, or others may read (mode shown in octal).
        case loosePermissions = "loose_permissions"
        /// Owned by another user than the one running konflikt.
        case foreignOwner = "foreign_owner"
    }

    /// The file name in the data folder, or nil for the folder itself.
    public var file: String?
    /// What is wrong.
    public var kind: Kind
    /// The mode bits (permissions only).
    public var mode: Int
    /// The owner's user id.
    public var owner: Int

    /// One Danish sentence.
    public var danishDescription: String {
        let what = file.map { "Logfilen \($0)" } ?? "Datamappen"
        switch kind {
        case .loosePermissions:
            let wanted = file == nil ? "0700" : "0600"
            return "\(what) har rettighederne \(String(format: "%04o", mode)), så andre kan læse eller ændre den; "
                + "brug \(wanted) (chmod \(wanted.dropFirst()))."
        case .foreignOwner:
            return "\(what) ejes af en anden bruger (uid \(owner)) end den, der kører konflikt (uid \(geteuid()))."
        }
    }
}

extension DataDirectory {
    /// Permission bits that are a problem: write for group or others, any access for others. (Group
    /// read is allowed: a team may share a folder through a group.)
    static let looseBits: mode_t = 0o027

    /// Looks at the folder and its log files without opening any of them (`lstat` only): loose
    /// permissions, foreign owners and quarantine files. A missing folder has nothing to report.
    public func inspect() -> DirectoryInspection {
        var result = DirectoryInspection()
        var info = stat()
        guard lstat(path, &info) == 0 else { return result }
        result.accessProblems += Self.accessProblems(info, file: nil)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        for name in names {
            if name.contains(".quarantine-") { result.quarantineFiles.append(name) }
            guard name.hasSuffix(".jsonl"), lstat(file(name), &info) == 0,
                  info.st_mode & S_IFMT == S_IFREG else { continue }
            result.accessProblems += Self.accessProblems(info, file: name)
        }
        return result
    }

    static func accessProblems(_ info: stat, file: String?) -> [AccessProblem] {
        var problems: [AccessProblem] = []
        let mode = Int(info.st_mode & 0o7777)
        if info.st_mode & looseBits != 0 {
            problems.append(AccessProblem(file: file, kind: .loosePermissions, mode: mode, owner: Int(info.st_uid)))
        }
        if info.st_uid != geteuid() {
            problems.append(AccessProblem(file: file, kind: .foreignOwner, mode: mode, owner: Int(info.st_uid)))
        }
        return problems
    }
}

extension DataDirectory {
    /// The `*.jsonl` names that readers skip because they are not regular files (symbolic links,
    /// folders, FIFOs), found with `lstat` alone, as the errors the readers report for them.
    public func skippedEntries() -> [LogError] {
        let names = (try? logFiles()) ?? []
        var skipped: [LogError] = []
        var info = stat()
        for name in names where lstat(file(name), &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: continue
            case S_IFLNK: skipped.append(.symbolicLink(path: file(name)))
            default: skipped.append(.notRegularFile(path: file(name), kind: LogFileAccess.kindName(info.st_mode)))
            }
        }
        return skipped
    }
}
