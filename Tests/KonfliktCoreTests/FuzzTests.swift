import Foundation
import Testing
@testable import KonfliktCore

/// A small seeded generator (SplitMix64), so that a failing fuzz run can be repeated exactly.
struct FuzzRandom: RandomNumberGenerator {
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

/// How long and how often the fuzz tests run: a few seconds each in `make test`;
/// `KONFLIKT_FUZZ_SECONDS`, `KONFLIKT_FUZZ_ITERATIONS` and `KONFLIKT_FUZZ_SEED` for longer runs
/// (`scripts/fuzz`).
enum FuzzBudget {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var seconds: Double { environment["KONFLIKT_FUZZ_SECONDS"].flatMap(Double.init) ?? 2 }
    static var iterations: Int { environment["KONFLIKT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 3000 }
    static var seed: UInt64 { environment["KONFLIKT_FUZZ_SEED"].flatMap(UInt64.init) ?? 16 }

    /// Calls `body` with a generator seeded from the base seed and `salt` until the budget is spent.
    static func run(salt: UInt64, _ body: (inout FuzzRandom, Int) throws -> Void) rethrows {
        var random = FuzzRandom(seed: seed &* 31 &+ salt)
        let deadline = Date().addingTimeInterval(seconds)
        var iteration = 0
        while iteration < iterations, Date() < deadline {
            try body(&random, iteration)
            iteration += 1
        }
    }

    /// The exit codes a command may end with (README).
    static let documentedExitCodes: Set<Int32> = [0, 1, 64, 65, 74, 77]
}

/// Mutations of text and bytes, random and structured.
enum Mutate {
    static let fragments = ["(", ")", "[", "]", "{", "}", ":", ",", "\"", "'", "- ", "  ", "\n", "\t", "~", "null",
                            "not ", " and ", " or ", "==", "!=", "<=", "in [\"a\"]", "contains(", "answered(", "today",
                            "&a ", "*a", "!!str ", "? ", "|", ">", "#", "\\u0000", "\u{0}", "\u{FEFF}", "é", "å",
                            "150926-4123", "150926 4123", "true", "false", "-1", "1e309", "0x10", "9999999999999999999"]

    static func text(_ source: String, _ random: inout FuzzRandom) -> String {
        var characters = Array(source)
        let edits = Int.random(in: 1...4, using: &random)
        for _ in 0..<edits where !characters.isEmpty {
            let index = Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: characters.remove(at: index)
            case 1: characters.insert(contentsOf: Array(fragments.randomElement(using: &random)!), at: index)
            case 2: characters[index] = Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &random)))
            case 3:                                                  // repeat a slice (deep nesting, long runs)
                let end = min(characters.count, index + Int.random(in: 1...8, using: &random))
                let slice = characters[index..<end]
                let times = Int.random(in: 2...200, using: &random)
                characters.insert(contentsOf: Array(repeating: Array(slice), count: times).joined(), at: index)
            case 4:                                                  // delete a stretch
                let end = min(characters.count, index + Int.random(in: 1...40, using: &random))
                characters.removeSubrange(index..<end)
            case 5:                                                  // duplicate a line
                let text = String(characters)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let line = Int.random(in: 0..<lines.count, using: &random)
                lines.insert(lines[line], at: Int.random(in: 0...lines.count, using: &random))
                characters = Array(lines.joined(separator: "\n"))
            default:                                                 // swap two lines
                let text = String(characters)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let a = Int.random(in: 0..<lines.count, using: &random), b = Int.random(in: 0..<lines.count, using: &random)
                lines.swapAt(a, b)
                characters = Array(lines.joined(separator: "\n"))
            }
        }
        return String(characters)
    }

    static func bytes(_ source: Data, _ random: inout FuzzRandom) -> Data {
        var bytes = [UInt8](source)
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.remove(at: index)
            default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            }
        }
        return Data(bytes)
    }
}

/// Issue 16, "keep it true": seeded, bounded fuzzing of the form loader, the expression parser and
/// the answers decoder. Each must end every input with a result or a typed error with a documented
/// exit code — no crash (the test process would die), no hang (the time budget), no CPR number in a
/// message that is not about a form the administrator wrote.
@Suite struct FuzzTests {
    static func containsCPR(_ text: String) -> Bool { text.contains(/[0-9]{6}[- ]?[0-9]{4}/) }

    @Test func formLoader() throws {
        let sources = [Fixtures.miniForm,
                       try String(contentsOf: Fixtures.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)]
        var loaded = 0, refused = 0
        FuzzBudget.run(salt: 1) { random, iteration in
            let text = Mutate.text(sources[iteration % sources.count], &random)
            let data = iteration % 5 == 0 ? Mutate.bytes(Data(text.utf8), &random) : Data(text.utf8)
            do throws(FormLoadError) {
                _ = try FormLoader.load(data: data, path: "fuzz.yaml")
                loaded += 1
            } catch {
                refused += 1
                #expect(FuzzBudget.documentedExitCodes.contains(error.exitCode))
                if case .invalid(let problems) = error {
                    #expect(!problems.isEmpty)
                    #expect(problems.allSatisfy { $0.line >= 1 && $0.column >= 1 && !$0.message.isEmpty })
                }
            }
        }
        #expect(loaded + refused > 0)
    }

    @Test func expressionParser() {
        let fields: [String: ExpressionField] = [
            "niveau": ExpressionField(kind: .choice, choices: ["lavt", "hoejt"]),
            "vold": ExpressionField(kind: .yesno),
            "hvem": ExpressionField(kind: .multichoice, choices: ["mor", "far"]),
            "antal": ExpressionField(kind: .number),
            "dato": ExpressionField(kind: .date),
            "note": ExpressionField(kind: .text),
        ]
        let tokens = ["niveau", "vold", "hvem", "antal", "dato", "note", "\"lavt\"", "\"hoejt\"", "\"mor\"", "3", "-2.5",
                      "true", "false", "today", "\"2026-01-01\"", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not",
                      "(", ")", "in", "[", "]", ",", "contains", "answered", "'x'", "\"", "=", "@", "1.2.3"]
        let answers: [Answers] = [[:], ["niveau": .string("hoejt"), "vold": .bool(true), "hvem": .strings(["mor"]),
                                        "antal": .number(3), "dato": .string("2026-01-01"), "note": .string("x")],
                                  ["niveau": .strings([]), "vold": .string("ja"), "antal": .bool(false)]]
        let today = LocalDate(iso: "2026-11-22")!
        FuzzBudget.run(salt: 2) { random, iteration in
            let count = Int.random(in: 1...(iteration % 10 == 0 ? 3000 : 30), using: &random)
            var source = (0..<count).map { _ in tokens.randomElement(using: &random)! }.joined(separator: " ")
            if iteration % 3 == 0 { source = Mutate.text(source, &random) }
            let (expression, problems) = ExpressionParser.parse(source, fields: fields)
            #expect((expression == nil) != problems.isEmpty)
            #expect(problems.allSatisfy { $0.offset >= 0 && $0.offset <= max(source.count, ExpressionParser.maximumLength) })
            if let expression { for a in answers { _ = expression.holds(for: a, today: today) } }
        }
    }

    @Test func answersDecoder() throws {
        let form = try Fixtures.defaultForm()
        let valid = #"""
        {"form": "konfliktscreening", "answers": {"besoeg": "2mdr", "besoegsdato": "2026-11-20", "barn_cpr": "150926-4123",
         "sundhedsplejerske": "AB", "deltagere": ["mor", "far"], "informeret": true, "konfliktniveau": "hoejt",
         "vold_mellem_foraeldre": "nej", "bekymring_trivsel": "nej", "barn_udsat": "nej",
         "interesse_gruppeforloeb": "begge", "samtykke_kontakt": true, "note": "æøå"}}
        """#
        FuzzBudget.run(salt: 3) { random, iteration in
            let text = Mutate.text(valid, &random)
            let data = iteration % 4 == 0 ? Mutate.bytes(Data(text.utf8), &random) : Data(text.utf8)
            do throws(InputError) {
                let input = try ScreeningInput.parse(data)
                let problems = form.validate(input.answers, today: Fixtures.today)
                if problems.isEmpty { _ = form.decide(input.answers, today: Fixtures.today) }
                for problem in problems {
                    // Messages about an answer never repeat a CPR answer (only a key or choice id could).
                    if problem.questionID == "barn_cpr" { #expect(!Self.containsCPR(problem.message)) }
                }
            } catch {
                #expect(error.exitCode == 65)
                if case .invalidJSON(let why) = error, !why.contains("står to gange") {
                    #expect(!Self.containsCPR(why), "\(why)")
                }
            }
        }
    }
}
