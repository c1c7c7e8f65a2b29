import Foundation

/// Reading a known number of bytes at an offset, however few `pread` returns at a time.
public enum ExactRead {
    /// Fills `buffer` from `fd` at `offset`; false when the file ends first or a read fails.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer, fd: Int32, offset: Int64) -> Bool {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
