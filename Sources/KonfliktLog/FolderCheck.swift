import Foundation
import KonfliktCore

/// A folder the program must write to cannot be written. Says which folder, why, and what is at stake,
/// in Danish; never names anything typed by the user.
public struct FolderNotWritable: UserFacingError, Sendable, Hashable {
    /// Which folder.
    public enum Kind: Sendable, Hashable {
        /// The data folder (the log).
        case data
        /// The state folder (drafts, case index).
        case state
    }

    /// Which folder.
    public var kind: Kind
    /// Its path.
    public var path: String
    /// The system's reason, in Danish.
    public var reason: String

    public var danishDescription: String {
        switch kind {
        case .data:
            return "Datamappen \(path) kan ikke skrives (\(reason)). Screeninger kan ikke gemmes, så der stilles "
                + "ingen spørgsmål. Ret mappens rettigheder, eller vælg en anden mappe med --data eller KONFLIKT_DATA."
        case .state:
            return "Tilstandsmappen \(path) kan ikke skrives (\(reason)). Kladder kan ikke gemmes undervejs, så der "
                + "stilles ingen spørgsmål. Ret mappens rettigheder, eller vælg en anden mappe med KONFLIKT_STATE."
        }
    }

    public var exitCode: Int32 { ExitStatus.ioError }
}

/// Checks, before anything is asked, that a folder can really be written: creates it (0700) when it is
/// missing, then creates and removes a small probe file in it. Permissions alone do not tell (a read-only
/// file system, a full disk of inodes, a path through a file), so this tries.
public enum FolderCheck {
    /// Throws `FolderNotWritable` unless `path` is a folder this process can create files in.
    public static func requireWritable(_ path: String, kind: FolderNotWritable.Kind) throws(FolderNotWritable) {
        do {
            try FileModes.makeDirectory(path)
        } catch {
            throw FolderNotWritable(kind: kind, path: path, reason: systemReason(error.code))
        }
        let probe = (path as NSString).appendingPathComponent(".skrivetest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FolderNotWritable(kind: kind, path: path, reason: systemReason(errno)) }
        close(fd)
        unlink(probe)
    }
}
