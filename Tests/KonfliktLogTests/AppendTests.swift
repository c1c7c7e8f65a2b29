import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

@Suite struct AppendTests {
    @Test func appendCreatesPrivateFilesAndChainsEvents() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let first = try writer.append(Sample.screening(), author: "AB")
        let second = try writer.append(Sample.screening(), author: "AB")
        #expect(first.seq == 1 && second.seq == 2)
        #expect(first.file == "dev1.jsonl")
        let fileMode = try FileManager.default.attributesOfItem(atPath: dir.data.file("dev1.jsonl"))[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.data.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
        var events: [LogEvent] = []
        let problems = try LogReader.forEachEvent(in: dir.data) { events.append($0.event) }
        #expect(problems.isEmpty)
        #expect(events.map(\.id) == [first.id, second.id])
        #expect(events[1].prev == first.hash)
        guard case .screening(let body) = events[0].body else {
            Issue.record("expected a screening")
            return
        }
        #expect(body.answers["note"] == .string("æøå \"x\"\n"))
        #expect(body.visitDate == LocalDate(year: 2026, month: 3, day: 2))
    }

    @Test func unterminatedTailIsQuarantinedBeforeTheNextAppend() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        let partial = Data(#"{"prev":"0000","seq":4,"v":1,"id":"x"#.utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: partial)
        try handle.close()

        let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        #expect(result.seq == 4)
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("flyttet til dev1.jsonl.quarantine-") == true)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.data.path)
        let quarantine = try #require(names.first { $0.hasPrefix("dev1.jsonl.quarantine-") })
        #expect(FileManager.default.contents(atPath: dir.data.file(quarantine)) == partial)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.data.file(quarantine))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        #expect(report.files.map(\.file) == ["dev1.jsonl"])
        #expect(report.files.first?.events == 4)
    }

    @Test func damagedTailIsNeverRewrittenAndWritingGoesOnInANewFile() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        var lines = try Sample.lines(path)
        lines[2][lines[2].startIndex + 100] ^= 0x01
        try Sample.write(lines: lines, to: path)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))

        let writer = LogWriter(directory: dir.data, device: "dev1")
        let result = try writer.append(Sample.screening(), author: "AB")
        #expect(result.file == "dev1-2.jsonl")
        #expect(result.seq == 1)
        #expect(result.warnings.first?.contains("beskadiget") == true)
        let again = try writer.append(Sample.screening(), author: "AB")
        #expect(again.file == "dev1-2.jsonl")
        #expect(again.seq == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.files.first { $0.file == "dev1.jsonl" }?.problem == Problem(kind: .badHash, line: 3))
        #expect(report.files.first { $0.file == "dev1-2.jsonl" }?.problem == nil)
    }

    @Test(arguments: [ENOSPC, EFBIG, EIO])
    func injectedWriteErrorSavesNothingAndLosesNothing(code: Int32) throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 2)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let writer = LogWriter(directory: dir.data, device: "dev1", fileSystem: .failingWrite(code, writtenBytes: 50))
        #expect {
            try writer.append(Sample.screening(), author: "AB")
        } throws: { error in
            guard let error = error as? LogError, case .writeFailed = error else { return false }
            return error.exitCode == 74 && error.danishDescription.contains("IKKE gemt")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try LogVerifier.verify(directory: dir.data).intact)
        #expect(try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB").seq == 3)
    }

    @Test func injectedSyncErrorSavesNothing() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 2)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let writer = LogWriter(directory: dir.data, device: "dev1", fileSystem: .failingSync(EIO))
        #expect(throws: LogError.syncFailed(path: path, reason: systemReason(EIO))) {
            try writer.append(Sample.screening(), author: "AB")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func dataDirectoryUnderARegularFileIsReported() throws {
        let dir = TemporaryDirectory()
        let blocker = dir.url.appendingPathComponent("file").path
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let writer = LogWriter(directory: DataDirectory(path: blocker + "/data"), device: "dev1")
        #expect {
            try writer.append(Sample.screening(), author: "AB")
        } throws: { error in
            guard let error = error as? LogError, case .dataDirectoryUnavailable = error else { return false }
            return error.exitCode == 74 && error.danishDescription.hasPrefix("Datamappen")
        }
        #expect(throws: LogError.dataDirectoryUnavailable(path: blocker, reason: systemReason(ENOTDIR))) {
            try DataDirectory(path: blocker).logFiles()
        }
    }

    @Test func futureVersionAtTheTailStopsTheAppend() throws {
        let dir = TemporaryDirectory()
        try dir.data.create()
        let (line, _) = try EventLine.make(prev: EventLine.genesis, seq: 1, id: UUID(), timestamp: "2026-01-01T00:00:00.000Z",
                                           device: "dev1", author: "AB", body: .export(ExportBody(parameters: [:])))
        // Rebuild the same line as version 2 with a correct hash.
        var text = String(decoding: line, as: UTF8.self)
        text = String(text.prefix(text.utf8.count - 76)).replacingOccurrences(of: #""v":1,"#, with: #""v":2,"#)
        let fixed = try makeLine(prefix: text)
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: dir.data.file("dev1.jsonl")))
        #expect(throws: LogError.unsupportedVersion(file: "dev1.jsonl", line: 1, version: 2)) {
            try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        }
        #expect(try LogVerifier.verify(directory: dir.data).files.first?.problem == Problem(kind: .futureVersion, line: 1))
        let problems = try LogReader.forEachEvent(in: dir.data) { _ in }
        #expect(problems == [.unsupportedVersion(file: "dev1.jsonl", line: 1, version: 2)])
        #expect(problems.first?.danishDescription.contains("nyere") == true)
    }

    @Test func unknownTypeAndBadLinesAreReportedNotDropped() throws {
        let dir = TemporaryDirectory()
        try Sample.log(in: dir.data, count: 1)
        let prefix = #"{"prev":"\#(EventLine.genesis)","seq":1,"v":1,"id":"\#(UUID().uuidString)","ts":"2026-01-01T00:00:00.000Z","type":"besoeg","device":"dev2","author":"AB","body":{}"#
        var text = try makeLine(prefix: prefix)
        text += "ikke json\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir.data.file("dev2.jsonl")))
        var count = 0
        let problems = try LogReader.forEachEvent(in: dir.data) { _ in count += 1 }
        #expect(count == 1)
        #expect(problems.count == 2)
        #expect(problems.first == .unknownEventType(file: "dev2.jsonl", line: 1, type: "besoeg"))
        #expect(problems.first?.danishDescription == "dev2.jsonl linje 1: ukendt hændelsestype \"besoeg\"; opdatér konflikt.")
        #expect(problems.allSatisfy { $0.exitCode == 65 })
    }

    @Test func appendCostDoesNotReadTheWholeFile() throws {
        // A big file whose head is garbage: only the tail may be read, so the append still works
        // in the same file.
        let dir = TemporaryDirectory()
        try dir.data.create()
        let path = dir.data.file("dev1.jsonl")
        var garbage = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        garbage.append(0x0A)
        try garbage.write(to: URL(fileURLWithPath: path))
        try Sample.log(in: DataDirectory(path: dir.url.appendingPathComponent("other").path), count: 1)
        let lastLine = try Data(contentsOf: URL(fileURLWithPath: dir.url.appendingPathComponent("other/dev1.jsonl").path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: lastLine)
        try handle.close()
        let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        #expect(result.file == "dev1.jsonl")
        #expect(result.seq == 2)
    }

    private func makeLine(prefix: String) throws -> String {
        String(decoding: EventLine.seal(Array(prefix.utf8)).line, as: UTF8.self)
    }
}

/// The append path's shortcuts: ids from the system generator, and the tail read in one go.
@Suite struct AppendShortcutTests {
    @Test func newIDsAreVersion4RFC4122AndDistinct() {
        var seen = Set<UUID>()
        for _ in 0..<1000 {
            let id = LogWriter.newID()
            let text = id.uuidString
            #expect(Array(text)[14] == "4")
            #expect("89AB".contains(Array(text)[19]))
            #expect(UUID(uuidString: text) == id)
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test func aLastLineLongerThanTheTailWindowIsStillChained() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        try writer.append(Sample.screening(), author: "AB")
        let long = try writer.append(.export(ExportBody(parameters: ["note": String(repeating: "æ", count: 6000)])), author: "AB")
        let after = try writer.append(Sample.screening(), author: "AB")
        #expect(after.seq == long.seq + 1)
        let lines = try Sample.lines(dir.data.file("dev1.jsonl"))
        #expect(lines.count == 3 && lines[1].count > 8192)
        let prev = try #require(String(decoding: lines[2], as: UTF8.self).split(separator: "\"").dropFirst(3).first)
        #expect(String(prev) == long.hash)
    }
}
