import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

/// A small seeded generator (SplitMix64), so that a failing fuzz run can be repeated exactly.
struct LogFuzzRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Issue 16, "keep it true": seeded, bounded fuzzing of the log reader, verify and the writer's
/// recovery over damaged files — random byte damage, and structured damage that reseals a changed
/// line so that its hash is right and only the body is wrong. Properties: no crash, no hang, errors
/// only with documented exit codes, and every reader sees what verify sees (a file verify passes is
/// read without problems, a line the reader cannot read makes verify fail).
@Suite(.serialized) struct LogFuzzTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var seconds: Double { environment["KONFLIKT_FUZZ_SECONDS"].flatMap(Double.init) ?? 3 }
    static var iterations: Int { environment["KONFLIKT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 400 }
    static var seed: UInt64 { environment["KONFLIKT_FUZZ_SEED"].flatMap(UInt64.init) ?? 16 }

    static let bodyFragments = [#"{}"#, #""x""#, #"[]"#, #"null"#, #"{"answers":{}}"#, #"{"screening":"nope"}"#,
                                #"{"parameters":{"a":1}}"#, #"{"parameters":{"a":"b"}}"#, "{", #"{"a":"\u00"}"#]
    static let typeFragments = ["screening", "correction", "followup", "export", "ukendt", "", "Screening"]

    /// Replaces line `index` with its envelope, a random type and a random body, sealed with a right hash.
    static func reseal(_ line: [UInt8], _ random: inout LogFuzzRandom) -> [UInt8]? {
        let text = String(decoding: line, as: UTF8.self)
        guard let typeRange = text.range(of: #","type":""#), let device = text.range(of: #","device":""#),
              let body = text.range(of: #","body":"#), typeRange.lowerBound < device.lowerBound else { return nil }
        let type = typeFragments.randomElement(using: &random)!
        var member = #""body":"# + bodyFragments.randomElement(using: &random)!
        if Bool.random(using: &random), random.next() % 4 == 0 { member = #""enc":"# + bodyFragments.randomElement(using: &random)! }
        if random.next() % 3 == 0 {
            // Keep the real body but cut or change a piece of it.
            var original = String(text[body.upperBound...].dropLast(75))
            if !original.isEmpty {
                let index = original.index(original.startIndex, offsetBy: Int.random(in: 0..<original.count, using: &random))
                original.remove(at: index)
            }
            member = #""body":"# + original
        }
        let content = String(text[..<typeRange.lowerBound]) + #","type":"\#(type)""# + String(text[device.lowerBound..<body.lowerBound]) + "," + member
        return Array(EventLine.seal(Array(content.utf8)).line.dropLast())
    }

    @Test func readerVerifyAndWriterOverDamagedLogs() throws {
        let dir = TemporaryDirectory()
        let path = try Sample.log(in: dir.data, count: 6)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var random = LogFuzzRandom(seed: Self.seed &* 31 &+ 4)
        let deadline = Date().addingTimeInterval(Self.seconds)
        var iteration = 0
        var verifiedIntact = 0
        while iteration < Self.iterations, Date() < deadline {
            defer { iteration += 1 }
            var lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { [UInt8]($0) }
            switch iteration % 4 {
            case 0, 1:                                   // structured: a resealed line with a changed body
                let index = Int.random(in: 0..<lines.count, using: &random)
                guard let sealed = Self.reseal(lines[index], &random) else { continue }
                lines[index] = sealed
            case 2:                                      // random bytes anywhere
                let index = Int.random(in: 0..<lines.count, using: &random)
                for _ in 0..<Int.random(in: 1...3, using: &random) where !lines[index].isEmpty {
                    let at = Int.random(in: 0..<lines[index].count, using: &random)
                    lines[index][at] = UInt8.random(in: 0...255, using: &random)
                }
            default:                                     // lines removed, repeated or moved
                let a = Int.random(in: 0..<lines.count, using: &random), b = Int.random(in: 0..<lines.count, using: &random)
                switch random.next() % 3 {
                case 0: lines.remove(at: a)
                case 1: lines.insert(lines[a], at: b)
                default: lines.swapAt(a, b)
                }
            }
            var bytes = Data(lines.joined(separator: [0x0A])) + Data([0x0A])
            if random.next() % 5 == 0 { bytes.removeLast(Int.random(in: 1...min(80, bytes.count), using: &random)) }
            try bytes.write(to: URL(fileURLWithPath: path))

            var events = 0
            let problems = try LogReader.forEachEvent(in: dir.data) { _ in events += 1 }
            let report = try LogVerifier.verify(directory: dir.data)
            let file = try #require(report.files.first)
            // An encrypted body is for the key holder to read; verify checks only its shape.
            let unread = problems.filter { if case .encryptedBody = $0 { return false } else { return true } }
            if file.problem == nil {
                verifiedIntact += 1
                #expect(unread.isEmpty, "verify passed what the reader could not read: \(unread)")
                #expect(events + (problems.count - unread.count) == file.events)
            }
            if !unread.isEmpty { #expect(!report.intact, "the reader skipped a line verify passed: \(unread)") }
            for problem in problems {
                // 77: an encrypted body met without a key (docs/SECURITY.md); the rest are data or I/O.
                if case .encryptedBody = problem { #expect(problem.exitCode == 77) } else { #expect([65, 74].contains(problem.exitCode)) }
            }

            // The writer either appends after the damage (in this file or the next) or refuses with a
            // documented code; never a crash.
            do {
                let result = try LogWriter(directory: dir.data, device: "dev1").append(Sample.screening(), author: "AB")
                #expect(result.seq >= 1)
            } catch {
                #expect([65, 74].contains(error.exitCode))
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.data.path) where name != "dev1.jsonl" {
                try FileManager.default.removeItem(atPath: dir.data.file(name))
            }
        }
        #expect(iteration > 0)
        _ = verifiedIntact
    }
}
