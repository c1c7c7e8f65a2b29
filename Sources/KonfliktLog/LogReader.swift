import Foundation

/// An event with where it was read.
public struct LocatedEvent: Sendable, Hashable {
    /// The file name inside the data directory.
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The event.
    public var event: LogEvent
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
    public static func forEachEvent(in directory: DataDirectory, skippingUnflaggedBodies: Bool = false,
                                    _ visit: (LocatedEvent) throws -> Void) throws -> [LogError] {
        var problems: [LogError] = []
        for name in try directory.logFiles() {
            let path = directory.file(name)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                problems.append(.openFailed(path: path, reason: systemReason(errno)))
                continue
            }
            defer { close(fd) }
            _ = try LineScanner.scan(fd: fd, path: path, chunkSize: 1 << 20) { number, bytes in
                do {
                    let event = try (skippingUnflaggedBodies
                        ? LogEvent.decodeUnflaggedScreening(bytes, file: name, line: number) : nil)
                        ?? LogEvent.decode(bytes, file: name, line: number)
                    try visit(LocatedEvent(file: name, line: number, event: event))
                } catch let error as LogError {
                    problems.append(error)
                }
                return true
            }
        }
        return problems
    }
}
