import Foundation
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

/// Real processes appending to one log: SIGKILL at random moments and several writers at once.
/// Uses the `konflikt-log-stress` helper executable (built with the package).
@Suite struct ProcessTests {
    static var stressBinary: String {
        if let env = ProcessInfo.processInfo.environment["KONFLIKT_LOG_STRESS"], !env.isEmpty { return env }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("konflikt-log-stress").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/konflikt-log-stress").path
    }

    /// Starts the helper; returns the process and its stdout pipe.
    static func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: stressBinary)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    static func acknowledgedIDs(_ data: Data) -> [String] {
        // Only complete lines count: an id is printed after fsync returned.
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()
        return lines
    }

    @Test func everyAcknowledgedRecordSurvivesSIGKILL() throws {
        let dir = TemporaryDirectory()
        var acknowledged: [String] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let (process, out) = try Self.start([dir.data.path, "dev1", "0"])
            usleep(UInt32.random(in: 5_000...60_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            acknowledged += Self.acknowledgedIDs(data)
        }
        // Before recovery only an unterminated tail may be wrong.
        let before = try LogVerifier.verify(directory: dir.data)
        #expect(before.files.allSatisfy { $0.problem == nil || $0.problem?.kind == .unterminatedTail })
        // Appending works again (recovering the tail if needed), and then everything verifies.
        let writer = LogWriter(directory: dir.data, device: "dev1")
        try writer.append(.export(ExportBody(parameters: ["after": "crash"])), author: "AB")
        let after = try LogVerifier.verify(directory: dir.data)
        #expect(after.intact)
        #expect(after.files.map(\.file) == ["dev1.jsonl"])
        var stored = Set<String>()
        let problems = try LogReader.forEachEvent(in: dir.data) { stored.insert($0.event.id.uuidString.lowercased()) }
        #expect(problems.isEmpty)
        let missing = acknowledged.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "acknowledged but missing: \(missing)")
        #expect(stored.count >= acknowledged.count + 1)
    }

    @Test func fourWritersMakeOneUnbrokenChain() throws {
        let dir = TemporaryDirectory()
        let writers = try (0..<4).map { _ in try Self.start([dir.data.path, "dev1", "250"]) }
        var ids: [String] = []
        for (process, out) in writers {
            ids += Self.acknowledgedIDs(out.fileHandleForReading.readDataToEndOfFile())
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect(ids.count == 1000)
        #expect(Set(ids).count == 1000)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        #expect(report.files.count == 1)
        #expect(report.files.first?.events == 1000)
        #expect(report.files.first?.head?.seq == 1000)
    }

    @Test func fileSizeLimitGivesADanishErrorAndKeepsEveryEvent() throws {
        let dir = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 2 blocks (512 or 1024 bytes each, depending on the shell): room for a few events only.
        process.arguments = ["-c", "ulimit -f 2 && exec \"$0\" \"$1\" dev1 100", Self.stressBinary, dir.data.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let ids = Self.acknowledgedIDs(out.fileHandleForReading.readDataToEndOfFile())
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(message.contains("IKKE gemt"))
        #expect(message.contains("størrelse"))
        #expect(ids.count > 0 && ids.count < 100)
        let report = try LogVerifier.verify(directory: dir.data)
        #expect(report.intact)
        #expect(report.files.first?.events == ids.count)
    }
}
