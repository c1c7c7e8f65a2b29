import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
@testable import KonfliktDemo

/// `FastLineDecoder` gives exactly the `JSONDecoder` path's event, or nil; never a different value.
@Suite struct FastLineDecoderTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What the two paths make of one line.
    struct Outcome {
        var fast: LogEvent?
        /// The lean fast decoder's event: nil exactly when `fast` is, else `fast`'s lean copy.
        var lean: LogEvent?
        var slow: Result<LogEvent, LogError>
        /// The public entry point's result, which must always be the slow path's.
        var decoded: Result<LogEvent, LogError>

        /// The fast decoder gave nil or the slow path's event, and `decode` gives what the slow path gives.
        var agrees: Bool {
            guard lean == fast?.leanCopy else { return false }
            if let fast, case .success(let event) = slow, fast != event { return false }
            if fast != nil, case .failure = slow { return false }
            switch (slow, decoded) {
            case (.success(let a), .success(let b)): return a == b
            case (.failure(let a), .failure(let b)): return a == b
            default: return false
            }
        }
    }

    static func outcome(_ line: String) -> Outcome { outcome(Array(line.utf8)) }

    static func outcome(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { raw in
            Outcome(fast: FastLineDecoder.decode(raw), lean: FastLineDecoder.decode(raw, lean: true),
                    slow: Result { () throws(LogError) in try LogEvent.decodeWithFoundation(raw, file: "f.jsonl", line: 7) },
                    decoded: Result { () throws(LogError) in try LogEvent.decode(raw, file: "f.jsonl", line: 7) })
        }
    }

    static let prev = String(repeating: "0", count: 64), hash = String(repeating: "b", count: 64)
    static let id = "e621e1f8-c36c-495a-93fc-0c247a3e6e5f"

    /// A line as the writer lays it out, around `body` (the hash is not checked when decoding).
    static func line(type: String = "screening", version: String = "1", id: String = id, body: String) -> String {
        #"{"prev":"\#(prev)","seq":3,"v":\#(version),"id":"\#(id)","ts":"2026-03-02T09:15:03.007Z","type":"\#(type)","device":"dev1","author":"AB","body":\#(body),"hash":"\#(hash)"}"#
    }

    static let decision = #"{"actions":["ingen"],"flagged":false,"form":"konfliktscreening","formFingerprint":"aa","formVersion":1,"rules":[{"action":"ingen","basis":"","id":"r1","reason":"fordi"}],"warnings":["advarsel"]}"#

    static func screening(answers: String = #"{"besoeg":"2mdr"}"#, extra: String = #","visitDate":"2026-03-02""#) -> String {
        #"{"answers":\#(answers),"decision":\#(decision),"form":"konfliktscreening","formFingerprint":"aa","formVersion":1\#(extra)}"#
    }

    @Test func everyDemoDataLineDecodesToTheSameEventBothWays() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-fastline-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = DataDirectory(path: root.path)
        let form = try FormLoader.loadForm(directory: Self.packageRoot.appendingPathComponent("forms"))
        let today = try #require(LocalDate(year: 2026, month: 11, day: 20))
        _ = try DemoData.write(form: form, to: directory, options: DemoDataOptions(count: 4000, seed: 7, today: today))
        // Demo data has no export events and no number answers; add some.
        let writer = LogWriter(directory: directory, device: "extra")
        try writer.append(.export(ExportBody(parameters: ["period": "2026Q1", "format": "csv", "note": "æ \"ø\"\n"])), author: "PK")
        try writer.append(.export(ExportBody(parameters: [:])), author: "PK")
        try writer.append(.screening(ScreeningBody(
            form: "f", formVersion: 2, formFingerprint: "x",
            answers: ["vaegt": .number(3.75), "alder": .number(42), "neg": .number(-0.1), "stor": .number(1e20),
                      "lille": .number(1e-7), "tom": .strings([]), "note": .string("tab\tcr\r\u{1}\u{7F} 😀 / \\")],
            decision: Decision(form: "f", formVersion: 2, formFingerprint: "x", actions: ["a", "b"], flagged: true,
                               rules: [FiredRule(id: "r", action: "a", reason: "r\"", basis: "§ 133")], warnings: []),
            visitDate: nil, override: Override(actions: ["b"], reason: "fordi\n"))), author: "AB")

        var counts: [String: Int] = [:]
        var problems: [String] = []
        for name in try directory.logFiles() {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.file(name)))
            for (index, line) in data.split(separator: 0x0A).enumerated() {
                let outcome = Self.outcome(Array(line))
                guard case .success(let event) = outcome.slow, outcome.fast == event, outcome.agrees else {
                    problems.append("\(name):\(index + 1)")
                    continue
                }
                counts[event.body.type, default: 0] += 1
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect((counts["screening"] ?? 0) > 4000)
        #expect((counts["correction"] ?? 0) > 20)
        #expect((counts["followup"] ?? 0) > 20)
        #expect(counts["export"] == 2)
    }

    /// Lines the writer would not make but that are valid: the fast decoder reads them, and equally.
    @Test(arguments: [
        line(body: screening()),
        line(body: screening(answers: #"{"note":"æøå \"citat\" \\ \/ \b\f\n\r\t \u00e6\u00F8 \ud83d\ude00 😀 \u0000 é"}"#)),
        line(body: screening(answers: #"{"a":0,"b":-1,"c":42,"d":3.75,"e":-0.5,"f":0.1,"g":123456789.123456789,"h":-0}"#)),
        line(body: screening(answers: #"{"a":1e+20,"b":1e-07,"c":-2.5E3,"d":1.25e-300,"e":0.0,"f":-0.000}"#)),
        line(body: screening(answers: #"{"a":true,"b":false,"c":[],"d":["x","\u00e6"],"e":""}"#)),
        line(body: screening(answers: #"{}"#)),
        line(body: screening(extra: "")),
        line(body: screening(extra: #","visitDate":null"#)),
        line(body: screening(extra: #","visitDate":null,"override":null"#)),
        line(body: screening(extra: #","override":{"actions":["opfoelgning"],"reason":"fordi \"så\""}"#)),
        line(body: screening(extra: #","ukendt":{"x":[1,2.5,-3,true,null,{"y":"\u00e6"}],"z":"\\"},"tal":7"#)),
        line(body: #"  {  "form" : "konfliktscreening" , "formVersion" : 1 ,"formFingerprint":"aa","answers":{ "x" : [ "a" , "b" ] } , "decision" : \#(decision) }  "#),
        #" { "body" : \#(screening()) , "hash":"h","author":"A","device":"d","type":"screening","ts":"t","id":"\#(id.uppercased())","v":0,"seq":-4,"prev":"p" } "#,
        #"{"prev":"p","seq":1,"v":1,"id":"\#(id)","ts":"t","type":"screening","device":"d","author":"A","body":\#(screening()),"hash":"h","extra":[]}"#,
        line(type: "correction", body: #"{"answers":{"a":"b"},"decision":\#(decision),"reason":"r\n","screening":"\#(id)","visitDate":"2024-02-29"}"#),
        line(type: "correction", body: #"{"answers":{},"decision":\#(decision),"override":{"actions":[],"reason":""},"reason":"r","screening":"\#(id.uppercased())"}"#),
        line(type: "followup", body: #"{"action":"underretning","date":"2026-03-03","note":"Sendt \u2013 ok","screening":"\#(id)","status":"udfoert"}"#),
        line(type: "followup", body: #"{"action":"a","date":"2026-03-03","note":"","screening":"\#(id)","status":"ikke_relevant","x":null}"#),
        // A status id is read as written; what it means comes from the form (another version may not know it).
        line(type: "followup", body: #"{"action":"gruppeforloeb","date":"2026-03-03","note":"","screening":"\#(id)","status":"gjort"}"#),
        line(type: "export", body: #"{"parameters":{"period":"2026Q1","format":"csv","\u00e6":"ø"}}"#),
        line(type: "export", body: #"{"parameters":{}}"#),
    ])
    func validLinesAreReadFastAndEqually(line: String) {
        let outcome = Self.outcome(line)
        #expect(outcome.fast != nil)
        #expect(outcome.agrees)
    }

    /// Valid lines the fast decoder leaves to `JSONDecoder` (which reads them, sometimes leniently).
    @Test(arguments: [
        line(body: screening(answers: #"{"a":1e3}"#)),
        line(body: screening(answers: #"{"a":0e5}"#)),
        line(body: screening(answers: #"{"a":0.5e3}"#)),
        line(body: screening(answers: #"{"a":5e-324}"#)),
        line(body: screening(answers: #"{"a":1e-400}"#)),
        line(body: screening(answers: #"{"a":0.0e-400}"#)),
        line(body: screening(answers: #"{"a":1.8e308}"#)),
        line(body: screening(answers: #"{"a":1,"a":2}"#)),
        line(body: screening(answers: #"{"\u00e1":1,"a\u0301":2}"#)),
        line(body: screening(answers: #"{"a":"b",}"#)),
        line(body: screening(extra: #","formVersion":2"#)),
        line(body: screening(extra: #","ukendt":"\x""#)),
        line(body: screening(extra: #","ukendt":"\ud800""#)),
        line(body: screening(extra: #","ukendt":01"#)),
        line(body: screening()).replacingOccurrences(of: #""formVersion":1"#, with: #""formVersion":1.0"#),
        line(body: screening()).replacingOccurrences(of: #""seq":3"#, with: #""seq":3e0"#),
        line(body: screening()).replacingOccurrences(of: #""seq":3"#, with: #""seq":-0"#),
        line(body: screening()).replacingOccurrences(of: #""form":"#, with: #""\u0066orm":"#),
        "\u{FEFF}" + line(body: screening()),
        line(body: screening(extra: ",\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40))),
    ])
    func unusualValidLinesAgree(line: String) {
        #expect(Self.outcome(line).agrees)
    }

    @Test(arguments: [
        (line(body: screening()).dropLast(1).description, LogError.badEvent(file: "f.jsonl", line: 7, reason: "ikke gyldig JSON eller mangler felter")),
        (line(body: screening()) + "x", .badEvent(file: "f.jsonl", line: 7, reason: "ikke gyldig JSON eller mangler felter")),
        (line(body: screening()) + "{}", .badEvent(file: "f.jsonl", line: 7, reason: "ikke gyldig JSON eller mangler felter")),
        (line(body: screening(answers: #"{"a":"\q"}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":"\ud800"}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":"\udc00\ud800"}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":"\u12"}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "ikke gyldig JSON eller mangler felter")),
        (line(body: screening(answers: "{\"a\":\"\t\"}")), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":01}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":null}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(answers: #"{"a":["x",1]}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(extra: #","visitDate":"2026-02-30""#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(extra: #","visitDate":"2026-3-2""#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening(extra: #","override":{"actions":["a"]}"#)), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: "null"), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen screening")),
        (line(body: screening()).replacingOccurrences(of: #""seq":3"#, with: #""seq":03"#), .badEvent(file: "f.jsonl", line: 7, reason: "ikke gyldig JSON eller mangler felter")),
        (line(id: "e621e1f8c36c495a93fc0c247a3e6e5f", body: screening()), .badEvent(file: "f.jsonl", line: 7, reason: "ugyldigt id")),
        (line(id: "e621e1f8-c36c-495a-93fc-0c247a3e6e5g", body: screening()), .badEvent(file: "f.jsonl", line: 7, reason: "ugyldigt id")),
        (line(type: "followup", body: #"{"action":"a","date":"2026-03-03","note":"","screening":"\#(id)","status":7}"#), .badEvent(file: "f.jsonl", line: 7, reason: "indholdet passer ikke til typen followup")),
        (line(type: "besked", body: "{}"), .unknownEventType(file: "f.jsonl", line: 7, type: "besked")),
        (line(version: "2", body: screening()), .unsupportedVersion(file: "f.jsonl", line: 7, version: 2)),
        (line(body: screening()).replacingOccurrences(of: #""body":"#, with: #""enc":{"k":"x"},"body":"#), .encryptedBody(file: "f.jsonl", line: 7)),
    ] as [(String, LogError)])
    func malformedLinesGiveNilAndTheSameError(line: String, error: LogError) {
        let outcome = Self.outcome(line)
        #expect(outcome.fast == nil)
        #expect(outcome.agrees)
        guard case .failure(let thrown) = outcome.decoded else {
            Issue.record("decoded: \(line)")
            return
        }
        #expect(thrown == error)
    }

    /// Strings are skimmed eight bytes at a time: an escape, a raw control character or the closing
    /// quote at any place in a word is still seen, and bytes that need no look (UTF-8, DEL) are kept.
    @Test func stringsReadTheSameWhereverTheSpecialByteFalls() {
        let specials = [#"\""#, #"\\"#, #"\n"#, #"\u00e6"#, "\t", "\u{1F}", "\u{7F}", "æ", "😀", "\u{0}"]
        var disagreements: [String] = []
        var fastCount = 0
        for special in specials {
            for position in 0..<26 {
                let text = String(repeating: "x", count: position) + special + String(repeating: "y", count: 25 - position)
                let line = Self.line(body: Self.screening(answers: #"{"note":"\#(text)","besoeg":"2mdr"}"#))
                let outcome = Self.outcome(line)
                if !outcome.agrees { disagreements.append(line) }
                if outcome.fast != nil { fastCount += 1 }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
        #expect(fastCount == 7 * 26)      // all but the raw control characters take the fast path
    }

    /// Every truncation and many random one-byte changes of real lines: nil or the same event.
    @Test func damagedLinesNeverDecodeDifferently() {
        let lines = [
            Self.line(body: Self.screening(answers: #"{"note":"a\"b\\c\u00e6\ud83d\ude00","n":-12.5,"m":[ "x" ],"j":true}"#,
                                           extra: #","override":{"actions":["a"],"reason":"r"},"visitDate":null"#)),
            Self.line(type: "followup", body: #"{"action":"a","date":"2026-03-03","note":"n","screening":"\#(Self.id)","status":"afvist"}"#),
        ]
        let replacements = Array(#""\,:{}[] 0-.eEnutf/1"#.utf8)
        var random = SplitMix64(state: 42)
        var disagreements: [String] = []
        for line in lines {
            let bytes = Array(line.utf8)
            for length in 0..<bytes.count where !Self.outcome(Array(bytes[0..<length])).agrees {
                disagreements.append(String(decoding: bytes[0..<length], as: UTF8.self))
            }
            for _ in 0..<1500 {
                var damaged = bytes
                damaged[random.below(damaged.count)] = replacements[random.below(replacements.count)]
                if random.chance(0.3) { damaged.insert(replacements[random.below(replacements.count)], at: random.below(damaged.count)) }
                if !Self.outcome(damaged).agrees { disagreements.append(String(decoding: damaged, as: UTF8.self)) }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
