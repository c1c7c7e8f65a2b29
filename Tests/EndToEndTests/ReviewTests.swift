import Foundation
import Testing

/// The team lead's review through the real binary: two health visitors' device files in one data
/// folder, the lead in tmux and `review --list`.
@Suite(.serialized) struct ReviewTests {
    /// Answers JSON for a 2-month visit on `date` (`YYYY-MM-DD`).
    static func answers(date: String, cpr: String, author: String, level: String, exposed: Bool) -> String {
        var fields = [
            #""besoeg": "2mdr""#, #""besoegsdato": "\#(date)""#, #""barn_cpr": "\#(cpr)""#,
            #""sundhedsplejerske": "\#(author)""#, #""deltagere": ["mor", "far"]"#, #""informeret": true"#,
            #""konfliktniveau": "\#(level)""#, #""bekymring_trivsel": "nej""#,
            #""barn_udsat": "\#(exposed ? "ja" : "nej")""#,
        ]
        if level != "lavt" { fields += [#""alene_med_foraelder": true"#, #""vold_mellem_foraeldre": "nej""#] }
        if exposed { fields.append(#""fare_ved_orientering": false"#) }
        if level == "hoejt" { fields += [#""interesse_gruppeforloeb": "begge""#, #""samtykke_kontakt": true"#] }
        return "{\"answers\": {" + fields.joined(separator: ", ") + "}}"
    }

    /// Records a screening as `author` on the device of config folder `config`, on the visit day.
    static func record(_ session: TmuxSession, config: String, author: String, date: String, cpr: String,
                       level: String, exposed: Bool) throws -> String {
        var environment = session.environment
        environment["KONFLIKT_CONFIG"] = session.root.appendingPathComponent(config).path
        environment["KONFLIKT_TODAY"] = date
        let result = try Binary.run(["record", "--author", author],
                                    stdin: answers(date: date, cpr: cpr, author: author, level: level, exposed: exposed),
                                    environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["id"] as? String)
    }

    /// Two health visitors: AB's overdue report (2 Nov) and a calm visit, CD's group course (20 Nov).
    static func twoHealthVisitors(_ session: TmuxSession) throws -> (report: String, course: String) {
        let report = try record(session, config: "ab", author: "AB", date: "2026-11-02", cpr: "150926-4123",
                                level: "middel", exposed: true)
        _ = try record(session, config: "ab", author: "AB", date: "2026-11-03", cpr: "160926-4123",
                       level: "lavt", exposed: false)
        let course = try record(session, config: "cd", author: "CD", date: "2026-11-20", cpr: "010926-4234",
                                level: "hoejt", exposed: false)
        return (report, course)
    }

    /// Issue 15, defect 1: while the window is too small, Enter o F10 record nothing in the review.
    @Test func keysInATooSmallReviewRecordNothing() throws {
        let tmux = try TmuxSession()
        _ = try Self.twoHealthVisitors(tmux)
        try tmux.start(["review", "--author", "LE"])
        try tmux.waitFor("Gennemgang – markerede familier")
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "60", "-y", "20"])
        try tmux.waitFor("Vinduet er for lille")
        try tmux.keys("Enter"); try tmux.type("o"); try tmux.keys("F10"); try tmux.keys("Enter"); try tmux.type("j")
        tmux.settle()
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "80", "-y", "24"])
        try tmux.waitFor("Gennemgang – markerede familier")
        #expect(!(try tmux.screen()).contains("Opfølgning:"))
        #expect(try tmux.logEvents().filter { $0["type"] as? String == "followup" }.isEmpty)
    }

    /// Issue 15, item 10: `review` without saved initials asks for them instead of exiting 64.
    @Test func reviewWithoutSavedInitialsAsksForThem() throws {
        let tmux = try TmuxSession()
        _ = try Self.twoHealthVisitors(tmux)
        try tmux.start(["review"])
        try tmux.waitFor("Initialer:")
        try tmux.type("l ")
        try tmux.waitFor("Initialer er kun bogstaver")
        try tmux.type("e")
        try tmux.keys("Enter")
        try tmux.waitFor("Gennemgang – markerede familier")
        let settings = try String(contentsOf: tmux.root.appendingPathComponent("config/settings.json"), encoding: .utf8)
        #expect(settings.contains("LE"))
    }

    @Test func leadFindsTheOverdueReportRecordsItAndItLeavesTheOpenList() throws {
        let tmux = try TmuxSession()
        let ids = try Self.twoHealthVisitors(tmux)
        let data = tmux.root.appendingPathComponent("data")
        let healthVisitorFiles = Set(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".jsonl") })
        #expect(healthVisitorFiles.count == 2)

        // The lead opens konflikt, gives initials and chooses "Gennemgang" in the start menu.
        try tmux.start()
        try tmux.waitFor("Initialer:")
        try tmux.type("le"); try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
        try tmux.type("3")
        try tmux.waitFor("Gennemgang – markerede familier")
        try tmux.waitFor("2 sager, 1 over frist")
        let screen = try tmux.screen()
        let lines = screen.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.contains("150926-****") })
        #expect(lines[first].hasPrefix("! 02-11-26"))
        #expect(lines[first].contains("Underretning åben"))
        #expect(lines.firstIndex { $0.contains("010926-****") }.map { $0 > first } == true)
        #expect(!screen.contains("160926"))                  // low conflict: not flagged
        #expect(!screen.contains("4123"))                    // CPR masked

        try tmux.keys("Enter")
        try tmux.waitFor("OVER FRIST")
        try tmux.waitFor("Hvordan er konfliktniveauet i jeres familie? → Middel")
        try tmux.type("o")
        try tmux.waitFor("Udført – underretningen er sendt")
        try tmux.keys("Tab", "Tab", "Tab")
        try tmux.type("Sendt til Familierådgivningen")
        try tmux.keys("Enter")
        // Nothing is saved before the lead has seen what will be saved (issue 15, defect 6).
        try tmux.waitFor("Gem denne opfølgning?")
        try tmux.waitFor("Status: Udført – underretningen er sendt")
        #expect(try tmux.logEvents().filter { $0["type"] as? String == "followup" }.isEmpty)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt: Underretning til Familierådgivningen – udført. Sagen er lukket")
        try tmux.waitFor("1 sag, 0 over frist")
        #expect(!(try tmux.screen()).contains("150926-****"))
        try tmux.type("a")
        try tmux.waitFor("Vis: alle")
        try tmux.waitFor("Underretning udført")
        try tmux.keys("Escape")
        try tmux.waitFor("Hvad vil du gøre?")
        try tmux.type("5")

        // The follow-up is in the lead's own, new device file; every file verifies.
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".jsonl") })
        let leadFiles = files.subtracting(healthVisitorFiles)
        #expect(leadFiles.count == 1)
        let leadLog = try String(contentsOf: data.appendingPathComponent(try #require(leadFiles.first)), encoding: .utf8)
        let events = leadLog.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        // Opening the case's details was recorded first, as an access (issue 11 point 6).
        #expect(events.map { $0["type"] as? String } == ["access", "followup"])
        let access = try #require(events.first?["body"] as? [String: Any])
        #expect(access["kind"] as? String == "details")
        #expect(access["cases"] as? [String] == [ids.report])
        let event = try #require(events.last)
        #expect(event["type"] as? String == "followup")
        #expect(event["author"] as? String == "LE")
        let body = try #require(event["body"] as? [String: Any])
        #expect(body["screening"] as? String == ids.report)
        #expect(body["action"] as? String == "underretning")
        #expect(body["status"] as? String == "udfoert")
        #expect(body["date"] as? String == "2026-11-22")
        let verify = try Binary.run(["verify"], environment: tmux.environment)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("Alle 3 logfiler er i orden."))
    }

    @Test func listAsTextAndJSONMasksCPRAndFollowsOpenAndAll() throws {
        let session = try TmuxSession()
        let ids = try Self.twoHealthVisitors(session)
        let env = session.environment
        let text = try Binary.run(["review", "--list"], environment: env)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("150926-****"))
        #expect(!text.stdout.contains("4123"))
        #expect(text.stdout.contains("Underretning: åben (over frist)"))

        let json = try Binary.run(["review", "--list", "--json"], environment: env)
        #expect(json.status == 0)
        #expect(!json.stdout.contains("4123"))
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(cases.map { $0["id"] as? String } == [ids.report, ids.course])
        let report = cases[0]
        #expect(report["date"] as? String == "2026-11-02")
        #expect(report["visit"] as? String == "2mdr")
        #expect(report["actions"] as? [String] == ["underretning"])
        #expect((report["status"] as? [String: String])?["underretning"] == "open")
        #expect(report["overdue"] as? Bool == true)
        #expect(report["author"] as? String == "AB")
        #expect(report["child"] as? String == "150926-****")

        var followupEnv = env
        followupEnv["KONFLIKT_CONFIG"] = session.root.appendingPathComponent("lead").path
        let followup = try Binary.run(["followup", ids.report, "--action", "underretning", "--status", "udfoert",
                                       "--author", "LE"], stdin: "", environment: followupEnv)
        #expect(followup.status == 0, "\(followup.stderr)")
        let open = try Binary.run(["review", "--list", "--json"], environment: env)
        let openCases = try #require(try JSONSerialization.jsonObject(with: Data(open.stdout.utf8)) as? [[String: Any]])
        #expect(openCases.map { $0["id"] as? String } == [ids.course])
        let all = try Binary.run(["review", "--list", "--json", "--all"], environment: env)
        let allCases = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
        #expect(Set(allCases.compactMap { $0["id"] as? String }) == [ids.report, ids.course])

        // The same from an index saved after the follow-up: the closed case is in the index's section of
        // other flagged cases, which the default list does not read and `--all` does.
        let state = session.root.appendingPathComponent("state")
        for name in try FileManager.default.contentsOfDirectory(atPath: state.path) where name.hasPrefix("sagsindeks-") {
            try FileManager.default.removeItem(at: state.appendingPathComponent(name))
        }
        let rebuilt = try Binary.run(["review", "--list", "--json"], environment: env)
        #expect(rebuilt.stdout == open.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.path).contains { $0.hasPrefix("sagsindeks-") })
        let fromSaved = try Binary.run(["review", "--list", "--json", "--all"], environment: env)
        #expect(fromSaved.status == 0 && fromSaved.stdout == all.stdout)
        let again = try Binary.run(["review", "--list", "--json"], environment: env)
        #expect(again.stdout == open.stdout)
        let onlyCD = try Binary.run(["review", "--list", "--json", "--all", "--visitor", "cd"], environment: env)
        let cdCases = try #require(try JSONSerialization.jsonObject(with: Data(onlyCD.stdout.utf8)) as? [[String: Any]])
        #expect(cdCases.map { $0["id"] as? String } == [ids.course])
    }

    @Test func badOptionsAreRefusedInDanish() throws {
        let session = try TmuxSession()
        let unknown = try Binary.run(["review", "--list", "--action", "fodbold"], environment: session.environment)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Formularen har ingen handling \"fodbold\""))
        let jsonWithoutList = try Binary.run(["review", "--json"], environment: session.environment)
        #expect(jsonWithoutList.status == 64)
        #expect(jsonWithoutList.stderr.contains("bruges sammen med --list"))
        // A data folder that does not exist is said so (74), never an empty list.
        let missing = try Binary.run(["review", "--list", "--json"], environment: session.environment)
        #expect(missing.status == 74)
        #expect(missing.stderr.contains("findes ikke"))
        let export = try Binary.run(["export"], environment: session.environment)
        #expect(export.status == 74)
        #expect(export.stderr.contains("findes ikke"))
        #expect(!FileManager.default.fileExists(atPath: session.environment["KONFLIKT_DATA"] ?? ""))
        try FileManager.default.createDirectory(atPath: session.environment["KONFLIKT_DATA"] ?? "",
                                                withIntermediateDirectories: true)
        let empty = try Binary.run(["review", "--list", "--json"], environment: session.environment)
        #expect(empty.status == 0)
        #expect(empty.stdout == "[]\n")
    }
}
