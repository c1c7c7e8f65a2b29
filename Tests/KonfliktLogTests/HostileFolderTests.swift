import Foundation
import KonfliktCore
import Synchronization
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

/// Issue 16: what a shared folder can hold (FIFOs, links, folders, lost newlines, bodies only the
/// readers look at, loose permissions) neither hangs, fools nor damages the program.
@Suite(.serialized) struct HostileFolderTests {
    /// Runs `body` on another thread and fails if it has not finished within `seconds` (a FIFO that
    /// is opened blocking would never return).
    func withinSeconds<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let thread = Thread { result.withLock { $0 = Result { try body() } } }
        thread.start()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let done = result.withLock({ $0 }) { return try done.get() }
            usleep(10_000)
        }
        Issue.record("did not finish within \(seconds) s")
        throw CancellationError()
    }

    // MARK: Items 1 and 3: a FIFO or a folder named *.jsonl

    @Test(arguments: ["fifo", "folder"]) func readersSkipWhatIsNotARegularFile(_ kind: String) throws {
        let dir = TemporaryDirectory()
        try Sample.log(in: dir.data, count: 3)
        let strange = dir.data.file("x.jsonl")
        if kind == "fifo" { #expect(mkfifo(strange, 0o600) == 0) } else { #expect(mkdir(strange, 0o700) == 0) }
        let data = dir.data
        let (events, problems) = try withinSeconds(10) {
            var count = 0
            let problems = try LogReader.forEachEvent(in: data) { _ in count += 1 }
            return (count, problems)
        }
        #expect(events == 3)
        #expect(problems.count == 1)
        guard case .notRegularFile(let path, _)? = problems.first else { Issue.record("\(problems)"); return }
        #expect(path == strange)
        #expect(data.skippedEntries().count == 1)

        let report = try withinSeconds(10) { try LogVerifier.verify(directory: data) }
        #expect(!report.intact)
        #expect(report.files.map(\.file) == ["dev1.jsonl", "x.jsonl"])
        #expect(report.files[0].problem == nil && report.files[0].events == 3)
        #expect(report.files[1].problem?.kind == .notRegularFile)
    }

    // MARK: Item 2: a symbolic link

    @Test func theWriterNeverWritesThroughALink() throws {
        let dir = TemporaryDirectory()
        let outside = dir.url.appendingPathComponent("outside.txt").path
        let original = Data("ikke en log\nuden linjeskift".utf8)
        try original.write(to: URL(fileURLWithPath: outside))
        try dir.data.create()
        #expect(symlink(outside, dir.data.file("dev1.jsonl")) == 0)
        let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        #expect(result.file == "dev1-2.jsonl")
        #expect(result.warnings.contains { $0.contains("dev1.jsonl") && $0.contains("ikke en almindelig fil") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("quarantine") }.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.data.path).filter { $0.contains("quarantine") }.isEmpty)
        // The next append goes on in the new file.
        #expect(try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB").seq == 2)

        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.files.first { $0.file == "dev1.jsonl" }?.problem?.kind == .symbolicLink)
        #expect(report.files.first { $0.file == "dev1-2.jsonl" }?.events == 2)
        var events = 0
        let problems = try LogReader.forEachEvent(in: dir.data) { _ in events += 1 }
        #expect(events == 2)
        #expect(problems == [.symbolicLink(path: dir.data.file("dev1.jsonl"))])
    }

    @Test func aFIFOAtTheDeviceNameIsLeftAlone() throws {
        let dir = TemporaryDirectory()
        try dir.data.create()
        #expect(mkfifo(dir.data.file("dev1.jsonl"), 0o600) == 0)
        let data = dir.data
        let result = try withinSeconds(10) {
            try LogWriter(directory: data, device: "dev1").append(Sample.screening(), author: "AB")
        }
        #expect(result.file == "dev1-2.jsonl")
    }

    // MARK: Item 4: a lost final newline

    @Test func aCompleteLastLineWithoutNewlineIsAnEvent() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast()                                   // a sync tool dropped only the newline
        try bytes.write(to: URL(fileURLWithPath: path))

        var seqs: [Int] = []
        let problems = try LogReader.forEachEvent(in: dir.data) { seqs.append($0.event.seq) }
        #expect(seqs == [1, 2, 3])
        #expect(problems.isEmpty)
        var report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        #expect(report.files.first?.events == 3)
        #expect(report.files.first?.missingFinalNewline == true)

        let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        #expect(result.seq == 4)
        #expect(result.warnings.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.data.path).filter { $0.contains("quarantine") }.isEmpty)
        #expect(try Sample.lines(path).count == 4)
        report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact && report.files.first?.events == 4 && report.files.first?.missingFinalNewline == nil)
    }

    @Test func aTornLastLineIsStillQuarantined() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast(10)                                  // hash cut short: never acknowledged
        try bytes.write(to: URL(fileURLWithPath: path))
        var seqs: [Int] = []
        _ = try LogReader.forEachEvent(in: dir.data) { seqs.append($0.event.seq) }
        #expect(seqs == [1, 2])
        #expect(try LogVerifier.verify(directory: dir.data).files.first?.problem?.kind == .unterminatedTail)
        let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
        #expect(result.seq == 3)
        #expect(result.warnings.count == 1)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        #expect(report.quarantineFiles.count == 1)
    }

    // MARK: Item 5: verify reads bodies as the readers do

    /// Replaces line `index` of the device file by a line with `type` and `body` (raw JSON after
    /// `"body":`, or a whole `"enc":…` member), resealed so that its hash and chain are right.
    func reseal(_ path: String, line index: Int, type: String, member: String) throws {
        var lines = try Sample.lines(path)
        let text = String(decoding: lines[index], as: UTF8.self)
        let prefixEnd = try #require(text.range(of: #","type":""#)).lowerBound
        let head = String(text[..<prefixEnd])
        let devicePart = try #require(text.range(of: #","device":""#))
        let bodyStart = try #require(text.range(of: #","body":"#))
        let envelopeTail = String(text[devicePart.lowerBound..<bodyStart.lowerBound])
        let content = head + #","type":"\#(type)""# + envelopeTail + "," + member
        let (sealed, _) = EventLine.seal(Array(content.utf8))
        lines[index] = Data(sealed.dropLast())
        try Sample.write(lines: lines, to: path)
    }

    @Test(arguments: [
        ("hemmelig", #""body":{}"#, ProblemKind.unknownType),
        ("screening", #""body":"ikke et objekt""#, ProblemKind.badBody),
        ("followup", #""body":{"screening":"x"}"#, ProblemKind.badBody),
        ("screening", #""enc":"ikke et objekt""#, ProblemKind.badBody),
    ])
    func verifySeesWhatTheReadersCannotRead(_ type: String, _ member: String, _ kind: ProblemKind) throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        try reseal(path, line: 2, type: type, member: member)
        var events = 0
        let problems = try LogReader.forEachEvent(in: dir.data) { _ in events += 1 }
        #expect(events == 2 && problems.count == 1)
        let report = try LogVerifier.verify(directory: dir.data)
        let file = try #require(report.files.first)
        #expect(file.problem == Problem(kind: kind, line: 3), "\(file)")
        #expect(file.events == 2)
        #expect(file.head?.seq == 2)
    }

    @Test func skippingBodiesChecksOnlyTheChain() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        try reseal(path, line: 2, type: "hemmelig", member: #""body":{}"#)
        let quick = try LogVerifier.verify(directory: dir.data, checkingBodies: false)
        #expect(quick.intact && quick.files.first?.events == 3 && quick.files.first?.head?.seq == 3)
        #expect(!(try LogVerifier.verify(directory: dir.data).intact))
    }

    @Test func aWellFormedEncryptedBodyPassesVerify() throws {
        /// Verify of a two-line log whose second line carries `member` instead of its body.
        func verified(_ member: String) throws -> VerifyReport {
            let dir = TemporaryDirectory()
            let path = try Sample.log(in: dir.data, count: 2)
            try reseal(path, line: 1, type: "screening", member: member)
            return try LogVerifier.verify(directory: dir.data)
        }
        // Version 1, base mode, one stanza, a nonce and a tag: the layout verify can check without a key.
        let blob = Data([1, 0, 1] + [UInt8](repeating: 0, count: BodyCrypto.stanzaLength + 12 + 16)).base64EncodedString()
        #expect(try verified(#""enc":"\#(blob)""#).intact)
        // Not the layout konflikt writes: a body problem, not a pass.
        #expect(!(try verified(#""enc":{"alg":"x","ct":"AAAA"}"#).intact))
        let newer = Data([2, 0, 1] + [UInt8](repeating: 0, count: BodyCrypto.stanzaLength + 12 + 16)).base64EncodedString()
        #expect(try verified(#""enc":"\#(newer)""#).files.first?.problem?.kind == .futureVersion)
    }

    @Test func bodyProblemsAreFoundAcrossBatches() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 2)
        // Many intact events first, so that the bad one is in a later batch.
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<2100 { try writer.append(.export(ExportBody(parameters: ["a": "b"])), author: "AB") }
        let lines = try Sample.lines(path)
        #expect(lines.count == 2102)
        try reseal(path, line: 2101, type: "ukendt", member: #""body":{}"#)
        let file = try #require(try LogVerifier.verify(directory: dir.data).files.first)
        #expect(file.problem == Problem(kind: .unknownType, line: 2102))
        #expect(file.events == 2101 && file.head?.seq == 2101)
    }

    // MARK: Item 13: permissions and owners

    @Test func loosePermissionsAndForeignOwnersAreProblems() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 1)
        #expect(try LogVerifier.verify(directory: dir.data).intact)
        chmod(dir.data.path, 0o777)
        var report = try LogVerifier.verify(directory: dir.data)
        #expect(!report.intact)
        #expect(report.access == [AccessProblem(file: nil, kind: .loosePermissions, mode: 0o777, owner: Int(geteuid()))])
        #expect(report.access.first?.danishDescription.contains("0777") == true)
        chmod(dir.data.path, 0o700)
        chmod(path, 0o666)
        report = try LogVerifier.verify(directory: dir.data)
        #expect(report.access.map(\.file) == ["dev1.jsonl"])
        chmod(path, 0o640)                                  // group read is allowed
        #expect(try LogVerifier.verify(directory: dir.data).intact)
        chmod(path, 0o600)
        if geteuid() == 0 {
            #expect(chown(dir.data.path, 4242, 4242) == 0)
            report = try LogVerifier.verify(directory: dir.data)
            #expect(report.access.map(\.kind) == [.foreignOwner])
            #expect(report.access.first?.danishDescription.contains("4242") == true)
        }
        // The JSON form carries them, and an old heads file without them still loads.
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(VerifyReport.self, from: json) == report)
        let old = #"{"files":[{"file":"a.jsonl","events":1,"lines":1}],"intact":true}"#
        #expect(try JSONDecoder().decode(VerifyReport.self, from: Data(old.utf8)).access.isEmpty)
    }

    // MARK: Item 15: quarantine on a full disk, verify --against a folder

    @Test func aFullDiskLeavesNoEmptyQuarantineFile() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 2)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast(20)
        try bytes.write(to: URL(fileURLWithPath: path))
        let full = LogWriter(directory: dir.data, device: "dev1", fileSystem: .failingWrite(ENOSPC))
        #expect(throws: LogError.self) { try full.append(Sample.screening(), author: "AB") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.data.path) == ["dev1.jsonl"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func headsFileThatIsAFolderSaysSo() throws {
        let dir = TemporaryDirectory()
        do {
            _ = try LogVerifier.loadHeads(path: dir.path)
            Issue.record("a folder loaded")
        } catch {
            #expect(error.danishDescription.contains("mappe"))
            #expect(!error.danishDescription.contains("adgang nægtet"))
        }
    }

    @Test func verifyListsQuarantineFiles() throws {
        let dir = TemporaryDirectory()
        try Sample.log(in: dir.data, count: 1)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.data.file("dev1.jsonl.quarantine-20261130T120000000Z-42")))
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.quarantineFiles == ["dev1.jsonl.quarantine-20261130T120000000Z-42"])
        #expect(report.intact)
    }

    // MARK: Item 9: a limit on the line

    @Test func anOversizedEventIsRefusedBeforeAnythingIsWritten() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 1)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let body = EventBody.export(ExportBody(parameters: ["x": String(repeating: "a", count: LogWriter.maximumLineBytes)]))
        #expect(throws: LogError.self) { try LogWriter(directory: dir.data, device: "dev1").append(body, author: "AB") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
