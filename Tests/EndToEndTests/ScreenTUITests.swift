import Foundation
import Testing

/// The screening TUI end to end in tmux at 80×24, checking the screen and then the log.
@Suite(.serialized) struct ScreenTUITests {
    /// Initials, then "Ny screening" and step 1 with `cpr`.
    func startNewScreening(_ tmux: TmuxSession, cpr: String = "150926-4123") throws {
        try tmux.start()
        try tmux.waitFor("Initialer:")
        try tmux.type("ab"); try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
        try tmux.type("1")
        try tmux.waitFor("Trin 1 af 5")
        try tmux.type("1"); try tmux.keys("Enter")          // 2-måneders besøg
        try tmux.keys("Enter")                              // visit date: today
        try tmux.type(cpr); try tmux.keys("Enter")
    }

    /// From the initials field of step 1 to the summary, with the answers of case (a) unless changed.
    func finishScreening(_ tmux: TmuxSession, childExposed: Bool = false, alone: Bool = true, acute: Bool = false) throws {
        try tmux.keys("Enter")                              // initials: default AB
        try tmux.type("12"); try tmux.keys("Enter")         // mor, far
        try tmux.keys("Enter")                              // screeningen blev gennemført: default ja
        try tmux.waitFor("Trin 2 af 5")
        try tmux.type("j"); try tmux.keys("Enter")          // informeret
        try tmux.waitFor("Trin 3 af 5")
        try tmux.type("3"); try tmux.keys("Enter")          // højt
        try tmux.keys("Enter")                              // uenige: default nej
        try tmux.waitFor("Er du alene med forælderen")
        try tmux.type(alone ? "j" : "n")
        if alone {
            try tmux.keys("Enter")
            try tmux.waitFor("Har der været vold mellem jer?")
            try tmux.type("1"); try tmux.keys("Enter")      // ingen vold
        } else {
            // The violence question is not asked when the health visitor is not alone with the parent,
            // and the page says why.
            try tmux.waitFor("Spørgsmålet om vold stilles ikke nu, fordi du ikke er alene")
            #expect(!(try tmux.screen().contains("Har der været vold mellem jer?")))
            try tmux.keys("Enter")
        }
        try tmux.waitFor("Trin 4 af 5")
        try tmux.type(acute ? "j" : "n"); try tmux.keys("Enter")   // akut fare
        try tmux.type("1"); try tmux.keys("Enter")          // ingen bekymring
        try tmux.type(childExposed ? "2" : "1"); try tmux.keys("Enter")
        if childExposed || acute {
            try tmux.waitFor("Kan det bringe barnet")
            try tmux.type("n"); try tmux.keys("Enter")      // orientering er ikke farlig
        }
        try tmux.waitFor("Trin 5 af 5")
        try tmux.type("1"); try tmux.keys("Enter")          // begge
        try tmux.type("j"); try tmux.keys("Enter")          // samtykke
        try tmux.keys("Enter")                              // henvisning: none
        try tmux.type("Far på skift; æøå"); try tmux.keys("Tab")
        try tmux.waitFor("Opsummering")
    }

    func screenings(_ tmux: TmuxSession) throws -> [[String: Any]] {
        try tmux.logEvents().filter { $0["type"] as? String == "screening" }
    }

    @Test func a_highConflictBothInterestedIsSavedWithGroupCourse() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        try tmux.waitFor("Tilbud om gruppeforløb")
        let saved = try screenings(tmux)
        #expect(saved.count == 1)
        let body = try #require(saved.first?["body"] as? [String: Any])
        let decision = try #require(body["decision"] as? [String: Any])
        #expect(decision["actions"] as? [String] == ["gruppeforloeb"])
        let answers = try #require(body["answers"] as? [String: Any])
        #expect(answers["note"] as? String == "Far på skift; æøå")
        #expect(saved.first?["author"] as? String == "AB")
        // The draft is gone once the screening is saved; drafts never were in the data folder.
        let drafts = tmux.root.appendingPathComponent("state/drafts")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: drafts.path)) ?? []).filter { $0.hasSuffix(".draft") }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: tmux.root.appendingPathComponent("data/drafts").path))
        let verify = try Binary.run(["verify"], environment: tmux.environment)
        #expect(verify.status == 0)
    }

    @Test func b_childExposedGivesReportAndSendTodayInstruction() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux, childExposed: true)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        try tmux.waitFor("Send underretningen i dag")
        let decision = try #require((try screenings(tmux).first?["body"] as? [String: Any])?["decision"] as? [String: Any])
        // The course waits for Familierådgivningen's assessment of the report.
        #expect(decision["actions"] as? [String] == ["underretning", "gruppeforloeb_afventer"])
    }

    @Test func c_invalidCPRIsRefusedThenCorrected() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux, cpr: "320926-4123")
        try tmux.waitFor("CPR-nummeret indeholder ikke en gyldig fødselsdato.")
        #expect(try tmux.screen().contains("Trin 1 af 5"))
        try tmux.keys("C-u")
        try tmux.type("150926-4123"); try tmux.keys("Enter")
        try finishScreening(tmux)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        #expect(try screenings(tmux).count == 1)
    }

    @Test func g_notAloneWithTheParentHidesTheViolenceQuestionAndSaysWhy() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux, alone: false)
        try tmux.waitFor("Opfølgning: spørg om vold, når du er alene med forælderen")
        try tmux.waitFor("ikke var alene med forælderen")
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        let body = try #require(try screenings(tmux).first?["body"] as? [String: Any])
        let answers = try #require(body["answers"] as? [String: Any])
        #expect(answers["alene_med_foraelder"] as? Bool == false)
        #expect(answers["vold_mellem_foraeldre"] == nil)
        let decision = try #require(body["decision"] as? [String: Any])
        #expect(decision["actions"] as? [String] == ["gruppeforloeb", "opfoelgning_alene"])
    }

    @Test func h_acuteDangerPutsTheBannerFirstOnTheSummary() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux, acute: true)
        try tmux.waitFor("AKUT FARE")
        let lines = try tmux.screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let banner = try #require(lines.firstIndex { $0.contains("AKUT FARE — Ring 112") })
        let recommendation = try #require(lines.firstIndex { $0.contains("Anbefaling") })
        #expect(banner < recommendation)
        #expect(banner <= 3)                                  // first thing under the title
        let first = try #require(lines[(recommendation + 1)...].first { $0.contains("▶") })
        #expect(first.contains("Akut fare: ring 112 og underret straks"))
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        try tmux.waitFor("AKUT FARE")                         // and again on the saved page
        let decision = try #require((try screenings(tmux).first?["body"] as? [String: Any])?["decision"] as? [String: Any])
        #expect(decision["actions"] as? [String] == ["akut_hjaelp", "underretning", "gruppeforloeb_afventer"])
    }

    @Test func i_anOverrideThatRemovesTheReportIsRefused() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux, childExposed: true)
        try tmux.type("t")
        try tmux.waitFor("Vælg de handlinger, du vil bruge i stedet")
        try tmux.type("2")                                   // untick Underretning
        try tmux.keys("Enter")
        try tmux.waitFor("underretningspligten er personlig")
        try tmux.waitFor("ret de svar, der udløste den")
        // Writing a reason does not help: the duty stays.
        try tmux.keys("Tab"); try tmux.type("Familien er kendt"); try tmux.keys("Enter")
        try tmux.waitFor("underretningspligten er personlig")
        try tmux.keys("Escape")
        try tmux.waitFor("Opsummering")
        #expect(!(try tmux.screen().contains("Tilsidesat af dig")))
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        let body = try #require(try screenings(tmux).first?["body"] as? [String: Any])
        #expect(body["override"] == nil || body["override"] is NSNull)
        #expect((body["decision"] as? [String: Any])?["actions"] as? [String] == ["underretning", "gruppeforloeb_afventer"])
    }

    @Test func j_theSavedPageShowsTheJournalNote() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        try tmux.waitFor("Journalnotat (kopiér til journalen)")
        try tmux.waitFor("Screeningsspørgsmålet blev stillet.")
        #expect(!(try tmux.screen().contains("4123")))
    }

    /// Issue 15, defect 2: with a report and the waiting course, the summary shows what to do before
    /// saving, and the saved page scrolls (↓ does not leave it) to its last line.
    @Test func j2_theSummaryShowsWhatToDoAndTheSavedPageScrollsToTheEnd() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux, childExposed: true)
        try tmux.waitFor("Når screeningen er gemt")
        try tmux.keys("End")
        try tmux.waitFor("• Note")                                    // the last answer, by scrolling
        try tmux.keys("Home")
        try tmux.keys("Enter")
        try tmux.waitFor("✔ Gemt")
        try tmux.keys("End")
        // At the end the hint says only "↑ linje …": nothing further down.
        try tmux.waitFor("↑ linje")
        let deadline = Date().addingTimeInterval(TmuxSession.scaled(10))
        var end = try tmux.screen()
        while end.contains("↓ linje"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            end = try tmux.screen()
        }
        #expect(!end.contains("↓ linje"), "\(end)")
        #expect(end.contains("✔ Gemt"))                                // still on the saved page
        try tmux.keys("Down")
        #expect(try tmux.screen().contains("✔ Gemt"))
        try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
    }

    @Test func d_resizeRedrawsAndSmallWindowsSayTooSmall() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        // Every key typed so far must have been read before the window shrinks: keys are ignored then.
        try tmux.waitFor("150926-4123")
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "60", "-y", "20"])
        try tmux.waitFor("Vinduet er for lille")
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "100", "-y", "30"])
        try tmux.waitFor("Trin 1 af 5")
        let screen = try tmux.screen()
        #expect(!screen.contains("Vinduet er for lille"))
        #expect(screen.contains("150926-4123"))
        #expect(screen.contains("(•) 1 2-måneders besøg"))
        // The title row ends at the new right edge.
        let firstLine = screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasSuffix("Trin 1 af 5"))
        #expect(firstLine.count == 100)
    }

    /// Issue 15, defect 1: while "Vinduet er for lille" is shown, keys must not act on the hidden screen.
    @Test func d2_keysAreIgnoredWhileTheWindowIsTooSmall() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux)
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "60", "-y", "20"])
        try tmux.waitFor("Vinduet er for lille")
        try tmux.keys("Enter"); try tmux.keys("F10"); try tmux.keys("C-s"); try tmux.type("t")
        tmux.settle()
        #expect(try screenings(tmux).isEmpty)
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "80", "-y", "24"])
        try tmux.waitFor("Opsummering")
        let screen = try tmux.screen()
        #expect(!screen.contains("Tilsidesæt anbefaling"))      // "t" did not open the override
        #expect(!screen.contains("✔ Gemt"))
        #expect(try screenings(tmux).isEmpty)
        try tmux.keys("Enter")
        try tmux.waitFor("✔ Gemt")
        #expect(try screenings(tmux).count == 1)
    }

    @Test func e_killedMidFormIsResumedWithEveryAnswer() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try tmux.keys("Enter")
        try tmux.type("12"); try tmux.keys("Enter")
        try tmux.keys("Enter")
        try tmux.waitFor("Trin 2 af 5")
        try tmux.type("j"); try tmux.keys("Enter")
        try tmux.waitFor("Trin 3 af 5")
        let pid = try #require(try tmux.panePID())
        kill(pid, SIGKILL)
        try tmux.tmux(["kill-session", "-t", tmux.name])
        try tmux.start()
        try tmux.waitFor("Genoptag (1)")
        try tmux.type("2")
        try tmux.waitFor("Trin 3 af 5")          // the draft listing names the step it got to
        try tmux.keys("Enter")
        try tmux.waitFor("Hvordan er konfliktniveauet")
        // Going back shows every earlier answer.
        try tmux.keys("PgUp")
        try tmux.waitFor("Trin 2 af 5")
        #expect(try tmux.screen().contains("(•) Ja"))
        try tmux.keys("PgUp")
        try tmux.waitFor("Trin 1 af 5")
        let screen = try tmux.screen()
        #expect(screen.contains("(•) 1 2-måneders besøg"))
        #expect(screen.contains("150926-4123"))
        #expect(screen.contains("[x] 1 Mor"))
        #expect(screen.contains("[x] 2 Far"))
        #expect(try screenings(tmux).isEmpty)
    }

    @Test func f_plainWithPipedInputSavesTheSameRecordAsTheTUI() throws {
        let tui = try TmuxSession()
        try startNewScreening(tui)
        try finishScreening(tui)
        try tui.keys("Enter")
        try tui.waitFor("Gemt")
        let fromTUI = try #require(try screenings(tui).first?["body"] as? [String: Any])

        let plain = try TmuxSession()
        // visit, date, CPR, initials, participants, screened (default yes), informed, level, disagree
        // (default no), alone, violence, acute (default no), concern, exposed, interest, consent, referrals, note, save
        let input = ["1", "", "150926-4123", "AB", "1,2", "", "j", "3", "", "j", "1", "", "1", "1", "1", "j", "", "Far på skift; æøå", "", "j"]
            .joined(separator: "\n") + "\n"
        let result = try Binary.run(["screen", "--plain"], stdin: input, environment: plain.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Gemt."))
        let fromPlain = try #require(try screenings(plain).first?["body"] as? [String: Any])
        #expect(try canonical(fromPlain["answers"]) == canonical(fromTUI["answers"]))
        #expect(try canonical(fromPlain["decision"]) == canonical(fromTUI["decision"]))
    }

    /// A JSON value as sorted-keys text, for comparing decoded objects.
    func canonical(_ value: Any?) throws -> String {
        let object = try #require(value)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func exportFromTheStartMenuWritesTheFileAndRecordsIt() throws {
        let tmux = try TmuxSession()
        try startNewScreening(tmux)
        try finishScreening(tmux)
        try tmux.keys("Enter")
        try tmux.waitFor("Gemt")
        try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
        try tmux.type("4")
        try tmux.waitFor("Eksport til projektrapportering")
        // Period, rows, from, to, format: Enter on the format exports.
        try tmux.keys("Enter", "Enter", "Enter", "Enter", "Enter")
        try tmux.waitFor("Eksporten er gemt")
        let files = try FileManager.default.contentsOfDirectory(atPath: tmux.root.path).filter { $0.hasPrefix("konflikt-eksport-kvartal-") }
        #expect(files.count == 1)
        let data = try Data(contentsOf: tmux.root.appendingPathComponent(try #require(files.first)))
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("150926"))
        #expect(!text.contains("Far på skift"))
        let attributes = try FileManager.default.attributesOfItem(atPath: tmux.root.appendingPathComponent(files[0]).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try tmux.logEvents().filter { $0["type"] as? String == "export" }.count == 1)
        try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
    }

    /// Issue 15, defect 5: folders that cannot be written are said before any question is asked (exit 74).
    @Test func foldersThatCannotBeWrittenAreSaidBeforeAnyQuestion() throws {
        let tmux = try TmuxSession()
        let blocker = tmux.root.appendingPathComponent("en-fil")
        try Data("x".utf8).write(to: blocker)
        var environment = tmux.environment
        environment["KONFLIKT_STATE"] = blocker.appendingPathComponent("state").path
        tmux.environment = environment
        try tmux.start(recordingExit: true)
        try tmux.waitFor("kan ikke skrives")
        try tmux.waitFor("KONFLIKT_STATE")
        #expect(!(try tmux.screen()).contains("Initialer"))
        #expect(try tmux.exitStatus() == 74)
        var data = tmux.environment
        data["KONFLIKT_STATE"] = tmux.root.appendingPathComponent("state").path
        data["KONFLIKT_DATA"] = blocker.appendingPathComponent("data").path
        let plain = try Binary.run(["screen", "--plain"], stdin: "1\n", environment: data)
        #expect(plain.status == 74)
        #expect(plain.stderr.contains("Datamappen") && plain.stderr.contains("kan ikke skrives"), "\(plain.stderr)")
        #expect(!plain.stdout.contains("besøg"), "\(plain.stdout)")
    }

    @Test func plainModeStopsCleanlyWhenInputEnds() throws {
        let session = try TmuxSession()
        let result = try Binary.run(["screen", "--plain"], stdin: "1\n\n", environment: session.environment)
        #expect(result.status == 65)
        #expect(result.stderr.contains("intet er gemt"))
        #expect(try session.logEvents().isEmpty)
    }

    /// Issue 15 item 10: an unset TERM and TERM=dumb are said in Danish, never drawn half (exit 74).
    @Test func anUnknownOrTooSimpleTerminalIsSaidInDanish() throws {
        for (setting, expected) in [("-u TERM", "Miljøvariablen TERM er ikke sat"), ("TERM=dumb", "kan ikke flytte markøren")] {
            let tmux = try TmuxSession()
            // Standard input and output are the pane's terminal; the message goes to a file to be read whole.
            try tmux.start(launcher: ["sh", "-c", "env \(setting) \"$0\" 2>fejl.txt; echo slut=$?; sleep 60"])
            try tmux.waitFor("slut=74")
            let message = try String(contentsOf: tmux.root.appendingPathComponent("fejl.txt"), encoding: .utf8)
            #expect(message.contains(expected), "\(message)")
            #expect(message.contains("--plain"))
            #expect(!message.contains("Error opening terminal"))
            #expect(!(try tmux.screen()).contains("Enter"))            // nothing of the screens was drawn
        }
    }

    @Test func noTerminalGivesAClearMessage() throws {
        let session = try TmuxSession()
        let result = try Binary.run(["screen"], environment: session.environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--plain"))
    }
}
