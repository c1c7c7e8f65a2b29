import Foundation
import KonfliktCore

/// Appends events durably to this device's log file:
/// exclusive `flock`, look only at the tail for the previous hash and sequence, one `write` of the
/// whole line on an `O_APPEND` descriptor, `fsync`, unlock. A new file also `fsync`s its directory.
///
/// Before appending it recovers: an unterminated last line (a crash mid-write) is copied to
/// `<file>.quarantine-<UTC time>-<pid>` and cut off; any other damage at the tail is never rewritten —
/// the writer continues in the next file for the device (`<device>.jsonl`, then `<device>-2.jsonl`,
/// `<device>-3.jsonl`, …), each with its own chain starting at sequence 1.
public struct LogWriter: Sendable {
    /// The data directory.
    public let directory: DataDirectory
    /// This device's id.
    public let device: String
    /// The system calls used for writing (replaced in tests).
    public var fileSystem: FileSystemClient
    /// The clock for timestamps.
    public var now: @Sendable () -> Date
    /// How screening, correction and follow-up bodies are written: sealed to the team and device keys,
    /// refused, or (only while the folder has no `team.json`) in clear text. See `forDevice`.
    public var sealing: Sealing = .clear

    /// A writer for `device` in `directory`.
    public init(directory: DataDirectory, device: String, fileSystem: FileSystemClient = .live,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.device = device
        self.fileSystem = fileSystem
        self.now = now
    }

    /// Appends one event and returns once it is on disk. Any error means the event was NOT saved.
    /// `visitDate` is the date of the visit the event is about (a follow-up's or an access's case): a
    /// sealed body's own copy goes to this device's key for that year, so retention can forget it;
    /// screenings and corrections carry their own, and without one the year of today is used.
    @discardableResult
    public func append(_ body: EventBody, author: String, id: UUID = LogWriter.newID(),
                       visitDate: LocalDate? = nil) throws(LogError) -> AppendResult {
        // A file size limit must surface as EFBIG from write(2), not kill the process (set once).
        Self.ignoreFileSizeSignal
        // Decided before anything is opened: a refused body leaves no byte and no new file behind.
        let sealer = try sealer(for: body, visitYear: Self.visitYear(of: body, given: visitDate, now: now()))
        var warnings: [String] = []
        var number = currentFileNumber()
        while true {
            let name = fileName(number)
            let path = directory.file(name)
            var created = false
            // The common case, an existing file, costs one open; the folder and file are made only when missing.
            // O_NOFOLLOW: a symbolic link in the shared folder is never written through; O_NONBLOCK: a
            // FIFO under the log's name cannot make the open block.
            let flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
            var fd = open(path, flags)
            if fd < 0, errno == ENOENT || errno == ENOTDIR {
                try directory.create()
                fd = open(path, flags | O_CREAT | O_EXCL, 0o600)
                if fd >= 0 {
                    created = true
                } else if errno == EEXIST {
                    fd = open(path, flags)
                }
            }
            if fd < 0, [ELOOP, EISDIR, ENXIO].contains(errno) {
                // Not a regular file (a link, a folder, a FIFO): leave it alone and move on.
                number += 1
                warnings.append(Self.notAFileWarning(name: name, next: fileName(number)))
                continue
            }
            guard fd >= 0 else { throw .openFailed(path: path, reason: systemReason(errno)) }
            defer { close(fd) }
            if LogFileAccess.refusal(fd: fd, path: path) != nil {
                number += 1
                warnings.append(Self.notAFileWarning(name: name, next: fileName(number)))
                continue
            }
            if created { try syncDirectory() }
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { throw .lockFailed(path: path, reason: systemReason(errno)) }
            }
            defer { flock(fd, LOCK_UN) }

            var size = try fileSize(fd: fd, path: path)
            var tail = try TailInspector.inspect(fd: fd, size: size, path: path)
            if case .unterminated(let offset) = tail {
                warnings.append(try quarantine(fd: fd, path: path, name: name, from: offset, size: size))
                size = offset
                tail = try TailInspector.inspect(fd: fd, size: size, path: path)
            }
            let prev: String
            let seq: Int
            var newlineFirst = false
            switch tail {
            case .empty:
                prev = EventLine.genesis
                seq = 1
            case .intact(let lastSeq, let hash, let version), .intactWithoutNewline(let lastSeq, let hash, let version):
                guard version <= EventLine.version else {
                    throw .unsupportedVersion(file: name, line: lastSeq, version: version)
                }
                prev = hash
                seq = lastSeq + 1
                // The last event lost only its newline: it is kept, and the newline is written first,
                // in the same write as the new line.
                if case .intactWithoutNewline = tail { newlineFirst = true }
            case .damaged, .unterminated:
                number += 1
                warnings.append("Loggen \(name) er beskadiget og bliver ikke ændret; nye hændelser skrives i \(fileName(number)). Kør konflikt verify.")
                continue
            }
            var (line, hash) = try EventLine.make(
                prev: prev, seq: seq, id: id, timestamp: Timestamp.format(now()), device: device,
                author: author, body: body, sealer: sealer)
            guard line.count <= Self.maximumLineBytes else {
                throw .eventTooLarge(bytes: line.count, limit: Self.maximumLineBytes)
            }
            if newlineFirst { line.insert(0x0A, at: 0) }
            try writeAll(line, fd: fd, path: path, originalSize: size)
            let syncError = fileSystem.fsync(fd)
            if syncError != 0 {
                _ = ftruncate(fd, off_t(size))
                throw .syncFailed(path: path, reason: systemReason(syncError))
            }
            return AppendResult(id: id, seq: seq, hash: hash, file: name, warnings: warnings)
        }
    }

    private static let ignoreFileSizeSignal: Void = { _ = signal(SIGXFSZ, SIG_IGN) }()

    /// The visit year a body is partitioned by: `given`, else the body's own visit date, else today's
    /// year (UTC).
    static func visitYear(of body: EventBody, given: LocalDate?, now: Date) -> Int {
        if let given { return given.year }
        switch body {
        case .screening(let screening): if let date = screening.visitDate { return date.year }
        case .correction(let correction): if let date = correction.visitDate { return date.year }
        default: break
        }
        return Int(Timestamp.format(now).prefix(4)) ?? 1970
    }

    /// The longest line the writer appends (1 MiB). Inputs have their own, smaller limits; this one
    /// keeps any path that forgot to check from growing the log without bound.
    public static let maximumLineBytes = 1 << 20

    static func notAFileWarning(name: String, next: String) -> String {
        "\(name) i datamappen er ikke en almindelig fil (et symbolsk link, en mappe eller en FIFO) og bliver ikke brugt; "
            + "nye hændelser skrives i \(next). Kør konflikt verify."
    }

    /// A random (version 4) UUID from the system's generator: one `getrandom` instead of Foundation's
    /// open, read and close of /dev/urandom on every append.
    public static func newID() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * index))
            bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (8 * index))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40      // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80      // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The name of the device's file number `number` (1 is `<device>.jsonl`).
    func fileName(_ number: Int) -> String {
        number <= 1 ? "\(device).jsonl" : "\(device)-\(number).jsonl"
    }

    /// The device's current file number: 1, or the last of `<device>-2.jsonl`, `-3`, … that exists
    /// (the writer only ever moves on to the next number, so the files have no gaps).
    func currentFileNumber() -> Int {
        var number = 1
        var info = stat()
        while stat(directory.file(fileName(number + 1)), &info) == 0 { number += 1 }
        return number
    }

    func fileSize(fd: Int32, path: String) throws(LogError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .readFailed(path: path, reason: systemReason(errno)) }
        return Int(info.st_size)
    }

    /// One logical write of the whole line; on failure the file is cut back to `originalSize`.
    func writeAll(_ line: [UInt8], fd: Int32, path: String, originalSize: Int) throws(LogError) {
        var failure: Int32 = 0
        line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = fileSystem.write(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                if n == -Int(EINTR) { continue }
                if n <= 0 {
                    failure = n == 0 ? EIO : Int32(-n)
                    return
                }
                offset += n
            }
        }
        if failure != 0 {
            _ = ftruncate(fd, off_t(originalSize))
            _ = Foundation.fsync(fd)
            throw .writeFailed(path: path, reason: systemReason(failure))
        }
    }

    /// Copies the bytes from `offset` to the end into a quarantine file, then cuts them off.
    func quarantine(fd: Int32, path: String, name: String, from offset: Int, size: Int) throws(LogError) -> String {
        let bytes = try TailInspector.readRange(fd: fd, from: offset, to: size, path: path)
        let stamp = Timestamp.format(now()).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: ".", with: "")
        let quarantineName = "\(name).quarantine-\(stamp)-\(getpid())"
        let quarantinePath = directory.file(quarantineName)
        let qfd = open(quarantinePath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard qfd >= 0 else { throw .quarantineFailed(path: path, reason: systemReason(errno)) }
        defer { close(qfd) }
        // A quarantine file that could not be written whole is removed again (no empty or partial
        // copies on a full disk); the log itself is not touched until the copy is on disk.
        var failure: Int32 = 0
        var offsetWritten = 0
        while offsetWritten < bytes.count {
            let n = bytes.withUnsafeBytes { fileSystem.write(qfd, UnsafeRawBufferPointer(rebasing: $0[offsetWritten...])) }
            if n == -Int(EINTR) { continue }
            guard n > 0 else { failure = n == 0 ? EIO : Int32(-n); break }
            offsetWritten += n
        }
        if failure == 0 { failure = fileSystem.fsync(qfd) }
        guard failure == 0 else {
            unlink(quarantinePath)
            throw .quarantineFailed(path: path, reason: systemReason(failure))
        }
        try syncDirectory()
        guard ftruncate(fd, off_t(offset)) == 0, Foundation.fsync(fd) == 0 else {
            throw .quarantineFailed(path: path, reason: systemReason(errno))
        }
        return "Den ufuldstændige sidste linje i \(name) (\(bytes.count) byte, aldrig bekræftet som gemt) er flyttet til \(quarantineName)."
    }

    /// `fsync` on the data directory, so a newly created file's name is durable too.
    func syncDirectory() throws(LogError) {
        let fd = open(directory.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .openFailed(path: directory.path, reason: systemReason(errno)) }
        defer { close(fd) }
        let code = fileSystem.fsync(fd)
        guard code == 0 else { throw .syncFailed(path: directory.path, reason: systemReason(code)) }
    }
}
