import Foundation
import Testing

/// `konflikt export` through the built binary.
@Suite struct ExportTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    func makeEnvironment() throws -> (env: [String: String], root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": root.appendingPathComponent("data").path,
                 "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path, "KONFLIKT_FORMS": forms,
                 "KONFLIKT_NOW": "2026-11-23T08:30:00Z"], root)
    }

    /// Records `count` screenings on `date` for `visit`.
    func record(_ count: Int, visit: String, date: String, env: [String: String]) throws {
        let answers = CheckDecideTests.highBoth
            .replacingOccurrences(of: #""besoeg": "2mdr""#, with: #""besoeg": "\#(visit)""#)
            .replacingOccurrences(of: "2026-11-20", with: date)
        for _ in 0..<count {
            let result = try Binary.run(["record", "--author", "AB"], stdin: answers, environment: env)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    func logLines(_ env: [String: String]) throws -> [String] {
        let dir = env["KONFLIKT_DATA"]!
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".jsonl") {
            lines += try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        return lines
    }

    @Test func exportWritesTheFileRecordsItAndVerifyStillPasses() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        try record(6, visit: "2mdr", date: "2026-10-05", env: env)
        try record(2, visit: "8mdr", date: "2026-11-20", env: env)
        let out = root.appendingPathComponent("eksport.csv")
        let result = try Binary.run(["export", "--per", "quarter", "--out", out.path, "--author", "PK"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Eksporten er skrevet til"))
        let bytes = try Data(contentsOf: out)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains("Oprettet;2026-11-23T08:30:00Z\r\n"))
        // 8mdr has 2 (shown as <5, a true 1-4): the row shows only that, the rest is withheld (..). So
        // that the 2 cannot be worked out from 2mdr's 6, the total is hidden as x (5 or more; the repair
        // rule of 2026-12-01 picks it, the rule before hid the 6); the 6 is never shown as <5, the zeros
        // are shown.
        #expect(text.contains("\r\n2026K4;2mdr;6;0;0;"))
        #expect(text.contains("\r\n2026K4;8mdr;<5;..;..;"))
        #expect(text.contains("\r\n2026K4;i alt;x;0;0;"))
        #expect(text.contains("Skjulte tal;<5 betyder et antal fra 1 til 4. x betyder et tal, der er skjult"))
        #expect(!text.contains("150926") && !text.contains("2026-10-05") && !text.contains("AB"))
        let attributes = try FileManager.default.attributesOfItem(atPath: out.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let exports = try logLines(env).filter { $0.contains(#""type":"export""#) }
        #expect(exports.count == 1)
        #expect(exports.first?.contains(#""author":"PK""#) == true)
        #expect(exports.first?.contains(#""per":"quarter""#) == true)
        #expect(exports.first?.contains(#""min-cell":"5""#) == true)
        let verify = try Binary.run(["verify"], environment: env)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // JSON to standard output, per month, with a date filter in Danish form.
        let json = try Binary.run(["export", "--format", "json", "--per", "month", "--from", "01-11-2026", "--author", "PK"],
                                  environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["periods"] as? [String] == ["2026M11"])
        #expect(document["from"] as? String == "2026-11-01")
        #expect(try logLines(env).filter { $0.contains(#""type":"export""#) }.count == 2)
    }

    @Test func badOptionsGiveADanishMessageExit64AndWriteNothing() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        try record(1, visit: "2mdr", date: "2026-10-05", env: env)
        let out = root.appendingPathComponent("eksport.csv")
        let cases: [([String], String)] = [
            (["--per", "uge"], "--per skal være month, quarter, halfyear eller year"),
            (["--format", "xlsx"], "--format skal være csv, json eller html"),
            (["--min-cell", "1"], "--min-cell skal være et helt tal på mindst 2"),
            (["--min-cell", "fem"], "--min-cell skal være et helt tal"),
            (["--from", "2026-13-01"], "er ikke en gyldig dato"),
            (["--from", "2026-06-01", "--to", "2026-05-01"], "ligger efter til-datoen"),
            (["--delimiter", "ab"], "--delimiter skal være ét tegn"),
            (["--delimiter", "\""], "Skilletegnet skal være ét tegn"),
        ]
        for (arguments, message) in cases {
            let result = try Binary.run(["export", "--out", out.path, "--author", "PK"] + arguments, environment: env)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try logLines(env).filter { $0.contains(#""type":"export""#) }.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains(".tmp-") }.isEmpty)
    }
}
