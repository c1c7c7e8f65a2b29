import Foundation

/// Writes a new log file in bulk: lines made by the log's own encoder and hash chain, written in 1 MiB
/// blocks with one `fsync` at the end instead of one per event. For generated files (demo data), which
/// are not acknowledged records; `LogWriter` is for records.
public struct BulkLogWriter {
    let path: String
    let fd: Int32
    let directory: DataDirectory
    var prev = EventLine.genesis
    var seq = 0
    var buffer: [UInt8] = []
    /// Seals each body to these recipients when set (as `LogWriter` does in a folder with a team key).
    public var sealer: BodySealer?

    /// Creates the file `name` in `directory` (it must not exist).
    public init(directory: DataDirectory, name: String) throws {
        self.directory = directory
        path = directory.file(name)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LogError.openFailed(path: path, reason: systemReason(errno)) }
        buffer.reserveCapacity(1 << 21)
    }

    /// Adds one event with the given id and time (milliseconds since 1970).
    public mutating func append(_ body: EventBody, id: UUID, time: Int64, device: String, author: String) throws {
        seq += 1
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        let (line, hash) = try EventLine.make(prev: prev, seq: seq, id: id, timestamp: Timestamp.format(date),
                                              device: device, author: author, body: body, sealer: sealer)
        prev = hash
        buffer += line
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered.
    public mutating func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw LogError.writeFailed(path: path, reason: systemReason(errno))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the rest, syncs the file and its folder, and closes it.
    public mutating func finish() throws {
        try flush()
        let synced = fsync(fd)
        let reason = systemReason(errno)
        close(fd)
        guard synced == 0 else { throw LogError.syncFailed(path: path, reason: reason) }
        let dir = open(directory.path, O_RDONLY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}
