import Foundation
import Testing

/// `konflikt check` and `konflikt decide` through the built binary.
@Suite struct CheckDecideTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path
    let env = ["KONFLIKT_TODAY": "2026-11-22"]

    static let highBoth = #"""
    {"form": "konfliktscreening",
     "answers": {"besoeg": "2mdr", "besoegsdato": "2026-11-20", "barn_cpr": "150926-4123", "sundhedsplejerske": "AB",
                 "deltagere": ["mor", "far"], "informeret": true, "konfliktniveau": "hoejt",
                 "alene_med_foraelder": true, "vold_mellem_foraeldre": "nej", "bekymring_trivsel": "nej", "barn_udsat": "nej",
                 "interesse_gruppeforloeb": "begge", "samtykke_kontakt": true}}
    """#

    @Test func checkAcceptsTheDefaultForm() throws {
        let result = try Binary.run(["check", "--forms", forms])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OK:"))
    }

    @Test func checkListsEveryProblemWithPosition() throws {
        // A folder name whose hex digits look like a CPR number inside a longer run stays as it is in messages.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-e2e-599398-1234A6-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = try String(contentsOfFile: forms + "/konfliktscreening.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: #"when: konfliktniveau != "lavt" or"#, with: #"when: konfliktniveau != "lav" or"#)
        text = text.replacingOccurrences(of: "action: gruppeforloeb\n", with: "action: gruppeforlob\n")
        try Data(text.utf8).write(to: dir.appendingPathComponent("konfliktscreening.yaml"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let whenLine = try #require(lines.firstIndex { $0.contains(#"!= "lav""#) }) + 1
        let actionLine = try #require(lines.firstIndex { $0.contains("action: gruppeforlob") }) + 1

        let result = try Binary.run(["check", "--forms", dir.path])
        #expect(result.status == 1)
        let file = dir.appendingPathComponent("konfliktscreening.yaml").path
        #expect(file.contains("599398-1234A6"))
        #expect(result.stdout.contains("\(file):\(whenLine):33: when: 'lav' er ikke et af valgene"))
        #expect(result.stdout.contains("\(file):\(actionLine):13: Reglen 'gruppeforloeb' peger på den ukendte handling 'gruppeforlob'"))
        // A broken form is never used by decide either.
        let decide = try Binary.run(["decide", "--forms", dir.path], stdin: Self.highBoth, environment: env)
        #expect(decide.status == 65)
        #expect(decide.stdout.isEmpty)
    }

    @Test func decidePrintsTheDecisionJSON() throws {
        let result = try Binary.run(["decide", "--forms", forms], stdin: Self.highBoth, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["actions"] as? [String] == ["gruppeforloeb"])
        #expect(json["flagged"] as? Bool == true)
        #expect(json["form"] as? String == "konfliktscreening")
        #expect(json["formVersion"] as? Int == 3)
        let rules = try #require(json["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["gruppeforloeb"])
        #expect(json["warnings"] as? [Any] != nil)
    }

    @Test func decideReadsAnswersFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID().uuidString).json")
        try Data(Self.highBoth.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Binary.run(["decide", "--forms", forms, "--answers", file.path], environment: env)
        #expect(result.status == 0)
        #expect(result.stdout.contains("gruppeforloeb"))
    }

    @Test func invalidAnswersExit65WithOneLinePerProblem() throws {
        let bad = Self.highBoth
            .replacingOccurrences(of: #""barn_cpr": "150926-4123""#, with: #""barn_cpr": "320926-4123""#)
            .replacingOccurrences(of: #""konfliktniveau": "hoejt""#, with: #""konfliktniveau": "hoej""#)
            .replacingOccurrences(of: #""barn_udsat": "nej""#, with: #""barn_udsat": 1"#)
        let result = try Binary.run(["decide", "--forms", forms], stdin: bad, environment: env)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(result.stderr.contains("barn_cpr:"))
        #expect(result.stderr.contains("konfliktniveau:"))
        #expect(result.stderr.contains("barn_udsat:"))
        #expect(!result.stderr.contains("4123"))
        let notJSON = try Binary.run(["decide", "--forms", forms], stdin: "ikke json", environment: env)
        #expect(notJSON.status == 65)
        #expect(notJSON.stderr.contains("Svarene kunne ikke læses"))
    }

    @Test func hiddenAnswersAreDroppedWithAWarning() throws {
        let low = Self.highBoth.replacingOccurrences(of: #""konfliktniveau": "hoejt""#, with: #""konfliktniveau": "lavt""#)
        let result = try Binary.run(["decide", "--forms", forms], stdin: low, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""ingen""#))
        #expect(result.stdout.contains("samtykke_kontakt"))
    }
}
