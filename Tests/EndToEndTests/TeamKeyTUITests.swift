import Foundation
@testable import KonfliktLog
import Testing

/// Issue 17 in tmux at 80×24 with the real binary: a health visitor confirms the lead's rotated team key
/// on her device's first screen, and the lead deletes under the retention rules from the review screen.
@Suite(.serialized) struct TeamKeyTUITests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    /// A tmux session running as the computer with `environment` (its data, config and state folders).
    func session(_ environment: [String: String]) throws -> TmuxSession {
        let tmux = try TmuxSession()
        tmux.environment.merge(environment) { $1 }
        return tmux
    }

    /// The team key ids each line of the device file of `environment`'s computer is sealed to, in order.
    static func teamKeyIDs(_ setup: KeyTests.Setup, of environment: [String: String]) throws -> [[[UInt8]]] {
        let device = try AuthenticityTests.device(environment).id
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.data.path)
        let file = try #require(names.first { $0.hasPrefix(device) && $0.hasSuffix(".jsonl") })
        let text = try String(contentsOf: setup.data.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").map { Retention.teamKeyIDs(Array($0.utf8)) }
    }

    /// The team key's id (the first 8 bytes of its fingerprint).
    static func keyID(_ fingerprint: String) throws -> [UInt8] {
        try #require(KeyFingerprint.keyID(fingerprint: fingerprint))
    }

    /// The screen's text with every run of spaces and line breaks as one space (wrapped lines joined).
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test func aHealthVisitorConfirmsTheRotatedKeyOnHerScreenAndOnlyThenSealsToIt() throws {
        let setup = try KeyTests.Setup(forms: forms)
        let first = try AuthenticityTests.recordedCase(setup, approve: true)
        let old = try setup.fingerprint()
        let rotated = try Binary.run(["team", "rotate"], environment: setup.lead)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let new = try setup.fingerprint()
        #expect(new.full != old.full)
        let settings = URL(fileURLWithPath: try #require(setup.visitor["KONFLIKT_CONFIG"])).appendingPathComponent("settings.json")

        // Her device shows both fingerprints and asks; she declines (any key but j).
        let tmux = try session(setup.visitor)
        try tmux.start()
        try tmux.waitFor("Teamnøglen er skiftet")
        let asked = try tmux.screen()
        #expect(asked.contains(new.short), "\(asked)")
        #expect(asked.contains(old.short), "\(asked)")
        try tmux.type("n")
        try tmux.waitFor("Initialer:")
        try tmux.tmux(["kill-session", "-t", tmux.name])
        // Declined: the old key stays pinned, and nothing is sealed to either key (exit 77, the new
        // fingerprint in the message); the one record there is still sealed to the old key only.
        #expect(try String(contentsOf: settings, encoding: .utf8).contains(old.full))
        let refused = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains(new.short))
        #expect(try Self.teamKeyIDs(setup, of: setup.visitor) == [[try Self.keyID(old.full)]])

        // Next start she compares the new fingerprint with the lead's and confirms it.
        try tmux.start()
        try tmux.waitFor("Teamnøglen er skiftet")
        #expect(try tmux.screen().contains(new.short))
        try tmux.type("j")
        try tmux.waitFor("Initialer:")
        #expect(try String(contentsOf: settings, encoding: .utf8).contains(new.full))
        let recorded = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers.replacingOccurrences(
            of: "150926-4123", with: "160926-4123"), environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let second = try #require((try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])?["id"] as? String)
        // The new record is sealed to the new key only; the old one still to the old key.
        #expect(try Self.teamKeyIDs(setup, of: setup.visitor) == [[try Self.keyID(old.full)], [try Self.keyID(new.full)]])

        // The lead reads both, with the old key kept in her key file.
        let (cases, stderr) = try AuthenticityTests.review(setup)
        #expect(Set(cases.compactMap { $0["id"] as? String }) == [first, second])
        #expect(!stderr.contains("kunne ikke læses"))
        #expect(!stderr.contains("ikke er godkendt"))
    }

    @Test func theLeadDeletesUnderTheRetentionRulesFromTheReviewAfterTypingTheDateTwice() throws {
        let setup = try KeyTests.Setup(forms: forms)
        var visitor2025 = setup.visitor, lead2025 = setup.lead
        visitor2025["KONFLIKT_TODAY"] = "2025-11-22"
        lead2025["KONFLIKT_TODAY"] = "2025-11-22"
        #expect(try Binary.run(["team", "init"], environment: lead2025).status == 0)
        #expect(try Binary.run(["team", "trust", try setup.fingerprint().short], environment: visitor2025).status == 0)
        let old = KeyTests.secretAnswers.replacingOccurrences(of: "2026-11-20", with: "2025-11-20")
            .replacingOccurrences(of: "150926-4123", with: "150925-4123")
        #expect(try Binary.run(["record", "--author", "AB"], stdin: old, environment: visitor2025).status == 0)
        #expect(try Binary.run(["team", "approve", try AuthenticityTests.device(setup.visitor).fingerprint],
                               environment: setup.lead).status == 0)
        #expect(try Binary.run(["team", "rotate"], environment: setup.lead).status == 0)
        #expect(try Binary.run(["team", "trust", try setup.fingerprint().short], environment: setup.visitor).status == 0)
        #expect(try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor).status == 0)
        #expect(try AuthenticityTests.review(setup).cases.count == 2)
        let keyFile = URL(fileURLWithPath: try #require(setup.lead["KONFLIKT_CONFIG"])).appendingPathComponent("team-key.json")
        let keysBefore = try Data(contentsOf: keyFile)

        let tmux = try session(setup.lead)
        try tmux.start(["review", "--author", "LE"], recordingExit: true)
        try tmux.waitFor("2 sager")
        // Esc after seeing what would happen: nothing is deleted.
        try tmux.type("o")
        try tmux.waitFor("Slet registreringer med besøg før")
        try tmux.type("01-01-2026"); try tmux.keys("Enter")
        try tmux.waitFor("Skriv datoen igen")
        let plan = Self.flat(try tmux.screen())
        #expect(plan.contains("Destrueres: 1 teamnøgle(r)"), "\(plan)")
        #expect(plan.contains("1 registreringer kan aldrig læses igen"), "\(plan)")
        #expect(plan.contains("kan ikke fortrydes"), "\(plan)")
        #expect(plan.contains("konvolutterne"), "\(plan)")
        try tmux.keys("Escape")
        try tmux.waitFor("Intet er slettet.")
        #expect(try Data(contentsOf: keyFile) == keysBefore)

        // Another date the second time deletes nothing either; the same date does.
        try tmux.type("o")
        try tmux.waitFor("Slet registreringer med besøg før")
        try tmux.type("01-01-2026"); try tmux.keys("Enter")
        try tmux.waitFor("Skriv datoen igen")
        try tmux.type("01-02-2026"); try tmux.keys("Enter")
        try tmux.waitFor("Datoen er ikke den samme")
        #expect(try Data(contentsOf: keyFile) == keysBefore)
        try tmux.type("01-01-2026"); try tmux.keys("Enter")
        try tmux.waitFor("Destrueret 1 teamnøgle(r)")
        try tmux.keys("Enter")
        // Back in the list: the case index is rebuilt with the keys left, and the review says what was deleted.
        try tmux.waitFor("1 sag,")
        let list = try tmux.screen()
        #expect(Self.flat(list).contains("1 hændelser er slettet efter reglerne for opbevaring"), "\(list)")
        try tmux.type("q")
        #expect(try tmux.exitStatus() == 0)

        // The same as `konflikt retention`: verify passes, and the CLI's review counts the deleted record.
        #expect(try Binary.run(["verify"], environment: AuthenticityTests.other(setup, "auditor")).status == 0)
        let (cases, stderr) = try AuthenticityTests.review(setup)
        #expect(cases.count == 1)
        #expect(stderr.contains("1 hændelser er slettet efter reglerne for opbevaring"))
        let again = try Binary.run(["retention", "--before", "2026-01-01", "--confirm", "2026-01-01"], environment: setup.lead)
        #expect(again.stdout.contains("Ingen teamnøgle bruges kun til besøg før 2026-01-01."), "\(again.stdout)")
    }
}
