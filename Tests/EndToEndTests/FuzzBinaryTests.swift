import Foundation
import Testing

/// Issue 16, "keep it true", through the built binary: mutated answers, forms and logs given to
/// `decide`, `check`, `verify` and `review --list` end with a documented exit code, within a time
/// limit, and with no CPR number in anything printed. Bounded and seeded; `scripts/fuzz` runs longer.
@Suite struct FuzzBinaryTests {
    static var runs: Int { ProcessInfo.processInfo.environment["KONFLIKT_FUZZ_RUNS"].flatMap(Int.init) ?? 12 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["KONFLIKT_FUZZ_SEED"].flatMap(UInt64.init) ?? 16 }
    static let documented: Set<Int32> = [0, 1, 64, 65, 74, 77]
    /// A CPR-like number standing on its own (not inside a hash or an id).
    static func containsCPR(_ text: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: #"(?<![0-9A-Za-z])[0-9]{6}[- ]?[0-9]{4}(?![0-9A-Za-z])"#) else { return true }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = ["{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1e999", "\\u0000", "150926-4123",
                            "150926 4123", "\"barn_cpr\":\"150926 4123\",", "\"konfliktniveau\":\"hoejt\",", "æ", "\u{0}"]

    static func mutate(_ text: String, _ random: inout Random) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...3, using: &random) where !characters.isEmpty {
            let index = Int.random(in: 0..<characters.count, using: &random)
            switch random.next() % 3 {
            case 0: characters.remove(at: index)
            case 1: characters.insert(contentsOf: Array(fragments.randomElement(using: &random)!), at: index)
            default: characters[index] = Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &random)))
            }
        }
        return String(characters)
    }

    func check(_ result: (status: Int32?, stdout: String, stderr: String), _ what: String) {
        #expect(result.status != nil, "\(what) hung")
        if let status = result.status { #expect(Self.documented.contains(status), "\(what): exit \(status) \(result.stderr)") }
        #expect(!Self.containsCPR(result.stdout + result.stderr), "\(what) printed a CPR number: \(result.stdout)\(result.stderr)")
    }

    @Test func mutatedInputsEndCleanly() throws {
        let place = try HostileTests.Place()
        defer { place.remove() }
        var random = Random(state: Self.seed &* 31 &+ 5)
        let answersPath = place.root.appendingPathComponent("answers.json").path
        let formsDir = place.root.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: formsDir, withIntermediateDirectories: true)
        let formText = try String(contentsOfFile: HostileTests.forms + "/konfliktscreening.yaml", encoding: .utf8)
        try place.record(2)
        let logFile = place.data + "/" + (try #require(try place.logFiles().first))
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        for run in 0..<Self.runs {
            // Answers.
            try Data(Self.mutate(CheckDecideTests.highBoth, &random).utf8).write(to: URL(fileURLWithPath: answersPath))
            check(try HostileTests.runBounded(["decide", "--answers", answersPath], environment: place.env), "decide #\(run)")
            // A form with a CPR number somewhere in it.
            let form = Self.mutate(formText.replacingOccurrences(of: "id: note", with: "id: note\n        help: 150926-4123"), &random)
            try Data(form.utf8).write(to: formsDir.appendingPathComponent("konfliktscreening.yaml"))
            check(try HostileTests.runBounded(["check", "--forms", formsDir.path], environment: place.env), "check #\(run)")
            // A damaged log.
            try Data(Self.mutate(log, &random).utf8).write(to: URL(fileURLWithPath: logFile))
            check(try HostileTests.runBounded(["verify"], environment: place.env), "verify #\(run)")
            check(try HostileTests.runBounded(["review", "--list", "--all"], environment: place.env), "review #\(run)")
        }
    }
}
