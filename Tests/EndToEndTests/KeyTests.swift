import Foundation
import Testing

/// Team key, trust and encrypted bodies through the built binary: a lead and a health visitor with
/// their own config folders sharing one data folder.
@Suite struct KeyTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path
    static let passphrase = "korrekt hest batteri hæfteklamme"

    /// Folders for one run: the shared data folder, the lead's and a health visitor's config and state.
    final class Setup {
        let root: URL
        let data: URL
        let lead: [String: String]
        let visitor: [String: String]

        init(forms: String) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-keys-\(UUID().uuidString)")
            data = root.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let passFile = root.appendingPathComponent("pass.txt")
            try (KeyTests.passphrase + "\n").write(to: passFile, atomically: true, encoding: .utf8)
            let common = ["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": data.path, "KONFLIKT_FORMS": forms,
                          "KONFLIKT_PASSPHRASE_FILE": passFile.path]
            lead = common.merging(["KONFLIKT_CONFIG": root.appendingPathComponent("lead-config").path,
                                   "KONFLIKT_STATE": root.appendingPathComponent("lead-state").path]) { $1 }
            visitor = common.merging(["KONFLIKT_CONFIG": root.appendingPathComponent("visitor-config").path,
                                      "KONFLIKT_STATE": root.appendingPathComponent("visitor-state").path]) { $1 }
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func logBytes() throws -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []
            return try files.filter { $0.hasSuffix(".jsonl") }.reduce(0) { sum, name in
                sum + ((try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
            }
        }

        func fingerprint() throws -> (full: String, short: String) {
            let shown = try Binary.run(["team", "show", "--json"], environment: lead)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            return (try #require(json["fingerprint"] as? String), try #require(json["short"] as? String))
        }
    }

    /// Answers with a child at risk and a free-text note, so the body holds a CPR number, answers and a note.
    static let secretAnswers = ActionPlanTests.exposed.replacingOccurrences(
        of: #""samtykke_kontakt": true"#, with: #""samtykke_kontakt": true, "note": "Skænderier om natten""#)

    @Test func leadMakesTheKeyVisitorTrustsItAndAnAttackerWithTheFolderFindsNothing() throws {
        let setup = try Setup(forms: forms)
        let made = try Binary.run(["team", "init"], environment: setup.lead)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("Fingeraftryk"))
        let keyFile = setup.root.appendingPathComponent("lead-config/team-key.json").path
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: setup.data.appendingPathComponent("team.json").path)[.posixPermissions] as? Int == 0o600)
        let (full, short) = try setup.fingerprint()
        #expect(full.count == 64)
        #expect(made.stdout.contains(short))
        // The private key is not in the data folder, and a second init changes nothing.
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 65)

        // The health visitor has not trusted the key: nothing is written, exit 77.
        let untrusted = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.visitor)
        #expect(untrusted.status == 77)
        #expect(untrusted.stderr.contains("ikke har godkendt"))
        #expect(untrusted.stderr.contains(short))
        #expect(try setup.logBytes() == 0)
        #expect(try Binary.run(["team", "trust", String(repeating: "ab", count: 32)], environment: setup.visitor).status == 77)
        let trusted = try Binary.run(["team", "trust", short], environment: setup.visitor)
        #expect(trusted.status == 0, "\(trusted.stderr)")

        // Both record; the lead's device trusted its own key at init.
        let recorded = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("underretning"))
        let leadRecord = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.lead)
        #expect(leadRecord.status == 0, "\(leadRecord.stderr)")

        // The attacker: every byte of every file in the data folder.
        var everything = Data()
        let walker = FileManager.default.enumerator(atPath: setup.data.path)
        while let name = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = setup.data.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                everything.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        #expect(everything.count > 1000)
        for secret in ["150926-4123", "1509264123", "150926", "Skænderier", "hoejt", "konfliktniveau", "barn_cpr",
                       "interesse_gruppeforloeb", "underretning", "gruppeforloeb", "2026-11-20"] {
            #expect(everything.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in the data folder")
        }
        // Drafts and keys are not there either.
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.data.path)
        #expect(names.allSatisfy { $0.hasSuffix(".jsonl") || $0 == "team.json" }, "\(names)")

        // verify needs no key: a fresh environment without any config or passphrase.
        let bare = ["KONFLIKT_DATA": setup.data.path, "KONFLIKT_CONFIG": setup.root.appendingPathComponent("nobody").path,
                    "KONFLIKT_PASSPHRASE_FILE": ""]
        let verify = try Binary.run(["verify"], environment: bare)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("alle 2 screeninger, rettelser og opfølgninger er krypterede"))
        let verifyJSON = try Binary.run(["verify", "--json"], environment: bare)
        #expect(verifyJSON.stdout.contains(#""clearTextBodies" : 0"#))

        // ... and still finds tampering: one changed byte inside an encrypted body.
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: setup.data.path).first { $0.hasSuffix(".jsonl") })
        let url = setup.data.appendingPathComponent(file)
        let original = try Data(contentsOf: url)
        let marker = try #require(original.range(of: Data(#""enc":""#.utf8)))
        var bytes = [UInt8](original)
        let position = marker.upperBound - original.startIndex + 20
        bytes[position] = bytes[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(bytes).write(to: url)
        let tampered = try Binary.run(["verify"], environment: bare)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("FEJL"))
    }

    @Test func swappedTeamFileStopsRecordingWithoutWritingAByte() throws {
        let setup = try Setup(forms: forms)
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        #expect(try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.lead).status == 0)
        let before = try setup.logBytes()
        #expect(before > 0)
        // Someone puts another key into the synced folder.
        let other = try Setup(forms: forms)
        #expect(try Binary.run(["team", "init"], environment: other.lead).status == 0)
        let teamFile = setup.data.appendingPathComponent("team.json")
        try FileManager.default.removeItem(at: teamFile)
        try FileManager.default.copyItem(at: other.data.appendingPathComponent("team.json"), to: teamFile)
        let refused = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.lead)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("anden teamnøgle"))
        #expect(try setup.logBytes() == before)
        // Removing team.json does not make the device fall back to clear text either.
        try FileManager.default.removeItem(at: teamFile)
        let gone = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.lead)
        #expect(gone.status == 77)
        #expect(try setup.logBytes() == before)
    }

    @Test func wrongPassphraseIsAClearMessageAndTheRightOneOpensTheKey() throws {
        let setup = try Setup(forms: forms)
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        let checked = try Binary.run(["team", "check"], environment: setup.lead)
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("kan åbnes"))
        let wrongFile = setup.root.appendingPathComponent("wrong.txt")
        try "forkert forkert forkert\n".write(to: wrongFile, atomically: true, encoding: .utf8)
        var wrong = setup.lead
        wrong["KONFLIKT_PASSPHRASE_FILE"] = wrongFile.path
        let refused = try Binary.run(["team", "check"], environment: wrong)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("Forkert adgangssætning"))
        // No key on the health visitor's device.
        let missing = try Binary.run(["team", "check"], environment: setup.visitor)
        #expect(missing.status == 77)
        #expect(missing.stderr.contains("Teamnøglen findes ikke"))
        // A short passphrase is refused at init.
        let shortFile = setup.root.appendingPathComponent("short.txt")
        try "kort\n".write(to: shortFile, atomically: true, encoding: .utf8)
        var short = other(setup)
        short["KONFLIKT_PASSPHRASE_FILE"] = shortFile.path
        #expect(try Binary.run(["team", "init"], environment: short).status == 64)
    }

    private func other(_ setup: Setup) -> [String: String] {
        var environment = setup.visitor
        environment["KONFLIKT_DATA"] = setup.root.appendingPathComponent("other-data").path
        return environment
    }

    @Test func withoutTeamFileBodiesStayClearAsBefore() throws {
        let setup = try Setup(forms: forms)
        let recorded = try Binary.run(["record"], stdin: Self.secretAnswers, environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: setup.data.path).first { $0.hasSuffix(".jsonl") })
        let text = try String(contentsOf: setup.data.appendingPathComponent(file), encoding: .utf8)
        #expect(text.contains(#""body":{"#))
        #expect(text.contains("Skænderier om natten"))      // so the attacker test looks for a value that is recorded
        // A key made later: verify counts the clear-text body.
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        let verify = try Binary.run(["verify"], environment: setup.visitor)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("1 screeninger, rettelser og opfølgninger står i klar tekst"))
    }

    @Test func demoDataIsSealedToTheTeamKeyAndVerifies() throws {
        let setup = try Setup(forms: forms)
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        let demo = try Binary.run(["demo-data", "--count", "200"], environment: setup.lead)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Krypteret til teamnøglen"))
        let verify = try Binary.run(["verify"], environment: setup.visitor)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("er krypterede"))
        #expect(!verify.stdout.contains("klar tekst"))
    }

    @Test func deviceShowAndTeamShowWithoutTeam() throws {
        let setup = try Setup(forms: forms)
        let shown = try Binary.run(["device", "show", "--json"], environment: setup.visitor)
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((json["fingerprint"] as? String)?.count == 64)
        #expect((json["device"] as? String)?.count == 16)
        let keyFile = setup.root.appendingPathComponent("visitor-config/device-key.json").path
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
        let noTeam = try Binary.run(["team", "show"], environment: setup.visitor)
        #expect(noTeam.status == 65)
        #expect(noTeam.stderr.contains("ingen teamnøgle"))
    }

    @Test func freeTextNeverComesFromArguments() throws {
        let setup = try Setup(forms: forms)
        let reason = try Binary.run(["correct", UUID().uuidString, "--reason", "x"], environment: setup.visitor)
        #expect(reason.status == 64)
        let note = try Binary.run(["followup", UUID().uuidString, "--action", "a", "--status", "udfoert", "--note", "x"],
                                  environment: setup.visitor)
        #expect(note.status == 64)
        // Answers and reason cannot both come from standard input.
        let both = try Binary.run(["correct", UUID().uuidString], stdin: Self.secretAnswers, environment: setup.visitor)
        #expect(both.status == 64)
        #expect(both.stderr.contains("--reason-file"))
    }
}

/// The lead reads sealed records through the case index: review, export, follow-up and correction need
/// the team key (77 without it), and nothing the lead appends is readable in the data folder either.
@Suite struct EncryptedReadingTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    @Test func theLeadReadsSealedCasesAndWithoutTheKeyNothingIsShown() throws {
        let setup = try KeyTests.Setup(forms: forms)
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        let (_, short) = try setup.fingerprint()
        #expect(try Binary.run(["team", "trust", short], environment: setup.visitor).status == 0)
        let recorded = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let decision = try #require(try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        let id = try #require(decision["id"] as? String)
        // The lead approves the health visitor's device (issue 17), so its records count.
        let visitorKey = try AuthenticityTests.device(setup.visitor).fingerprint
        #expect(try Binary.run(["team", "approve", visitorKey], environment: setup.lead).status == 0)

        // Without the passphrase: exit 77 and a Danish message, never an empty list.
        var noKey = setup.lead
        noKey["KONFLIKT_PASSPHRASE_FILE"] = nil
        let refused = try Binary.run(["review", "--list", "--json"], environment: noKey)
        #expect(refused.status == 77)
        #expect(refused.stdout.isEmpty)
        #expect(!refused.stderr.isEmpty)
        #expect(try Binary.run(["export"], environment: noKey).status == 77)
        var wrong = setup.lead
        let wrongFile = setup.root.appendingPathComponent("wrong.txt")
        try "en helt forkert sætning\n".write(to: wrongFile, atomically: true, encoding: .utf8)
        wrong["KONFLIKT_PASSPHRASE_FILE"] = wrongFile.path
        let wrongRun = try Binary.run(["review", "--list", "--json"], environment: wrong)
        #expect(wrongRun.status == 77)
        #expect(wrongRun.stdout.isEmpty)

        // With the key: the case is listed, as it would be in clear text.
        let listed = try Binary.run(["review", "--list", "--json"], environment: setup.lead)
        #expect(listed.status == 0, "\(listed.stderr)")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(cases.map { $0["id"] as? String } == [id])
        #expect(cases.first?["child"] as? String == "150926-****")
        #expect(!listed.stderr.contains("kunne ikke læses"))
        let export = try Binary.run(["export", "--format", "json", "--author", "LE"], environment: setup.lead)
        #expect(export.status == 0, "\(export.stderr)")

        // The lead's follow-up is sealed too, and closes the case.
        let note = "Ringede til rådgiveren om familien Hemmeligsen"
        let followed = try Binary.run(["followup", id, "--action", "underretning", "--status", "udfoert",
                                       "--date", "2026-11-22", "--author", "LE"], stdin: note, environment: setup.lead)
        #expect(followed.status == 0, "\(followed.stderr)")
        let after = try Binary.run(["review", "--list", "--json", "--all"], environment: setup.lead)
        let all = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]])
        #expect((all.first?["status"] as? [String: String])?["underretning"] == "udfoert")

        // An attacker with the whole data folder finds neither the note nor the child's number.
        for name in try FileManager.default.contentsOfDirectory(atPath: setup.data.path) {
            let bytes = try Data(contentsOf: setup.data.appendingPathComponent(name))
            for secret in ["Hemmeligsen", "150926-4123", "1509264123", "Skænderier"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)")
            }
        }
    }
}
