import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktDemo
import KonfliktTestSupport

/// The case index reads most lines straight from their bytes into fold steps (`LeanLineDecoder`); the
/// step, or the problem, is always what the usual path (decode the event, then `CaseIndex.step`) gives.
@Suite struct DirectStepTests {
    static let secret: [UInt8] = Array(0..<32)
    /// The shipped form's schema (nil if it cannot be read: then every test fails).
    static let schema: CaseSchema? = try? CaseSchema(form: Sample.form())

    /// What the index's reading makes of one line with and without the direct path, and the direct
    /// decoder's own answer (nil: the usual path).
    struct Outcome {
        var direct: FoldStep?
        var withDirect: Result<FoldStep, LogError>
        var usual: Result<FoldStep, LogError>

        /// Both readings give the same step or the same problem, and a direct step is the usual one.
        var agrees: Bool {
            guard withDirect == usual else { return false }
            if let direct { return usual == .success(direct) }
            return true
        }
    }

    static func outcome(_ bytes: [UInt8], keys: BodyKeys? = nil) -> Outcome {
        guard let schema else {
            return Outcome(direct: nil, withDirect: .failure(.encodingFailed(reason: "ingen formular")),
                           usual: .success(FoldStep(id: UUID(), line: 0, offset: 0, length: 0, millis: 0, hash: LineHash(""),
                                                    admitted: false, body: .none)))
        }
        var batch = LineBatch()
        batch.lines.append((number: 7, offset: 120, start: 0, count: bytes.count))
        batch.bytes = bytes
        let tables = schema.leanTables
        let direct = tables.map { CaseIndex.directStep(tables: $0, schema: schema, cprSecret: secret, keys: keys, file: "f.jsonl") }
        let prepare: @Sendable (LocatedEvent) -> FoldStep = { located in
            CaseIndex.step(located, schema: schema, cprSecret: secret, admitted: keys?.admits(located.event, file: "f.jsonl") ?? true)
        }
        return batch.bytes.withUnsafeBytes { raw in
            let own: FoldStep?
            // As the reading does: only intact, clear, valid UTF-8 lines are offered to the direct decoder.
            if let direct, case .ok = EventLine.check(raw), BodyCrypto.sealedRange(raw) == nil, UTF8Check.isValid(raw) {
                own = direct(raw, 7, 120)
            } else {
                own = nil
            }
            return Outcome(
                direct: own,
                withDirect: batch.decode(0, in: raw, file: "f.jsonl", keys: keys, checking: true, lean: true, direct: direct,
                                         prepare: prepare),
                usual: batch.decode(0, in: raw, file: "f.jsonl", keys: keys, checking: true, lean: true, direct: nil,
                                    prepare: prepare))
        }
    }

    /// `content` (a line up to its hash) sealed with its own hash, as the writer would.
    static func sealed(_ content: String) -> [UInt8] {
        Array(EventLine.seal(Array(content.utf8)).line.dropLast())
    }

    static let prev = String(repeating: "0", count: 64)
    static let id = "e621e1f8-c36c-495a-93fc-0c247a3e6e5f", other = "0b7d9f7e-1c2a-4d3b-8e4f-5a6b7c8d9e0f"

    /// A line's content as the writer lays it out, around `body`.
    static func content(type: String = "screening", version: String = "1", ts: String = "2026-03-02T09:15:03.007Z",
                        device: String = "dev1", author: String = "AB", body: String) -> String {
        #"{"prev":"\#(prev)","seq":3,"v":\#(version),"id":"\#(id)","ts":"\#(ts)","type":"\#(type)","device":"\#(device)","author":"\#(author)","body":\#(body)"#
    }

    static let answers = #"{"barn_cpr":"010924-7346","barn_udsat":"nej","bekymring_trivsel":"ja","besoeg":"8mdr","besoegsdato":"2024-12-01","deltagere":["mor","far"],"informeret":true,"konfliktniveau":"hoejt","note":"Fiktiv note","sundhedsplejerske":"AB"}"#

    static func decision(actions: String = #"["gruppeforloeb","opfoelgning","ukendt"]"#, flagged: Bool = true) -> String {
        #"{"actions":\#(actions),"flagged":\#(flagged),"form":"konfliktscreening","formFingerprint":"aa","formVersion":1,"rules":[{"action":"gruppeforloeb","basis":"§","id":"r1","reason":"fordi"}],"warnings":["advarsel"]}"#
    }

    static func screening(answers: String = answers, decision: String = decision(), form: String = "konfliktscreening",
                          extra: String = #","visitDate":"2024-12-02""#) -> String {
        #"{"answers":\#(answers),"decision":\#(decision),"form":"\#(form)","formFingerprint":"aa","formVersion":1\#(extra)}"#
    }

    static func correction(answers: String = answers, extra: String = "") -> String {
        #"{"answers":\#(answers),"decision":\#(decision()),"reason":"r","screening":"\#(other)"\#(extra)}"#
    }

    static func followup(action: String = "gruppeforloeb", status: String = "startet", date: String = "2026-03-03") -> String {
        #"{"action":"\#(action)","date":"\#(date)","note":"n","screening":"\#(other)","status":"\#(status)"}"#
    }

    /// Lines the direct decoder reads itself: the same step as the usual path, to every field.
    @Test(arguments: [
        content(body: screening()),
        content(body: screening(extra: "")),
        content(body: screening(extra: #","visitDate":null"#)),
        content(body: screening(extra: #","visitDate":null,"override":null"#)),
        content(body: screening(extra: #","override":{"actions":["underretning","ukendt"],"reason":"fordi \"så\""}"#)),
        content(body: screening(decision: decision(flagged: false))),
        content(body: screening(decision: decision(actions: "[]"))),
        content(body: screening(form: "andet")),
        content(author: "ÆØ", body: screening()),
        content(device: "en-meget-lang-enhed-med-navn", body: screening()),
        content(ts: "2026-03-02T09:15:03Z", body: screening()),
        content(ts: "ikke en tid", body: screening()),
        // Answers in another order, with whitespace, escapes and unicode where the fold does not compare.
        content(body: screening(answers: #" { "note" : "æ \"ø\" \n \u00e6 \ud83d\ude00" , "konfliktniveau" : "lavt" , "besoeg" : "2mdr" } "#)),
        content(body: screening(answers: #"{"konfliktniveau":"ukendt","deltagere":["mor","ukendt"],"informeret":false}"#)),
        content(body: screening(answers: #"{"besoeg":"ukendt","besoegsdato":"2024-02-30","barn_cpr":"0109247346"}"#)),
        content(body: screening(answers: #"{"besoeg":["2mdr"],"besoegsdato":3,"barn_cpr":["0109247346"],"informeret":"ja"}"#)),
        content(body: screening(answers: #"{"barn_cpr":"01 09 24 73 46 9","konfliktniveau":true,"deltagere":[]}"#)),
        content(body: screening(answers: #"{"barn_cpr":"ab","besoegsdato":"2024-1-01","x":1.5,"y":-0.25,"z":[],"w":1e3}"#)),
        content(body: screening(answers: #"{"barn_cpr":"000000-0001","besoegsdato":"2024-02-29"}"#)),
        content(body: screening(answers: "{}", extra: #","ukendt":{"x":[1,2.5,-3,true,null,{"y":"\u00e6"}]},"tal":7"#)),
        content(body: #" { "formVersion" : 2 , "form" : "konfliktscreening" ,"formFingerprint":"aa","decision":\#(decision()),"answers":{"besoeg":"2mdr"} } "#),
        content(type: "correction", body: correction()),
        content(type: "correction", body: correction(extra: #","visitDate":"2024-12-03","override":{"actions":[],"reason":""}"#)),
        content(type: "correction", body: correction(answers: #"{"konfliktniveau":"middel"}"#, extra: #","override":null"#)),
        content(type: "followup", body: followup()),
        content(type: "followup", body: followup(status: "gennemfoert")),
        content(type: "followup", body: followup(status: "gjort")),
        content(type: "followup", body: followup(action: "ukendt", status: "udfoert")),
        content(type: "followup", body: followup(action: "underretning", status: "udfoert")),
    ])
    func ordinaryAndOddLinesGiveTheSameStepDirectly(content: String) {
        let outcome = Self.outcome(Self.sealed(content))
        #expect(outcome.direct != nil)
        #expect(outcome.agrees)
        if case .success = outcome.usual {} else { Issue.record("the usual path did not read it: \(outcome.usual)") }
    }

    /// Valid lines the direct decoder leaves to the usual path: the same step all the same.
    @Test(arguments: [
        content(body: screening(answers: #"{"konfliktniveau":"h\u00f8jt"}"#)),
        content(body: screening(answers: #"{"konfliktniveau":"l\u0061vt"}"#)),
        content(body: screening(answers: #"{"\u0062esoeg":"2mdr"}"#)),
        content(body: screening(answers: #"{"barn_cpr":"0109247\u0033\u00346"}"#)),
        content(body: screening(answers: #"{"konfliktniveau":["l\u0061vt"]}"#)),
        content(body: screening(answers: #"{"æ":"1"}"#)),
        content(body: screening(form: #"konflikt\u0073creening"#)),
        content(author: #"A\"B"#, body: screening()),
        content(type: "followup", body: followup(status: #"st\u0061rtet"#)),
        content(type: "export", body: #"{"parameters":{"format":"csv"}}"#),
        content(type: "access", body: #"{"cases":[],"export":"\#(id)","kind":"export"}"#),
        content(body: screening(answers: #"{"a":1e400}"#)),
        // Keys given twice: the usual path's `JSONDecoder` reads them (the last wins).
        content(body: screening(answers: #"{"besoeg":"2mdr","besoeg":"8mdr"}"#)),
        content(body: screening(answers: #"{"note":"a","note":"b"}"#)),
        content(body: screening(answers: #"{"note":"a","x":1,"note":"b"}"#)),
        content(body: screening(extra: #","form":"x""#)),
        #"{"prev":"\#(prev)","seq":3,"v":1,"id":"\#(id)","ts":"t","body":\#(screening()),"type":"screening","device":"d","author":"A""#,
    ])
    func unusualLinesTakeTheUsualPath(content: String) {
        let outcome = Self.outcome(Self.sealed(content))
        #expect(outcome.direct == nil)
        #expect(outcome.agrees)
    }

    /// Lines that are problems: the same problem with the direct path.
    @Test(arguments: [
        content(body: screening(answers: #"{"a":"\q"}"#)),
        content(body: screening(answers: #"{"a":"\ud800"}"#)),
        content(body: screening(answers: #"{"a":null}"#)),
        content(body: screening(answers: #"{"a":01}"#)),
        content(body: screening(extra: #","visitDate":"2026-02-30""#)),
        content(body: screening(extra: #","override":{"actions":["a"]}"#)),
        content(body: screening(decision: #"{"actions":[],"flagged":true}"#)),
        content(version: "2", body: screening()),
        content(type: "followup", body: followup(date: "2026-13-01")),
        content(type: "correction", body: #"{"answers":{},"decision":\#(decision()),"screening":"\#(other)"}"#),
        content(type: "besked", body: "{}"),
        content(body: "null"),
        content(body: screening()).replacingOccurrences(of: #""id":"\#(id)""#, with: #""id":"ikke-et-id""#),
    ])
    func problemsStayTheSameProblems(content: String) {
        let outcome = Self.outcome(Self.sealed(content))
        #expect(outcome.direct == nil)
        #expect(outcome.agrees)
        if case .success(let step) = outcome.usual { Issue.record("read as \(step)") }
    }

    /// A line whose own hash does not match is a problem on both paths, never a step.
    @Test func aBadHashIsAProblem() {
        var bytes = Self.sealed(Self.content(body: Self.screening()))
        bytes[bytes.count - 3] = bytes[bytes.count - 3] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        let outcome = Self.outcome(bytes)
        #expect(outcome.agrees)
        #expect(outcome.withDirect == .failure(.badEvent(file: "f.jsonl", line: 7, reason: "linjens hash passer ikke til indholdet")))
    }

    /// Every truncation and many random one-byte changes, each sealed again with a matching hash so that
    /// the direct decoder sees it: the same step or problem as the usual path.
    @Test func damagedLinesNeverGiveAnotherStep() {
        let contents = [
            Self.content(body: Self.screening(extra: #","override":{"actions":["underretning"],"reason":"r"},"visitDate":null"#)),
            Self.content(type: "correction", body: Self.correction()),
            Self.content(type: "followup", body: Self.followup()),
        ]
        let replacements = Array(#""\,:{}[] 0-.eEnutf/1a"#.utf8)
        var random = SystemRandomNumberGenerator()
        var disagreements: [String] = []
        var direct = 0
        for content in contents {
            let bytes = Array(content.utf8)
            for length in EventLine.prevOffset + 70..<bytes.count {
                let damaged = Array(bytes[0..<length])
                let outcome = Self.outcome(Array(EventLine.seal(damaged).line.dropLast()))
                if !outcome.agrees { disagreements.append(String(decoding: damaged, as: UTF8.self)) }
            }
            for _ in 0..<1500 {
                var damaged = bytes
                let place = Int.random(in: EventLine.seqOffset + 8..<damaged.count, using: &random)
                damaged[place] = replacements.randomElement(using: &random)!
                if Bool.random(using: &random) {
                    damaged.insert(replacements.randomElement(using: &random)!,
                                   at: Int.random(in: EventLine.seqOffset + 8..<damaged.count, using: &random))
                }
                let outcome = Self.outcome(Array(EventLine.seal(damaged).line.dropLast()))
                if outcome.direct != nil { direct += 1 }
                if !outcome.agrees { disagreements.append(String(decoding: damaged, as: UTF8.self)) }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(direct > 100)      // harmless changes (in a note, a digit) are still read directly
    }

    /// Every line of generated demo data: the same step, and (the log as the writer makes it) every
    /// screening, correction and follow-up read directly.
    @Test func everyDemoDataLineGivesTheSameStep() throws {
        let dir = TemporaryDirectory()
        let today = try #require(LocalDate(year: 2026, month: 11, day: 20))
        _ = try DemoData.write(form: try Sample.form(), to: dir.data, options: DemoDataOptions(count: 3000, seed: 11, today: today))
        var problems: [String] = []
        var kinds: [String: Int] = [:]
        var direct = 0, cases = 0
        for name in try dir.data.logFiles() {
            for (index, line) in try Sample.lines(dir.data.file(name)).enumerated() {
                let outcome = Self.outcome(Array(line))
                guard outcome.agrees, case .success(let step) = outcome.usual else {
                    problems.append("\(name):\(index + 1)")
                    continue
                }
                switch step.body {
                case .screening: kinds["screening", default: 0] += 1
                case .correction: kinds["correction", default: 0] += 1
                case .followup: kinds["followup", default: 0] += 1
                case .none: continue
                }
                cases += 1
                if outcome.direct != nil { direct += 1 }
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect((kinds["screening"] ?? 0) >= 3000)
        #expect((kinds["correction"] ?? 0) > 10)
        #expect((kinds["followup"] ?? 0) > 10)
        #expect(direct == cases)
        #expect(Self.schema?.leanTables != nil)
    }

    /// With approvals, a clear record counts only as far as the lead approved its file, on both paths.
    @Test func admittingFollowsTheKeys() throws {
        let keys = BodyKeys(privateKeys: [.init()], policy: ApprovalPolicy(devices: [:], legacy: ["f.jsonl": 3]))
        let strict = BodyKeys(privateKeys: [.init()], policy: ApprovalPolicy(devices: [:], legacy: ["f.jsonl": 2]))
        let line = Self.sealed(Self.content(body: Self.screening()))
        let admitted = Self.outcome(line, keys: keys), refused = Self.outcome(line, keys: strict)
        #expect(admitted.agrees && refused.agrees)
        #expect(admitted.direct?.admitted == true)
        #expect(refused.direct?.admitted == false)
    }
}
