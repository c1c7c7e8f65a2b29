import Foundation

/// This machine's device id: 16 random lowercase hex digits, created once and kept in the
/// configuration directory (`device`, mode 0600). It names the device's log file.
public enum DeviceIdentity {
    /// Reads the device id, creating and storing a new one on first use. Creation is safe when
    /// several processes start at once on a fresh device: under an exclusive lock on `device.lock`,
    /// the id is read again and, only if still missing, written to a temporary file and linked into
    /// place with an exclusive create (`link` fails if the name exists), so all of them end up with
    /// the same id and one log file.
    public static func load(config: ConfigDirectory) throws(LogError) -> String {
        if let id = read(config) { return id }
        do {
            try FileModes.makeDirectory(config.path)
        } catch {
            throw .configUnavailable(path: config.path, reason: systemReason(error.code))
        }
        let lock = open(config.file("device.lock"), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .configUnavailable(path: config.path, reason: systemReason(errno)) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .lockFailed(path: config.file("device.lock"), reason: systemReason(errno)) }
        }
        defer { flock(lock, LOCK_UN) }
        if let id = read(config) { return id }
        var generator = SystemRandomNumberGenerator()
        let id = String(format: "%016llx", generator.next() as UInt64)
        let path = config.file("device")
        let temporary = path + ".new-\(getpid())"
        do {
            try FileModes.writeAtomically(Data((id + "\n").utf8), to: temporary)
        } catch {
            throw .configUnavailable(path: config.path, reason: systemReason(error.code))
        }
        defer { unlink(temporary) }
        // An invalid file left by an older version is replaced; otherwise the name must be new.
        if FileManager.default.fileExists(atPath: path) { unlink(path) }
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST, let existing = read(config) { return existing }
            throw .configUnavailable(path: config.path, reason: systemReason(code))
        }
        return id
    }

    /// The stored id, when there is a valid one.
    private static func read(_ config: ConfigDirectory) -> String? {
        guard let data = FileManager.default.contents(atPath: config.file("device")) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return isValid(text) ? text : nil
    }

    /// Whether `text` can be a device id (1–64 characters of `a-z`, `0-9`, `_`; no `-`, which
    /// separates continuation numbers in file names).
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
