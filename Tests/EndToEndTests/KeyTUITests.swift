import Foundation
import Testing

/// The passphrase prompt, the fingerprint confirmation and discarding a draft, in tmux at 80×24.
@Suite(.serialized) struct KeyTUITests {
    static let passphrase = "korrekt hest batteri hæfteklamme"

    func session() throws -> TmuxSession {
        let tmux = try TmuxSession()
        tmux.environment["KONFLIKT_PASSPHRASE_FILE"] = ""
        return tmux
    }

    @Test func teamInitAsksForThePassphraseTwiceWithoutEcho() throws {
        let tmux = try session()
        try tmux.start(["team", "init"])
        try tmux.waitFor("Ny adgangssætning")
        try tmux.type(Self.passphrase); try tmux.keys("Enter")
        try tmux.waitFor("Gentag adgangssætningen")
        try tmux.type(Self.passphrase); try tmux.keys("Enter")
        try tmux.waitFor("Teamnøglen er oprettet")
        let screen = try tmux.screen()
        #expect(!screen.contains("hest"), "the passphrase was echoed:\n\(screen)")
        #expect(FileManager.default.fileExists(atPath: tmux.root.appendingPathComponent("data/team.json").path))
        #expect(FileManager.default.fileExists(atPath: tmux.root.appendingPathComponent("config/team-key.json").path))
    }

    @Test func firstStartWithAnUntrustedKeyShowsTheFingerprintAndPinsItWhenConfirmed() throws {
        let tmux = try session()
        // The lead made the key on another machine.
        let passFile = tmux.root.appendingPathComponent("pass.txt")
        try (Self.passphrase + "\n").write(to: passFile, atomically: true, encoding: .utf8)
        var lead = tmux.environment
        lead["KONFLIKT_CONFIG"] = tmux.root.appendingPathComponent("lead-config").path
        lead["KONFLIKT_PASSPHRASE_FILE"] = passFile.path
        #expect(try Binary.run(["team", "init"], environment: lead).status == 0)
        let shown = try Binary.run(["team", "show", "--json"], environment: lead)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let short = try #require(json["short"] as? String)

        try tmux.start()
        try tmux.waitFor("Ny teamnøgle i datamappen")
        #expect(try tmux.screen().contains(short))
        try tmux.type("j")
        try tmux.waitFor("Initialer:")
        let settings = try String(contentsOf: tmux.root.appendingPathComponent("config/settings.json"), encoding: .utf8)
        #expect(settings.contains(try #require(json["fingerprint"] as? String)))
        let recorded = try Binary.run(["record"], stdin: KeyTests.secretAnswers, environment: tmux.environment)
        #expect(recorded.status == 0, "\(recorded.stderr)")
    }

    @Test func aSwappedTeamKeyIsShownAsAWarningAndNothingIsSaved() throws {
        let tmux = try session()
        let passFile = tmux.root.appendingPathComponent("pass.txt")
        try (Self.passphrase + "\n").write(to: passFile, atomically: true, encoding: .utf8)
        var lead = tmux.environment
        lead["KONFLIKT_CONFIG"] = tmux.root.appendingPathComponent("lead-config").path
        lead["KONFLIKT_PASSPHRASE_FILE"] = passFile.path
        #expect(try Binary.run(["team", "init"], environment: lead).status == 0)
        let shown = try Binary.run(["team", "show", "--json"], environment: lead)
        let short = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["short"] as? String)
        #expect(try Binary.run(["team", "trust", short], environment: tmux.environment).status == 0)
        // Another key replaces team.json in the shared folder.
        var other = lead
        other["KONFLIKT_CONFIG"] = tmux.root.appendingPathComponent("other-config").path
        other["KONFLIKT_DATA"] = tmux.root.appendingPathComponent("other-data").path
        #expect(try Binary.run(["team", "init"], environment: other).status == 0)
        let teamFile = tmux.root.appendingPathComponent("data/team.json")
        try FileManager.default.removeItem(at: teamFile)
        try FileManager.default.copyItem(at: tmux.root.appendingPathComponent("other-data/team.json"), to: teamFile)

        try tmux.start()
        try tmux.waitFor("Teamnøglen er skiftet")
        #expect(try tmux.screen().contains(short))
        try tmux.keys("Enter")
        try tmux.waitFor("Initialer:")
        let refused = try Binary.run(["record"], stdin: KeyTests.secretAnswers, environment: tmux.environment)
        #expect(refused.status == 77)
    }

    @Test func aDraftIsListedMaskedSealedOutsideTheDataFolderAndDiscardedAfterConfirmation() throws {
        let tmux = try session()
        try tmux.start()
        try tmux.waitFor("Initialer:")
        try tmux.type("ab"); try tmux.keys("Enter")
        try tmux.waitFor("Hvad vil du gøre?")
        try tmux.type("1")
        try tmux.waitFor("Trin 1 af 5")
        try tmux.type("1"); try tmux.keys("Enter")          // 2-måneders besøg
        try tmux.keys("Enter")                              // visit date: today
        try tmux.type("150926-4123"); try tmux.keys("Enter")
        try tmux.keys("Enter")                              // initials
        try tmux.type("12"); try tmux.keys("Enter")         // mor, far
        try tmux.keys("Enter")                              // screeningen blev gennemført: default ja
        try tmux.waitFor("Trin 2 af 5")
        let pid = try #require(try tmux.panePID())
        kill(pid, SIGKILL)
        try tmux.tmux(["kill-session", "-t", tmux.name])

        // The draft is in the state folder, sealed; the data folder has no drafts.
        let drafts = tmux.root.appendingPathComponent("state/drafts")
        let files = try FileManager.default.contentsOfDirectory(atPath: drafts.path).filter { $0.hasSuffix(".draft") }
        #expect(files.count == 1)
        let sealed = try Data(contentsOf: drafts.appendingPathComponent(files[0]))
        #expect(sealed.range(of: Data("150926".utf8)) == nil)
        #expect(sealed.range(of: Data("2mdr".utf8)) == nil)
        #expect(!FileManager.default.fileExists(atPath: tmux.root.appendingPathComponent("data/drafts").path))

        try tmux.start()
        try tmux.waitFor("Genoptag (1)")
        try tmux.type("2")
        try tmux.waitFor("barn 150926-****")
        #expect(try tmux.screen().contains("2-måneders besøg"))
        #expect(try tmux.screen().contains("22-11-2026"))
        #expect(!(try tmux.screen().contains("4123")))
        try tmux.type("d")
        try tmux.waitFor("Slet kladden?")
        try tmux.type("j")
        try tmux.waitFor("Kladden er slettet.")
        #expect(try FileManager.default.contentsOfDirectory(atPath: drafts.path).filter { $0.hasSuffix(".draft") }.isEmpty)
    }
}
