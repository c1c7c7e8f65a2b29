import Foundation
import Testing

/// `record`, `correct`, `followup` and `verify` through the built binary on a fresh data folder.
@Suite struct RecordTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    /// Records `CheckDecideTests.highBoth` (high conflict, both interested in the course) and returns the
    /// new case's id and `record`'s JSON answer.
    func recordHighBoth(_ env: [String: String]) throws -> (id: String, json: [String: Any]) {
        let recorded = try Binary.run(["record"], stdin: CheckDecideTests.highBoth, environment: env)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        return (try #require(json["id"] as? String), json)
    }

    func makeEnvironment() throws -> (env: [String: String], root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-rec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": root.appendingPathComponent("data").path,
                 "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path, "KONFLIKT_FORMS": forms], root)
    }

    @Test func recordCorrectFollowupAndVerify() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let exposed = CheckDecideTests.highBoth.replacingOccurrences(of: #""barn_udsat": "nej""#,
                                                                      with: #""barn_udsat": "ja", "fare_ved_orientering": false"#)
        let recorded = try Binary.run(["record"], stdin: exposed, environment: env)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        let id = try #require(json["id"] as? String)
        #expect(json["actions"] as? [String] == ["underretning", "gruppeforloeb_afventer"])

        // The log file is private and holds exactly one screening line.
        let dataDir = URL(fileURLWithPath: env["KONFLIKT_DATA"]!)
        let files = try FileManager.default.contentsOfDirectory(atPath: dataDir.path).filter { $0.hasSuffix(".jsonl") }
        #expect(files.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: dataDir.appendingPathComponent(files[0]).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let log = try String(contentsOf: dataDir.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 1)
        #expect(log.contains(id))

        let answersFile = root.appendingPathComponent("rettet.json")
        try CheckDecideTests.highBoth.write(to: answersFile, atomically: true, encoding: .utf8)
        let corrected = try Binary.run(["correct", id, "--answers", answersFile.path, "--author", "LE"],
                                       stdin: "Barnet var ikke udsat\n", environment: env)
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(corrected.stdout.contains("gruppeforloeb"))
        #expect(!corrected.stdout.contains("underretning"))

        let followup = try Binary.run(["followup", id, "--action", "gruppeforloeb", "--status", "udfoert", "--author", "LE"],
                                      stdin: "Tilmeldt\n", environment: env)
        #expect(followup.status == 0, "\(followup.stderr)")
        let verify = try Binary.run(["verify"], environment: env)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func invalidAnswersWriteNothing() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = CheckDecideTests.highBoth.replacingOccurrences(of: #""informeret": true,"#, with: "")
        let result = try Binary.run(["record"], stdin: bad, environment: env)
        #expect(result.status == 65)
        #expect(result.stderr.contains("informeret: Skal besvares."))
        let dataDir = env["KONFLIKT_DATA"]!
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dataDir)) ?? []
        #expect(files.filter { $0.hasSuffix(".jsonl") }.isEmpty)
    }

    @Test func correctionNeedsAKnownScreening() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try Binary.run(["record"], stdin: CheckDecideTests.highBoth, environment: env)
        let reasonFile = root.appendingPathComponent("begrundelse.txt")
        try "x".write(to: reasonFile, atomically: true, encoding: .utf8)
        let result = try Binary.run(["correct", UUID().uuidString, "--reason-file", reasonFile.path, "--author", "LE"],
                                    stdin: CheckDecideTests.highBoth, environment: env)
        #expect(result.status == 65)
        #expect(result.stderr.contains("Der findes ingen screening"))
    }

    /// Issue 15, defect 6: `followup` takes a date between the visit and today only, and a closed action
    /// gets a second follow-up only with a note; nothing is written when refused.
    @Test func followupDatesLieBetweenTheVisitAndTodayAndAClosedActionNeedsANote() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let (id, _) = try recordHighBoth(env)
        let visit = try #require(CheckDecideTests.highBoth.firstMatch(of: /"besoegsdato": "([0-9-]+)"/)?.1)
        func followup(_ extra: [String], note: String) throws -> (status: Int32, stderr: String) {
            let result = try Binary.run(["followup", id, "--action", "gruppeforloeb", "--status", "udfoert",
                                         "--author", "LE", "--forms", forms] + extra, stdin: note, environment: env)
            return (result.status, result.stderr)
        }
        func followups() throws -> Int {
            let data = URL(fileURLWithPath: env["KONFLIKT_DATA"] ?? "")
            var count = 0
            for file in try FileManager.default.contentsOfDirectory(atPath: data.path) where file.hasSuffix(".jsonl") {
                count += try String(contentsOf: data.appendingPathComponent(file), encoding: .utf8)
                    .components(separatedBy: "\"type\":\"followup\"").count - 1
            }
            return count
        }
        let future = try followup(["--date", "2026-11-23"], note: "")
        #expect(future.status == 65)
        #expect(future.stderr.contains("ligger i fremtiden"), "\(future.stderr)")
        let before = try followup(["--date", "2020-01-01"], note: "")
        #expect(before.status == 65)
        #expect(before.stderr.contains("ligger før besøget"), "\(before.stderr)")
        #expect(try followups() == 0)
        let first = try followup(["--date", String(visit)], note: "")
        #expect(first.status == 0, "\(first.stderr)")
        let again = try followup([], note: "")
        #expect(again.status == 65)
        #expect(again.stderr.contains("er allerede lukket"), "\(again.stderr)")
        #expect(try followups() == 1)
        let corrected = try followup([], note: "Den første opfølgning var på den forkerte dato\n")
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try followups() == 2)
    }

    /// Issue 13: `followup --status` takes the action's statuses from the form. A status the action does
    /// not have is refused in Danish with the valid ones listed, and nothing is written; the course's
    /// steps keep the case open until a closing status.
    @Test func followupStatusesComeFromTheFormAndAnInvalidOneWritesNothing() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        let (id, json) = try recordHighBoth(env)
        #expect((json["actions"] as? [String])?.contains("gruppeforloeb") == true)
        let data = URL(fileURLWithPath: env["KONFLIKT_DATA"] ?? "")
        func logBytes() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: data.path) where file.hasSuffix(".jsonl") {
                files[file] = try Data(contentsOf: data.appendingPathComponent(file))
            }
            return files
        }
        func followup(_ status: String, note: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
            let result = try Binary.run(["followup", id, "--action", "gruppeforloeb", "--status", status, "--author", "LE"],
                                        stdin: note, environment: env)
            return (result.status, result.stdout, result.stderr)
        }
        func courseStatus() throws -> (status: String?, open: Bool?) {
            let listed = try Binary.run(["review", "--list", "--json", "--all"], environment: env)
            #expect(listed.status == 0, "\(listed.stderr)")
            let items = try #require(JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            let item = try #require(items.first { $0["id"] as? String == id })
            return ((item["status"] as? [String: String])?["gruppeforloeb"], item["open"] as? Bool)
        }
        let before = try logBytes()
        let wrong = try followup("tilmeldt")
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains("Status \"tilmeldt\" findes ikke for Tilbud om gruppeforløb"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("kontakt_givet (kontakt givet)") && wrong.stderr.contains("gennemfoert (gennemført)"),
                "\(wrong.stderr)")
        #expect(try logBytes() == before)
        let malformed = try followup("ikke et id")
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("Status skal være et status-id fra formularen"), "\(malformed.stderr)")
        #expect(try logBytes() == before)

        let contact = try followup("kontakt_givet")
        #expect(contact.status == 0, "\(contact.stderr)")
        #expect(contact.stdout.contains("Opfølgning gemt (gruppeforloeb: kontakt givet)"), "\(contact.stdout)")
        #expect(try courseStatus() == ("kontakt_givet", true))
        let started = try followup("startet")                          // a step on the way needs no note
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try courseStatus() == ("startet", true))
        let completed = try followup("gennemfoert")
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(try courseStatus() == ("gennemfoert", false))
        let again = try followup("startet")                            // closed: a new follow-up needs a note
        #expect(again.status == 65)
        #expect(again.stderr.contains("er allerede lukket"), "\(again.stderr)")
    }

    /// Issue 15, item 10: a `KONFLIKT_TODAY` that is not a date is said, not ignored.
    @Test func aTodayThatIsNotADateIsAUsageError() throws {
        let (env, root) = try makeEnvironment()
        defer { try? FileManager.default.removeItem(at: root) }
        var bad = env
        bad["KONFLIKT_TODAY"] = "garbage"
        let result = try Binary.run(["decide"], stdin: CheckDecideTests.highBoth, environment: bad)
        #expect(result.status == 64)
        #expect(result.stderr.contains("KONFLIKT_TODAY er sat, men er ikke en dato"))
        #expect(!result.stderr.contains("garbage"))
    }
}
