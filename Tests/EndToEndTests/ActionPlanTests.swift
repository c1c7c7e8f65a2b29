import Foundation
import Testing

/// Issue 12 through the built binary: `record` with an override (same checks as the screen), `check`
/// running the golden cases, `leaflet` and `journal`.
@Suite struct ActionPlanTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    func makeEnvironment() throws -> (env: [String: String], root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": root.appendingPathComponent("data").path,
                 "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path,
                 "KONFLIKT_FORMS": forms], root)
    }

    static let exposed = CheckDecideTests.highBoth.replacingOccurrences(
        of: #""barn_udsat": "nej""#, with: #""barn_udsat": "ja", "fare_ved_orientering": false"#)

    func withOverride(_ answers: String, actions: [String], reason: String) -> String {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ", ")
        return String(answers.dropLast()) + #", "override": {"actions": [\#(list)], "reason": "\#(reason)"}}"#
    }

    func logLines(_ env: [String: String]) throws -> [String] {
        let dir = URL(fileURLWithPath: env["KONFLIKT_DATA"]!)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return try files.filter { $0.hasSuffix(".jsonl") }.flatMap {
            try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    @Test func recordRefusesAnOverrideThatRemovesTheReport() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = withOverride(Self.exposed, actions: ["gruppeforloeb"], reason: "Familien er kendt")
        let result = try Binary.run(["record", "--author", "AB"], stdin: input, environment: env)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("underretningspligten er personlig"))
        #expect(result.stderr.contains("ret de svar, der udløste den"))
        #expect(try logLines(env).isEmpty)
        // Without a reason, or with an unknown action: refused too.
        let noReason = try Binary.run(["record", "--author", "AB"],
                                      stdin: withOverride(CheckDecideTests.highBoth, actions: ["opfoelgning"], reason: " "), environment: env)
        #expect(noReason.status == 65)
        #expect(noReason.stderr.contains("Skriv begrundelsen"))
        let unknown = try Binary.run(["record", "--author", "AB"],
                                     stdin: withOverride(CheckDecideTests.highBoth, actions: ["ring"], reason: "x"), environment: env)
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("Handlingen 'ring' findes ikke"))
        #expect(try logLines(env).isEmpty)
    }

    @Test func recordSavesAnAcceptedOverrideAndTheJournalShowsIt() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = withOverride(CheckDecideTests.highBoth, actions: ["opfoelgning"], reason: "Går allerede i parterapi")
        let result = try Binary.run(["record", "--author", "AB"], stdin: input, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let id = try #require(json["id"] as? String)
        let line = try #require(try logLines(env).first)
        #expect(line.contains(#""override":{"actions":["opfoelgning"],"reason":"Går allerede i parterapi"}"#) || line.contains("opfoelgning"))

        let journal = try Binary.run(["journal", id], environment: env)
        #expect(journal.status == 0, "\(journal.stderr)")
        #expect(journal.stdout.hasPrefix("Konfliktscreening — 2-måneders besøg 20-11-2026\nScreeningsspørgsmålet blev stillet.\n"))
        #expect(journal.stdout.contains("Sundhedsplejersken valgte i stedet: Opfølgning ved næste besøg."))
        #expect(journal.stdout.contains("  Begrundelse: Går allerede i parterapi"))
        #expect(!journal.stdout.contains("4123"))
        let missing = try Binary.run(["journal", UUID().uuidString], environment: env)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("Der findes ingen screening"))
        let bad = try Binary.run(["journal", "ikke-et-id"], environment: env)
        #expect(bad.status == 64)
    }

    @Test func recordWarnsWhenTheSameChildIsScreenedTwiceAtOneVisit() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains("allerede screenet"))
        let again = try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("allerede screenet ved et 2-måneders besøg") })
        #expect(!again.stdout.contains("4123"))
        // Another visit of the same child is no duplicate.
        let later = CheckDecideTests.highBoth.replacingOccurrences(of: #""besoeg": "2mdr""#, with: #""besoeg": "8mdr""#)
        let eight = try Binary.run(["record", "--author", "AB"], stdin: later, environment: env)
        #expect(!eight.stdout.contains("allerede screenet"))
    }

    @Test func correctRefusesAnEarlierOverrideThatNowRemovesADuty() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = withOverride(CheckDecideTests.highBoth, actions: ["opfoelgning"], reason: "Parterapi")
        let recorded = try Binary.run(["record", "--author", "AB"], stdin: input, environment: env)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let reasonFile = root.appendingPathComponent("begrundelse.txt")
        try "Barnet er udsat\n".write(to: reasonFile, atomically: true, encoding: .utf8)
        let corrected = try Binary.run(["correct", id, "--reason-file", reasonFile.path, "--author", "LE"], stdin: Self.exposed, environment: env)
        #expect(corrected.status == 65)
        #expect(corrected.stderr.contains("Den tidligere tilsidesættelse kan ikke stå"))
        let withNew = withOverride(Self.exposed, actions: ["underretning", "opfoelgning"], reason: "Også opfølgning")
        let ok = try Binary.run(["correct", id, "--reason-file", reasonFile.path, "--author", "LE"], stdin: withNew, environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func checkRunsTheGoldenCasesAndReportsAMutatedOneWithItsPosition() throws {
        let ok = try Binary.run(["check", "--forms", forms])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("gyldne tilfælde i orden"))
        #expect(ok.stdout.contains("advarsel: Hjælpemuligheden 'lev_uden_vold' har intet telefonnummer"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: forms + "/konfliktscreening.yaml", toPath: dir.appendingPathComponent("konfliktscreening.yaml").path)
        var lines = try String(contentsOfFile: forms + "/konfliktscreening.cases.yaml", encoding: .utf8).components(separatedBy: "\n")
        let name = try #require(lines.firstIndex { $0.contains("- name: Bekymring for barnets trivsel giver underretning") })
        let index = try #require(lines[name...].firstIndex { $0.contains("actions: [underretning]") })
        lines[index] = lines[index].replacingOccurrences(of: "actions: [underretning]", with: "actions: [opfoelgning]")
        let cases = dir.appendingPathComponent("konfliktscreening.cases.yaml")
        try Data(lines.joined(separator: "\n").utf8).write(to: cases)
        let column = (lines[index].range(of: "[opfoelgning]")?.lowerBound.utf16Offset(in: lines[index]) ?? 0) + 1

        let result = try Binary.run(["check", "--forms", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(cases.path):\(index + 1):\(column): Tilfældet 'Bekymring for barnets trivsel giver underretning': forventede [opfoelgning], men reglerne giver [underretning]."),
                "\(result.stdout)")
        // A form whose cases fail is not used by decide either.
        let decide = try Binary.run(["decide", "--forms", dir.path], stdin: CheckDecideTests.highBoth,
                                    environment: ["KONFLIKT_TODAY": "2026-11-22"])
        #expect(decide.status == 65)
        #expect(decide.stdout.isEmpty)
    }

    @Test func checkRequiresTheRolesOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-roles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: forms + "/konfliktscreening.yaml", encoding: .utf8)
            .replacingOccurrences(of: "        role: child_cpr\n", with: "")
        let file = dir.appendingPathComponent("konfliktscreening.yaml")
        try Data(text.utf8).write(to: file)
        let result = try Binary.run(["check", "--forms", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(file.path):1:1: Formularen mangler et spørgsmål med role: child_cpr"), "\(result.stdout)")
        let twice = text.replacingOccurrences(of: "        role: author\n", with: "        role: visit_date\n")
        try Data(twice.utf8).write(to: file)
        let again = try Binary.run(["check", "--forms", dir.path])
        #expect(again.status == 1)
        #expect(again.stdout.contains("Rollen 'visit_date' kræver et spørgsmål af typen date; 'sundhedsplejerske' er text."), "\(again.stdout)")
    }

    @Test func checkWarnsWithoutFailingWhenARoleTheProgramUsesIsMissing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-roles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shipped = try Binary.run(["check", "--forms", forms])
        #expect(shipped.status == 0)
        #expect(!shipped.stdout.contains("intet spørgsmål med role"), "\(shipped.stdout)")
        let text = try String(contentsOfFile: forms + "/konfliktscreening.yaml", encoding: .utf8)
        let file = dir.appendingPathComponent("konfliktscreening.yaml")
        try Data(text.replacingOccurrences(of: "        role: informed\n", with: "").utf8).write(to: file)
        let result = try Binary.run(["check", "--forms", dir.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\(file.path):1:1: advarsel: Formularen har intet spørgsmål med role: informed; eksporten kan ikke tælle"),
                "\(result.stdout)")
        #expect(result.stdout.contains("OK:"))
        // Without the screened question the reason why is not needed either: one warning, not two.
        try Data(text.replacingOccurrences(of: "        role: screened\n", with: "").utf8).write(to: file)
        let screened = try Binary.run(["check", "--forms", dir.path])
        #expect(screened.status == 0, "\(screened.stdout)")
        #expect(screened.stdout.contains("advarsel: Formularen har intet spørgsmål med role: screened; alle besøg regnes som screenet"),
                "\(screened.stdout)")
        #expect(!screened.stdout.contains("role: not_screened_reason"), "\(screened.stdout)")
        try Data(text.replacingOccurrences(of: "        role: not_screened_reason\n", with: "").utf8).write(to: file)
        let reason = try Binary.run(["check", "--forms", dir.path])
        #expect(reason.status == 0, "\(reason.stdout)")
        #expect(reason.stdout.contains("advarsel: Formularen har intet spørgsmål med role: not_screened_reason"), "\(reason.stdout)")
    }

    @Test func leafletInDanishAndEnglishWithoutInventedNumbers() throws {
        let da = try Binary.run(["leaflet", "--forms", forms])
        #expect(da.status == 0)
        #expect(da.stdout.hasPrefix("Hvor kan I få hjælp?"))
        #expect(da.stdout.contains("Krisecentrene"))
        #expect(!da.stdout.contains("Telefon:"))
        #expect(da.stderr.contains("har intet telefonnummer"))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("folder-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: out) }
        let en = try Binary.run(["leaflet", "--forms", forms, "--lang", "en", "--out", out.path])
        #expect(en.status == 0)
        #expect(try String(contentsOf: out, encoding: .utf8).contains("Where can you get help?"))
        let wrong = try Binary.run(["leaflet", "--forms", forms, "--lang", "de"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("--lang skal være da eller en"))
    }
}
