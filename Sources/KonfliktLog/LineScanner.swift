import Foundation

/// Reads a file front to back in big chunks and hands out one line at a time as a borrowed buffer
/// (without its newline), so that memory stays flat however long the file is (bounded by the
/// longest line).
struct LineScanner {
    /// How a scan ended.
    struct End {
        /// Complete lines seen.
        var lines: Int
        /// Bytes after the last newline that are not an event (a torn last line), 0 when the file ends
        /// in a newline or with a complete event whose newline was lost.
        var trailingBytes: Int
        /// Bytes read in total.
        var bytes: Int
        /// The last line had no newline but is a complete, hash-valid event: it was handed out as a
        /// line (a sync tool or an editor dropped only the final newline).
        var lostFinalNewline = false
    }

    /// Scans the open file `fd`; `onLine(lineNumber, bytes)` returns false to stop early. With `limit`,
    /// reads no more than that many bytes (a snapshot of a file that may grow while it is read).
    ///
    /// A last line without its newline is handed out too when it is a complete event (its structure
    /// and hash check, `EventLine.check`): only the newline was lost. Anything else after the last
    /// newline is a torn write and is only counted in `End.trailingBytes`.
    static func scan(fd: Int32, path: String, chunkSize: Int = 4 << 20, limit: Int? = nil,
                     onLine: (Int, UnsafeRawBufferPointer) throws -> Bool) throws -> End {
        try scan(fd: fd, path: path, chunkSize: chunkSize, limit: limit) { number, _, bytes in try onLine(number, bytes) }
    }

    /// As `scan`, with each line's byte offset in the file: `onLine(lineNumber, offset, bytes)`.
    static func scan(fd: Int32, path: String, chunkSize: Int = 4 << 20, limit: Int? = nil,
                     onLine: (Int, Int, UnsafeRawBufferPointer) throws -> Bool) throws -> End {
        var capacity = chunkSize
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var start = 0
        var end = 0
        var lineNumber = 0
        var total = 0
        while true {
            if end == capacity {
                if start > 0 {
                    memmove(buffer, buffer + start, end - start)
                    end -= start
                    start = 0
                } else {
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                    bigger.copyMemory(from: buffer, byteCount: end)
                    buffer.deallocate()
                    buffer = bigger
                    capacity *= 2
                }
            }
            let wanted = min(capacity - end, limit.map { $0 - total } ?? Int.max)
            if wanted <= 0 { break }
            let n = read(fd, buffer + end, wanted)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogError.readFailed(path: path, reason: systemReason(errno))
            }
            if n == 0 { break }
            end += n
            total += n
            while start < end, let found = memchr(buffer + start, 0x0A, end - start) {
                let newline = buffer.distance(to: found)
                lineNumber += 1
                let line = UnsafeRawBufferPointer(start: buffer + start, count: newline - start)
                let offset = total - end + start
                start = newline + 1
                if try !onLine(lineNumber, offset, line) {
                    return End(lines: lineNumber, trailingBytes: 0, bytes: total)
                }
            }
            if start == end {
                start = 0
                end = 0
            }
        }
        if end > start {
            let tail = UnsafeRawBufferPointer(start: buffer + start, count: end - start)
            if case .ok = EventLine.check(tail) {
                lineNumber += 1
                _ = try onLine(lineNumber, total - end + start, tail)
                return End(lines: lineNumber, trailingBytes: 0, bytes: total, lostFinalNewline: true)
            }
        }
        return End(lines: lineNumber, trailingBytes: end - start, bytes: total)
    }
}
