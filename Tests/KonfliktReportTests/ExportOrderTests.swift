import Foundation
import KonfliktCore
import Synchronization
import Testing
@testable import KonfliktLog
@testable import KonfliktReport

/// Issue 16, item 15: the export's audit event is appended only once the file is in place, a failed
/// audit leaves no file, and temporary files of killed exports are removed.
@Suite struct ExportOrderTests {
    typealias F = ReportFixtures

    final class Seen: Sendable {
        let fileExisted = Mutex<Bool?>(nil)
    }

    @Test func theAuditEventIsAppendedAfterTheFileIsInPlace() throws {
        let folder = try F.TemporaryFolder()
        let data = try GoldenTests.makeData(in: folder.url)
        let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: try F.form(), now: GoldenTests.created)
        let out = folder.url.appendingPathComponent("eksport.csv")
        let seen = Seen()
        let path = out.path
        let watching = FileSystemClient(
            write: { fd, bytes in
                seen.fileExisted.withLock { $0 = FileManager.default.fileExists(atPath: path) }
                return FileSystemClient.live.write(fd, bytes)
            },
            fsync: FileSystemClient.live.fsync)
        let writer = LogWriter(directory: data, device: "kontor", fileSystem: watching)
        try ExportRunner.run(parameters, to: out, writer: writer, author: "PK")
        #expect(seen.fileExisted.withLock { $0 } == true)
    }

    @Test func aFailedAuditLeavesNoFile() throws {
        let folder = try F.TemporaryFolder()
        let data = try GoldenTests.makeData(in: folder.url)
        let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: try F.form(), now: GoldenTests.created)
        let out = folder.url.appendingPathComponent("eksport.csv")
        let writer = LogWriter(directory: data, device: "kontor", fileSystem: .failingSync(EIO))
        #expect(throws: ExportError.self) { try ExportRunner.run(parameters, to: out, writer: writer, author: "PK") }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test func staleTemporaryFilesAreRemoved() throws {
        let folder = try F.TemporaryFolder()
        let stale = folder.url.appendingPathComponent(".eksport.csv.tmp-999999999").path
        let running = folder.url.appendingPathComponent(".eksport.csv.tmp-\(getppid())").path
        let other = folder.url.appendingPathComponent(".andet.csv.tmp-999999999").path
        for path in [stale, running, other] { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        try ExportRunner.write(Data("a".utf8), to: folder.url.appendingPathComponent("eksport.csv"))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: running))
        #expect(FileManager.default.fileExists(atPath: other))
    }
}
