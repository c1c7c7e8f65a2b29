import Foundation

/// Creating files and directories with the project's permissions (directories 0700, files 0600).
enum FileModes {
    /// Creates `path` and its missing parents with mode 0700; an existing directory is kept as is.
    static func makeDirectory(_ path: String) throws(SystemError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SystemError(code: ENOTDIR) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw SystemError(code: errno)
        }
    }

    /// Writes `data` to `path` atomically (temporary file, fsync, rename) with mode 0600.
    static func writeAtomically(_ data: Data, to path: String, sync: Bool = true) throws(SystemError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError(code: errno) }
        defer { close(fd) }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard ok, !sync || fsync(fd) == 0, rename(temporary, path) == 0 else {
            let code = SystemError(code: errno)
            unlink(temporary)
            throw code
        }
    }
}

/// An `errno` code as a thrown error.
struct SystemError: Error {
    /// The `errno` value.
    var code: Int32
}
