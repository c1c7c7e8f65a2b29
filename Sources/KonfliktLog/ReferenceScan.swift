import Foundation

/// A first, cheap pass over a data directory: how many events point at each screening, and how long
/// each file was. The fold uses it to let go of a case as soon as the last event that can change it
/// has been folded, so that its memory follows the open cases instead of the size of the log.
///
/// The count is taken from the bytes, without decoding: every `"screening":"<uuid>"` in a line that
/// is not a screening counts (a correction or follow-up has exactly one, in its body). A line where
/// the same bytes occur for another reason (an answer to a question with the id `screening`) only
/// makes the count too high, which keeps a case a little longer. A count that is too low (a line
/// written with other spacing or escapes) is noticed by the fold, which then reads again without
/// letting go of anything.
public struct ReferenceScan: Sendable {
    /// Events pointing at each screening id.
    public private(set) var counts: [UUID: Int32] = [:]
    /// Bytes per file as scanned; the fold reads no further, so a file that grows meanwhile is read
    /// as it was when counted.
    public private(set) var sizes: [String: Int] = [:]

    /// Scans every log file in `directory`. A file that cannot be opened is not counted here; the fold
    /// tries it again (with no size limit) and reports it.
    public static func scan(_ directory: DataDirectory) throws -> ReferenceScan {
        var result = ReferenceScan()
        let names = try directory.logFiles()
        for name in names { result.sizes[name] = Int.max }
        var unopened: [LogError] = []
        try LogReader.forEachFile(names, in: directory, problems: &unopened) { name, path, fd, _ in
            let end = try LineScanner.scan(fd: fd, path: path, chunkSize: 1 << 20) { _, bytes in
                result.countReferences(in: bytes)
                return true
            }
            result.sizes[name] = end.bytes
        }
        return result
    }

    /// Counts one more reference to `id` (for tests and callers that know their events).
    public mutating func add(_ id: UUID) {
        counts[id, default: 0] += 1
    }

    private static let marker = Array(#""screening":""#.utf8)

    private mutating func countReferences(in line: UnsafeRawBufferPointer) {
        // A line read as a screening (by the same peek the decoders use) points at nothing.
        guard LogEvent.peekType(line) != "screening" else { return }
        var offset = 0
        while let found = LogReader.firstIndex(of: Self.marker, in: line, from: offset) {
            let start = found + Self.marker.count
            offset = start
            guard start + 37 <= line.count, line[start + 36] == UInt8(ascii: "\"") else { continue }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<start + 36]), as: UTF8.self)
            if let id = LogEvent.fastUUID(text) { add(id) }
        }
    }
}
