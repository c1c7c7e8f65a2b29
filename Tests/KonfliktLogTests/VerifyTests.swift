import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

@Suite struct VerifyTests {
    @Test func intactLogVerifies() throws {
        let dir = TemporaryDirectory()
        try Sample.log(in: dir.data, count: 5)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        let file = try #require(report.files.first)
        #expect(file.file == "dev1.jsonl")
        #expect(file.events == 5)
        #expect(file.head?.seq == 5)
        #expect(file.head?.hash.count == 64)
        #expect(file.problem == nil)
    }

    @Test func lineLayoutNeedsNoJSONParsing() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 2)
        let lines = try Sample.lines(path)
        let first = String(decoding: lines[0], as: UTF8.self)
        let second = String(decoding: lines[1], as: UTF8.self)
        #expect(first.hasPrefix(#"{"prev":""# + EventLine.genesis + #"","seq":1,"v":1,"#))
        let firstHash = String(first.suffix(66).prefix(64))
        #expect(second.hasPrefix(#"{"prev":""# + firstHash + #"","seq":2,"#))
        #expect(first.hasSuffix(#""}"#))
        // The line is also plain JSON.
        let object = try JSONSerialization.jsonObject(with: lines[0]) as? [String: Any]
        #expect(object?["type"] as? String == "screening")
        #expect(object?["hash"] as? String == firstHash)
    }

    @Test(arguments: [0, 5, 80, 120, 200])
    func flippedByteIsFoundAtItsLine(offset: Int) throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        var lines = try Sample.lines(path)
        var line = lines[2]
        let index = line.startIndex + min(offset, line.count - 1)
        line[index] = line[index] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        lines[2] = line
        try Sample.write(lines: lines, to: path)
        let problem = try #require(try LogVerifier.verify(directory: dir.data).files.first?.problem)
        #expect(problem.line == 3)
        #expect([.badHash, .badJSON].contains(problem.kind))
    }

    @Test func flippedByteAnywhereIsDetected() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in stride(from: 0, to: original.count, by: 7) {
            var changed = original
            changed[offset] ^= 0x01
            try changed.write(to: URL(fileURLWithPath: path))
            let report = try LogVerifier.verify(directory: dir.data)
            #expect(!report.intact, "flip at \(offset) not detected")
        }
    }

    @Test func deletedLineBreaksTheChainThere() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        var lines = try Sample.lines(path)
        lines.remove(at: 2)
        try Sample.write(lines: lines, to: path)
        let problem = try LogVerifier.verify(directory: dir.data).files.first?.problem
        #expect(problem == Problem(kind: .brokenChain, line: 3))
    }

    @Test func duplicatedLineIsFound() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        var lines = try Sample.lines(path)
        lines.insert(lines[2], at: 3)
        try Sample.write(lines: lines, to: path)
        let problem = try LogVerifier.verify(directory: dir.data).files.first?.problem
        #expect(problem == Problem(kind: .brokenChain, line: 4))
    }

    @Test func swappedLinesAreFound() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        var lines = try Sample.lines(path)
        lines.swapAt(2, 3)
        try Sample.write(lines: lines, to: path)
        let problem = try LogVerifier.verify(directory: dir.data).files.first?.problem
        #expect(problem == Problem(kind: .brokenChain, line: 3))
    }

    @Test func insertedLineIsFound() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        var lines = try Sample.lines(path)
        let other = TemporaryDirectory()
        let foreign = try Sample.lines(try Sample.log(in: other.data, count: 4))
        lines.insert(foreign[3], at: 4)
        try Sample.write(lines: lines, to: path)
        let problem = try LogVerifier.verify(directory: dir.data).files.first?.problem
        #expect(problem == Problem(kind: .brokenChain, line: 5))
    }

    @Test func nonJSONAndNonUTF8LinesAreFound() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        var lines = try Sample.lines(path)
        lines.insert(Data("hello world".utf8), at: 1)
        try Sample.write(lines: lines, to: path)
        #expect(try LogVerifier.verify(directory: dir.data).files.first?.problem == Problem(kind: .badJSON, line: 2))
        lines[1] = Data([0x7B, 0xFF, 0xFE, 0x7D])
        try Sample.write(lines: lines, to: path)
        #expect(try LogVerifier.verify(directory: dir.data).files.first?.problem == Problem(kind: .notUTF8, line: 2))
    }

    @Test func unterminatedTailIsReported() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 3)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"prev":"abc"#.utf8))
        try handle.close()
        let file = try #require(try LogVerifier.verify(directory: dir.data).files.first)
        #expect(file.problem == Problem(kind: .unterminatedTail, line: 4))
        #expect(file.events == 3)
    }

    @Test func truncationAndRollbackAreFoundAgainstHeads() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        try Sample.log(in: dir.data, device: "dev2", count: 2)
        let heads = try LogVerifier.verify(directory: dir.data)
        let json = try JSONEncoder().encode(heads)
        let headsPath = dir.url.appendingPathComponent("heads.json").path
        try json.write(to: URL(fileURLWithPath: headsPath))
        let loaded = try LogVerifier.loadHeads(path: headsPath)
        #expect(loaded == heads)

        // Unchanged plus one more event: intact.
        try Sample.log(in: dir.data, count: 1)
        #expect(try LogVerifier.verify(directory: dir.data, against: loaded).intact)

        // Cut the last three lines off: a valid chain, but truncated.
        let lines = try Sample.lines(path)
        try Sample.write(lines: Array(lines.prefix(4)), to: path)
        #expect(try LogVerifier.verify(directory: dir.data).intact)
        let truncated = try LogVerifier.verify(directory: dir.data, against: loaded)
        #expect(truncated.files.first { $0.file == "dev1.jsonl" }?.problem == Problem(kind: .truncated, line: nil))

        // Replace the file with a different, equally long, valid history: rolled back.
        try FileManager.default.removeItem(atPath: path)
        try Sample.log(in: dir.data, count: 6)
        let rolled = try LogVerifier.verify(directory: dir.data, against: loaded)
        #expect(rolled.files.first { $0.file == "dev1.jsonl" }?.problem == Problem(kind: .rolledBack, line: 6))

        // Remove a file: missing.
        try FileManager.default.removeItem(atPath: dir.data.file("dev2.jsonl"))
        let missing = try LogVerifier.verify(directory: dir.data, against: loaded)
        #expect(missing.files.first { $0.file == "dev2.jsonl" }?.problem == Problem(kind: .missing, line: nil))
    }

    @Test func verifyReadsBigFilesAcrossChunkBoundaries() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 40)
        let report = try LogVerifier.verifyFile(path: path, name: "dev1.jsonl", against: nil, chunkSize: 64)
        #expect(report.problem == nil)
        #expect(report.events == 40)
    }
}

@Suite struct VerifyInputTests {
    @Test func missingDataDirectoryIsAnError() throws {
        let dir = TemporaryDirectory()
        #expect(throws: LogError.dataDirectoryUnavailable(path: dir.data.path, reason: "findes ikke")) {
            try LogVerifier.verify(directory: dir.data)
        }
    }

    @Test func headsFileThatIsNotVerifyOutputIsRejected() throws {
        let dir = TemporaryDirectory()
        let path = dir.url.appendingPathComponent("heads.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LogError.badHeadsFile(path: path, reason: "det er ikke output fra verify --json")) {
            try LogVerifier.loadHeads(path: path)
        }
    }
}
