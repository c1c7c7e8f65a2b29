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

    /// As `scan`, handing out the lines in batches (at most `lines` lines each) whose bytes are the very
    /// buffers the file was read into, `chunkSize` bytes at a time: no line is copied again, except
    /// the start of a line that a buffer's end cuts off, which starts the next buffer (a buffer grows
    /// to twice a line that does not fit). The batches share their buffer and never change it. Their
    /// lines are numbered from `afterLine + 1` and their offsets count from `at`, where the reading
    /// starts; `End` counts from the start of the reading, as `scan`'s.
    static func scanBatches(fd: Int32, path: String, chunkSize: Int = 2 << 20, lines: Int = DecodeBatch.capacity,
                            afterLine: Int = 0, at firstOffset: Int = 0,
                            onBatch: (LineBatch) throws -> Void) throws -> End {
        var chunk: [UInt8] = []
        var tailStart = 0           // where the line that the last buffer cut off starts in it
        var lineNumber = 0
        var total = 0
        var atEnd = false
        while !atEnd {
            let previous = chunk
            let tail = previous.count - tailStart
            let capacity = max(chunkSize, 2 * tail)
            var readNow = 0
            chunk = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                if tail > 0 {
                    previous.withUnsafeBufferPointer { old in
                        if let from = old.baseAddress { base.update(from: from + tailStart, count: tail) }
                    }
                }
                initialized = tail
                while initialized < capacity {
                    let n = read(fd, base + initialized, capacity - initialized)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw LogError.readFailed(path: path, reason: systemReason(errno))
                    }
                    if n == 0 {
                        atEnd = true
                        break
                    }
                    initialized += n
                    readNow += n
                }
            }
            let chunkOffset = total - tail          // where the buffer starts in what was read
            total += readNow
            var batch = LineBatch(sharing: chunk)
            var start = 0
            try chunk.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                while start < raw.count, let found = memchr(base + start, 0x0A, raw.count - start) {
                    let newline = base.distance(to: UnsafeRawPointer(found))
                    lineNumber += 1
                    batch.lines.append((afterLine + lineNumber, firstOffset + chunkOffset + start, start, newline - start))
                    start = newline + 1
                    if batch.lines.count >= lines {
                        try onBatch(batch)
                        batch = LineBatch(sharing: chunk)
                    }
                }
            }
            if !batch.lines.isEmpty { try onBatch(batch) }
            tailStart = start
        }
        // After the last newline: a complete event that only lost its newline is a line (as in `scan`).
        let tail = chunk.count - tailStart
        if tail > 0 {
            let isEvent = chunk.withUnsafeBytes { raw -> Bool in
                if case .ok = EventLine.check(UnsafeRawBufferPointer(rebasing: raw[tailStart...])) { return true }
                return false
            }
            if isEvent {
                lineNumber += 1
                var batch = LineBatch(sharing: chunk)
                batch.lines.append((afterLine + lineNumber, firstOffset + total - tail, tailStart, tail))
                try onBatch(batch)
                return End(lines: lineNumber, trailingBytes: 0, bytes: total, lostFinalNewline: true)
            }
        }
        return End(lines: lineNumber, trailingBytes: tail, bytes: total)
    }
}
