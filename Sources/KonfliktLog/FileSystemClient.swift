import Foundation

/// The two system calls whose failure decides whether an append is saved, as replaceable values, so
/// tests can inject a full disk, a file size limit or an I/O error (`live` calls the kernel).
public struct FileSystemClient: Sendable {
    /// `write(2)`: the number of bytes written, or minus the `errno` code.
    public var write: @Sendable (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    /// `fsync(2)`: 0, or the `errno` code.
    public var fsync: @Sendable (_ fd: Int32) -> Int32

    /// A client from the two functions.
    public init(write: @escaping @Sendable (Int32, UnsafeRawBufferPointer) -> Int,
                fsync: @escaping @Sendable (Int32) -> Int32) {
        self.write = write
        self.fsync = fsync
    }

    /// The real system calls.
    public static let live = FileSystemClient(
        write: { fd, bytes in
            let n = Foundation.write(fd, bytes.baseAddress, bytes.count)
            return n < 0 ? -Int(errno) : n
        },
        fsync: { fd in Foundation.fsync(fd) == 0 ? 0 : errno }
    )

    /// A client whose `write` really writes the first `writtenBytes` bytes of the line (a torn
    /// write) and then fails with `code`, e.g. `ENOSPC` or `EFBIG`.
    public static func failingWrite(_ code: Int32, writtenBytes: Int = 0) -> FileSystemClient {
        FileSystemClient(
            write: { fd, bytes in
                let count = min(writtenBytes, bytes.count)
                if count > 0 { _ = Foundation.write(fd, bytes.baseAddress, count) }
                return -Int(code)
            },
            fsync: live.fsync
        )
    }

    /// A client whose `write` works and whose `fsync` fails with `code` (e.g. `EIO`).
    public static func failingSync(_ code: Int32) -> FileSystemClient {
        FileSystemClient(write: live.write, fsync: { _ in code })
    }
}
