import Foundation

/// An event with where it was read.
public struct LocatedEvent: Sendable, Hashable {
    /// The file name inside the data directory.
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The event.
    public var event: LogEvent
    /// Where the line starts in the file, in bytes, and its length without the newline (-1, 0 when unknown).
    public var offset = -1, length = 0

    /// An event read from `file` at `line` (and `offset`, `length` when known).
    public init(file: String, line: Int, event: LogEvent, offset: Int = -1, length: Int = 0) {
        self.file = file
        self.line = line
        self.event = event
        self.offset = offset
        self.length = length
    }
}

/// Streams every event of every `*.jsonl` file in a data directory, one at a time. Lines that cannot be
/// read are never skipped silently: each is returned as a `LogError` in the problems list (reading goes
/// on with the next line). An unterminated last line is an append that was never acknowledged and is
/// not an event; it is not a problem for reading (`verify` reports it).
public enum LogReader {
    /// Calls `visit` for each event, file by file (sorted by name), line by line; returns the problems.
    @discardableResult
    public static func forEachEvent(in directory: DataDirectory, keys: BodyKeys? = nil,
                                    _ visit: (LocatedEvent) throws -> Void) throws -> [LogError] {
        var problems: [LogError] = []
        try forEachFile(try directory.logFiles(), in: directory, problems: &problems) { name, path, fd, problems in
            // Lines are decoded in batches on every core, then visited in file order: decoding is
            // the costly part and each line decodes on its own.
            var batch = DecodePipeline(file: name, keys: keys) { $0 }
            defer { batch.abandon() }
            _ = try LineScanner.scan(fd: fd, path: path, chunkSize: 1 << 20) { number, offset, bytes in
                batch.add(line: number, offset: offset, bytes: bytes)
                if batch.isFull { try batch.flush(into: &problems, visit) }
                return true
            }
            try batch.finish(into: &problems, visit)
        }
        return problems
    }

    /// Opens the files `names` of `directory` one after the other and calls `body` with each name, path,
    /// open descriptor (closed afterwards) and `problems`. A file that cannot be opened, a symbolic link
    /// and anything that is not a regular file (a folder, a FIFO) go into `problems`, and reading goes
    /// on with the next file: nothing in a shared folder can make a reader block or follow a link.
    static func forEachFile(_ names: [String], in directory: DataDirectory, problems: inout [LogError],
                            _ body: (_ name: String, _ path: String, _ fd: Int32,
                                     _ problems: inout [LogError]) throws -> Void) throws {
        for name in names {
            let path = directory.file(name)
            let fd: Int32
            switch LogFileAccess.openForReading(path) {
            case .success(let opened): fd = opened
            case .failure(let refusal):
                problems.append(refusal)
                continue
            }
            defer { close(fd) }
            try body(name, path, fd, &problems)
        }
    }
}

/// What reading one file from an offset found: where its last complete line is, so that the next
/// read can start after it and check that it is still there.
public struct FileReadEnd: Sendable, Hashable {
    /// The byte after the last complete (newline-terminated) line read; an unterminated tail is not consumed.
    public var end: Int
    /// The number of complete lines up to `end`.
    public var lines: Int
    /// Where the last complete line starts and its length without the newline (-1, 0 when there is none).
    public var lastLineOffset: Int, lastLineLength: Int
}

extension LogReader {
    /// Reads the complete lines of the file `name` from byte `offset` (the start of line `line + 1`) to
    /// its end, decoding them in parallel and calling `visit` in file order; lines that cannot be read
    /// go to `problem`. An unterminated last line is left for a later read, unless it is a complete
    /// event that only lost its newline: that one is read, and `end` is one byte past the file, where
    /// the writer will put the newline before its next line.
    public static func readFile(_ name: String, in directory: DataDirectory, from offset: Int, afterLine line: Int,
                                keys: BodyKeys? = nil, visit: (LocatedEvent) throws -> Void,
                                problem: (LogError) -> Void) throws -> FileReadEnd {
        try readFile(name, in: directory, from: offset, afterLine: line, keys: keys, prepare: { $0 }, visit: visit,
                     problem: problem)
    }

    /// As `readFile`, with `prepare` run on each event on the decoding threads (in no particular order,
    /// while earlier events are visited) and `visit` getting its results in file order: what can be
    /// worked out from one event alone is done on every core, and only `visit` is serial. `lean` events
    /// leave out what no read model needs (`LogEvent.leanCopy`: `prev`, fingerprints, rules, reasons, notes).
    /// `direct` prepares what it can straight from a line's bytes (see `LineBatch.decode`); the rest is
    /// decoded and prepared as above.
    public static func readFile<Prepared: Sendable>(
        _ name: String, in directory: DataDirectory, from offset: Int, afterLine line: Int, keys: BodyKeys? = nil,
        lean: Bool = false, direct: DirectPrepare<Prepared>? = nil, prepare: @escaping @Sendable (LocatedEvent) -> Prepared,
        visit: (Prepared) throws -> Void,
        problem: (LogError) -> Void
    ) throws -> FileReadEnd {
        let path = directory.file(name)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw LogError.openFailed(path: path, reason: systemReason(errno)) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw LogError.openFailed(path: path, reason: systemReason(errno)) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw LogError.openFailed(path: path, reason: "ikke en almindelig fil")
        }
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw LogError.readFailed(path: path, reason: systemReason(errno))
        }
        var result = FileReadEnd(end: offset, lines: line, lastLineOffset: -1, lastLineLength: 0)
        var problems: [LogError] = []
        // The case index trusts no line whose own hash does not match: it is reported, not folded.
        var batch = DecodePipeline(file: name, keys: keys, checkingHashes: true, lean: lean, direct: direct, prepare: prepare)
        defer { batch.abandon() }
        // The lines are decoded where they were read into (no copy per line): numbers and offsets from
        // the start of the read are made the file's.
        _ = try LineScanner.scanBatches(fd: fd, path: path, afterLine: line, at: offset) { lines in
            if let last = lines.lines.last {
                result.lines = last.number
                result.lastLineOffset = last.offset
                result.lastLineLength = last.count
                result.end = last.offset + last.count + 1
            }
            try batch.send(lines, into: &problems, visit)
        }
        try batch.finish(into: &problems, visit)
        problems.forEach(problem)
        return result
    }

    /// The bytes of one line of `name` (without its newline), read with `pread`; nil when the file is
    /// shorter or cannot be read. A line that ends the file without its newline counts as ending
    /// there: the readers only ever hand out such a line when it is a complete event (`LineScanner`),
    /// and `readFile` then reports its end as if the newline were there.
    public static func lineBytes(_ name: String, in directory: DataDirectory, offset: Int, length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0 else { return nil }
        let fd = open(directory.file(name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: length + 1)
        var done = 0
        while done < length + 1 {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length + 1 - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            if n == 0, done == length {           // the end of the file right after the line
                bytes[length] = 0x0A
                break
            }
            guard n > 0 else { return nil }
            done += n
        }
        guard bytes[length] == 0x0A else { return nil }
        bytes.removeLast()
        return bytes
    }

    /// The event of one line of `name`, read again by its place (for a case's details).
    public static func event(_ name: String, in directory: DataDirectory, offset: Int, length: Int,
                             line: Int, keys: BodyKeys? = nil) throws(LogError) -> LogEvent {
        guard let bytes = lineBytes(name, in: directory, offset: offset, length: length) else {
            throw .readFailed(path: directory.file(name), reason: "linjen findes ikke længere, hvor den var")
        }
        let result: Result<LogEvent, LogError> = bytes.withUnsafeBytes { raw in
            do throws(LogError) { return .success(try LogEvent.decode(raw, file: name, line: line, keys: keys)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Calls `visit` for each event whose line contains one of `needles` (byte strings, e.g. an id in
    /// lower and upper case), decoding only those lines: finding one case in a big log without
    /// decoding the rest. Lines that are not decoded are not checked either.
    @discardableResult
    public static func forEachEvent(in directory: DataDirectory, mentioning needles: [[UInt8]],
                                    _ visit: (LocatedEvent) throws -> Void) throws -> [LogError] {
        var problems: [LogError] = []
        try forEachFile(try directory.logFiles(), in: directory, problems: &problems) { name, path, fd, problems in
            _ = try LineScanner.scan(fd: fd, path: path, chunkSize: 1 << 20) { number, offset, bytes in
                guard needles.contains(where: { firstIndex(of: $0, in: bytes) != nil }) else { return true }
                let event: LogEvent
                do throws(LogError) {
                    event = try LogEvent.decode(bytes, file: name, line: number)
                } catch {
                    problems.append(error)
                    return true
                }
                try visit(LocatedEvent(file: name, line: number, event: event, offset: offset, length: bytes.count))
                return true
            }
        }
        return problems
    }

    /// Where `needle` first occurs in `haystack` at or after `start`: memchr for its first byte, then
    /// a compare. nil when it does not occur (or either is empty).
    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = haystack.baseAddress, let first = needle.first, start >= 0,
              needle.count <= haystack.count else { return nil }
        let last = haystack.count - needle.count
        var offset = start
        while offset <= last {
            guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
            let position = base.distance(to: UnsafeRawPointer(found))
            let same = needle.withUnsafeBytes { bytes in
                bytes.baseAddress.map { memcmp(base + position, $0, needle.count) == 0 } ?? false
            }
            if same { return position }
            offset = position + 1
        }
        return nil
    }
}
