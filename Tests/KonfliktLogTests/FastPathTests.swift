import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog

/// The byte-level shortcuts the review's reading relies on give exactly what the slow paths give.
@Suite struct FastPathTests {
    @Test func fastUUIDAgreesWithFoundation() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(LogEvent.fastUUID(id.uuidString.lowercased()) == id)
            #expect(LogEvent.fastUUID(id.uuidString) == id)
        }
        #expect(LogEvent.fastUUID("not-a-uuid") == nil)
        #expect(LogEvent.fastUUID("0123456789abcdef0123456789abcdeg0123") == nil)
        // 32 hex digits and four dashes, but not where they belong: not a UUID for Foundation either.
        for text in ["0123456789abcdef0123456789abcdef----", "01234567-89ab-cdef-0123-456789abcdef".replacingOccurrences(of: "7-8", with: "78-")] {
            #expect(UUID(uuidString: text) == nil)
            #expect(LogEvent.fastUUID(text) == nil)
        }
    }

    @Test func stubTimestampsRoundTripExactlyOrAreKeptAsText() {
        for text in ["2026-11-22T09:15:03.007Z", "2024-02-29T23:59:59.999Z", "2000-01-01T00:00:00.000Z"] {
            let millis = Stub.millis(text)
            #expect(millis != nil)
            #expect(millis.map(Stub.format) == text)
        }
        for text in ["2026-11-22T24:00:00.000Z", "2026-02-30T10:00:00.000Z", "2026-11-22T09:15:03Z", "2026-11-22 09:15:03.007Z"] {
            #expect(Stub.millis(text) == nil)
        }
    }

    @Test func unflaggedScreeningsAreReadFromTheEnvelopeAndOthersAreNot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-fast-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = DataDirectory(path: root.path)
        let writer = LogWriter(directory: directory, device: "dev")
        func decision(_ flagged: Bool) -> Decision {
            Decision(form: "f", formVersion: 1, formFingerprint: "x", actions: flagged ? ["underretning"] : ["ingen"],
                     flagged: flagged, rules: [], warnings: [])
        }
        // A note that spells out the marker inside a string must not fool the byte test.
        let tricky: Answers = ["note": .string(#"se "flagged":true og "override": her"#)]
        let plain = try writer.append(.screening(ScreeningBody(form: "f", formVersion: 1, formFingerprint: "x",
            answers: tricky, decision: decision(false), visitDate: nil, override: nil)), author: "AB")
        _ = try writer.append(.screening(ScreeningBody(form: "f", formVersion: 1, formFingerprint: "x",
            answers: [:], decision: decision(true), visitDate: nil, override: nil)), author: "AB")
        _ = try writer.append(.screening(ScreeningBody(form: "f", formVersion: 1, formFingerprint: "x",
            answers: [:], decision: decision(false), visitDate: nil, override: Override(actions: ["opfoelgning"], reason: "r"))),
            author: "AB")
        var stubs: [Int] = []
        let text = try String(contentsOfFile: directory.file("dev.jsonl"), encoding: .utf8)
        for (index, line) in text.split(separator: "\n").enumerated() {
            let bytes = Array(line.utf8)
            let stub = bytes.withUnsafeBytes { LogEvent.decodeUnflaggedScreening($0, file: "dev.jsonl", line: index + 1) }
            let full = try bytes.withUnsafeBytes { try LogEvent.decode($0, file: "dev.jsonl", line: index + 1) }
            if let stub {
                stubs.append(index + 1)
                #expect(stub.id == full.id && stub.timestamp == full.timestamp && stub.hash == full.hash)
                #expect(stub.author == full.author && stub.device == full.device && stub.seq == full.seq)
            }
        }
        #expect(stubs == [1])
        #expect(plain.seq == 1)
    }
}
