import Foundation

/// Looks at the end of a log file only (reading backwards in small chunks), so the cost of an
/// append does not grow with the file.
enum TailInspector {
    /// What the end of a file holds.
    enum Tail: Equatable {
        /// An empty file: the next event is the first.
        case empty
        /// The last line is an intact event.
        case intact(seq: Int, hash: String, version: Int)
        /// The last line is an intact event whose newline was lost (a sync tool or an editor dropped
        /// it): the next append writes the newline first.
        case intactWithoutNewline(seq: Int, hash: String, version: Int)
        /// The file ends without a newline and the unterminated part, from `offset`, is not an intact
        /// event: a torn write.
        case unterminated(offset: Int)
        /// The last complete line is not an intact event.
        case damaged
    }

    /// Inspects the file `fd` of `size` bytes.
    static func inspect(fd: Int32, size: Int, path: String) throws(LogError) -> Tail {
        guard size > 0 else { return .empty }
        // The common case in one read: the file's last 8 KiB hold the whole last line.
        let window = min(size, 8192)
        var tail = [UInt8](repeating: 0, count: window)
        let read = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(size - window)) }
        if read == window, tail[window - 1] == 0x0A {
            let before = tail[0..<(window - 1)].lastIndex(of: 0x0A)
            if before != nil || window == size {
                let line = Array(tail[(before.map { $0 + 1 } ?? 0)..<(window - 1)])
                return check(line)
            }
        }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, off_t(size - 1)) == 1 else { throw .readFailed(path: path, reason: systemReason(errno)) }
        if last != 0x0A {
            let newline = try lastNewline(fd: fd, before: size, path: path)
            let offset = newline.map { $0 + 1 } ?? 0
            if case .intact(let seq, let hash, let version) = check(try readRange(fd: fd, from: offset, to: size, path: path)) {
                return .intactWithoutNewline(seq: seq, hash: hash, version: version)
            }
            return .unterminated(offset: offset)
        }
        let start = (try lastNewline(fd: fd, before: size - 1, path: path)).map { $0 + 1 } ?? 0
        return check(try readRange(fd: fd, from: start, to: size - 1, path: path))
    }

    /// The state of a complete last line (without its newline).
    private static func check(_ line: [UInt8]) -> Tail {
        let check = line.withUnsafeBytes { EventLine.check($0) }
        guard case .ok(let seq, let version) = check else { return .damaged }
        let hash = line.withUnsafeBytes { String(decoding: EventLine.hashField($0), as: UTF8.self) }
        return .intact(seq: seq, hash: hash, version: version)
    }

    /// The offset of the last newline before `end`, searching backwards in 4 KiB chunks.
    static func lastNewline(fd: Int32, before end: Int, path: String) throws(LogError) -> Int? {
        let chunk = 4096
        var buffer = [UInt8](repeating: 0, count: chunk)
        var upper = end
        while upper > 0 {
            let lower = max(0, upper - chunk)
            let wanted = upper - lower
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(lower)) }
            guard n == wanted else { throw .readFailed(path: path, reason: systemReason(n < 0 ? errno : EIO)) }
            if let index = buffer[0..<wanted].lastIndex(of: 0x0A) { return lower + index }
            upper = lower
        }
        return nil
    }

    /// The bytes from `from` up to (not including) `to`.
    static func readRange(fd: Int32, from: Int, to: Int, path: String) throws(LogError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: to - from)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(from + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw .readFailed(path: path, reason: systemReason(n < 0 ? errno : EIO)) }
            done += n
        }
        return bytes
    }
}
