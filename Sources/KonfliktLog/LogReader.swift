import Foundation
import Synchronization

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
}

/// Streams every event of every `*.jsonl` file in a data directory, one at a time. Lines that cannot be
/// read are never skipped silently: each is returned as a `LogError` in the problems list (reading goes
/// on with the next line). An unterminated last line is an append that was never acknowledged and is
/// not an event; it is not a problem for reading (`verify` reports it).
public enum LogReader {
    /// Calls `visit` for each event, file by file (sorted by name), line by line; returns the problems.
    @discardableResult
    ///
    /// With `skippingUnflaggedBodies`, a screening that neither flags the case nor has an override is
    /// passed with an empty body (no answers, no actions) read from its envelope alone — several times
    /// faster, for readers such as the review that only look at flagged cases.
    ///
    /// With `sizes` (file name → bytes, e.g. from `ReferenceScan`), only those files are read, each no
    /// further than its size: the directory as it was when the sizes were taken.
    public static func forEachEvent(in directory: DataDirectory, skippingUnflaggedBodies: Bool = false,
                                    sizes: [String: Int]? = nil,
                                    _ visit: (LocatedEvent) throws -> Void) throws -> [LogError] {
        var problems: [LogError] = []
        let names = try directory.logFiles().filter { sizes == nil || sizes?[$0] != nil }
        try forEachFile(names, in: directory, problems: &problems) { name, path, fd, problems in
            let limit = sizes?[name]
            // Lines are decoded in batches on every core, then visited in file order: decoding is
            // the costly part and each line decodes on its own.
            var batch = DecodeBatch(file: name, skippingUnflaggedBodies: skippingUnflaggedBodies)
            _ = try LineScanner.scan(fd: fd, path: path, chunkSize: 1 << 20, limit: limit) { number, offset, bytes in
                batch.add(line: number, offset: offset, bytes: bytes)
                if batch.isFull { try batch.flush(into: &problems, visit) }
                return true
            }
            try batch.flush(into: &problems, visit)
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

extension LogReader {
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

/// A batch of lines of one file, decoded in parallel and then visited in order.
struct DecodeBatch {
    let file: String
    let skippingUnflaggedBodies: Bool
    private var lines: [(number: Int, offset: Int, bytes: [UInt8])] = []
    private static let capacity = 2048
    private static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    init(file: String, skippingUnflaggedBodies: Bool) {
        self.file = file
        self.skippingUnflaggedBodies = skippingUnflaggedBodies
        lines.reserveCapacity(Self.capacity)
    }

    var isFull: Bool { lines.count >= Self.capacity }

    mutating func add(line: Int, offset: Int, bytes: UnsafeRawBufferPointer) {
        lines.append((line, offset, Array(bytes)))
    }

    static func decode(_ bytes: [UInt8], file: String, line: Int, skipping: Bool) -> Result<LogEvent, LogError> {
        bytes.withUnsafeBytes { raw in
            do throws(LogError) {
                if skipping, let stub = LogEvent.decodeUnflaggedScreening(raw, file: file, line: line) { return .success(stub) }
                return .success(try LogEvent.decode(raw, file: file, line: line))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Decodes every line, visits the events in order, collects the problems, and empties the batch.
    mutating func flush(into problems: inout [LogError], _ visit: (LocatedEvent) throws -> Void) throws {
        guard !lines.isEmpty else { return }
        let count = lines.count
        let workers = min(Self.workers, count)
        let input = lines, file = file, skipping = skippingUnflaggedBodies
        var results: [Result<LogEvent, LogError>?]
        if #available(macOS 15, *), workers > 1 {
            // Worker w decodes lines w, w + workers, … on its own, then stores them under the lock.
            let slots = Mutex<[Result<LogEvent, LogError>?]>(Array(repeating: nil, count: count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var local: [(Int, Result<LogEvent, LogError>)] = []
                local.reserveCapacity(count / workers + 1)
                var index = worker
                while index < count {
                    local.append((index, Self.decode(input[index].bytes, file: file, line: input[index].number,
                                                     skipping: skipping)))
                    index += workers
                }
                slots.withLock { slots in for (index, result) in local { slots[index] = result } }
            }
            results = slots.withLock { $0 }
        } else {
            results = input.map { Self.decode($0.bytes, file: file, line: $0.number, skipping: skipping) }
        }
        lines.removeAll(keepingCapacity: true)
        for index in 0..<count {
            switch results[index] {
            case .success(let event)?:
                try visit(LocatedEvent(file: file, line: input[index].number, event: event,
                                       offset: input[index].offset, length: input[index].bytes.count))
            case .failure(let error)?: problems.append(error)
            case nil: break
            }
            results[index] = nil      // let each event go as soon as it is folded
        }
    }
}
