import Crypto
import Foundation
import KonfliktCore
@testable import KonfliktLog
import Testing

/// Issue 17 through the built binary: approved devices, authenticated records, rotation, retention and
/// the right of access. A lead, a health visitor and (where needed) an attacker or a second device,
/// each with its own config and state folder, share one data folder.
@Suite struct AuthenticityTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    /// A third party's config and state folders in `setup`'s root, sharing its data folder.
    static func other(_ setup: KeyTests.Setup, _ name: String) -> [String: String] {
        var environment = setup.visitor
        environment["KONFLIKT_CONFIG"] = setup.root.appendingPathComponent("\(name)-config").path
        environment["KONFLIKT_STATE"] = setup.root.appendingPathComponent("\(name)-state").path
        return environment
    }

    /// `device show --json` of the computer with `environment`: (fingerprint, device id).
    static func device(_ environment: [String: String]) throws -> (fingerprint: String, id: String) {
        let shown = try Binary.run(["device", "show", "--json"], environment: environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        return (try #require(json["fingerprint"] as? String), try #require(json["device"] as? String))
    }

    /// `review --list --json [--all]` as the lead: the cases and standard error.
    static func review(_ setup: KeyTests.Setup, all: Bool = true) throws -> (cases: [[String: Any]], stderr: String) {
        let listed = try Binary.run(["review", "--list", "--json"] + (all ? ["--all"] : []), environment: setup.lead)
        #expect(listed.status == 0, "\(listed.stderr)")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        return (cases, listed.stderr)
    }

    /// Team key made by the lead, trusted by the health visitor, who records the exposed child; returns its id.
    static func recordedCase(_ setup: KeyTests.Setup, approve: Bool) throws -> String {
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        let (_, short) = try setup.fingerprint()
        #expect(try Binary.run(["team", "trust", short], environment: setup.visitor).status == 0)
        let recorded = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let decision = try #require(try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        if approve {
            let approved = try Binary.run(["team", "approve", try device(setup.visitor).fingerprint], environment: setup.lead)
            #expect(approved.status == 0, "\(approved.stderr)")
        }
        return try #require(decision["id"] as? String)
    }

    @Test func aForgedDeviceFileCannotCloseACaseAndApprovingItBringsItIn() throws {
        let setup = try KeyTests.Setup(forms: forms)
        let id = try Self.recordedCase(setup, approve: false)

        // Not approved yet: the health visitor's own screening does not count either.
        var (cases, stderr) = try Self.review(setup)
        #expect(cases.isEmpty)
        #expect(stderr.contains("1 hændelser fra en enhed, der ikke er godkendt"))
        let waiting = try Binary.run(["team", "devices"], environment: setup.lead)
        #expect(waiting.stdout.contains(KeyFingerprint.short(try Self.device(setup.visitor).fingerprint)))

        // The lead compares the fingerprint and approves: the screening comes in (the index is rebuilt).
        let approved = try Binary.run(["team", "approve", KeyFingerprint.short(try Self.device(setup.visitor).fingerprint)],
                                      environment: setup.lead)
        #expect(approved.status == 0, "\(approved.stderr)")
        (cases, stderr) = try Self.review(setup)
        #expect(cases.map { $0["id"] as? String } == [id])
        #expect(!stderr.contains("ikke er godkendt"))

        // An attacker who can write to the synced folder trusts the (public) team key and writes a
        // follow-up that would close the report, in a file of its own with a valid chain, authenticated
        // by its own unapproved key; and one more sealed the old way, without any sender.
        let attacker = Self.other(setup, "attacker")
        #expect(try Binary.run(["team", "trust", try setup.fingerprint().short], environment: attacker).status == 0)
        let config = ConfigDirectory(path: try #require(attacker["KONFLIKT_CONFIG"]))
        let directory = DataDirectory(path: setup.data.path)
        let close = FollowupBody(screening: try #require(UUID(uuidString: id)), action: "underretning", status: "udfoert",
                                 date: try #require(LocalDate(iso: "2026-11-22")), note: "lukket")
        try LogWriter.forDevice(directory: directory, config: config).append(.followup(close), author: "XY")
        let team = try #require(try TeamFile.load(directory: directory)).key(path: "team.json")
        var old = LogWriter(directory: directory, device: "0123456789abcdef")
        old.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team)]))
        try old.append(.followup(close), author: "XY")
        #expect(try Binary.run(["verify"], environment: setup.visitor).status == 0)

        (cases, stderr) = try Self.review(setup)
        #expect((cases.first?["status"] as? [String: String])?["underretning"] == "open")
        #expect(stderr.contains("2 hændelser fra en enhed, der ikke er godkendt"))
        let export = try Binary.run(["export", "--format", "json", "--author", "LE"], environment: setup.lead)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("2 hændelser fra en enhed, der ikke er godkendt"))
        let checked = try Binary.run(["verify", "--key"], environment: setup.lead)
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("2 hændelser fra en enhed, der ikke er godkendt"))

        // Approving the attacker's key (say it was a new laptop after all) brings its follow-up in.
        let attackerKey = try Self.device(attacker).fingerprint
        #expect(try Binary.run(["team", "approve", attackerKey], environment: setup.lead).status == 0)
        (cases, stderr) = try Self.review(setup)
        #expect((cases.first?["status"] as? [String: String])?["underretning"] == "udfoert")
        #expect(stderr.contains("1 hændelser fra en enhed, der ikke er godkendt"))
    }

    @Test func recordsFromBeforeTheTeamKeyCountOnceTheLeadApprovesThemAsTheyAre() throws {
        let setup = try KeyTests.Setup(forms: forms)
        // A screening in clear text, before the team had a key (issue 11: old lines stay readable).
        let recorded = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let decision = try #require(try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        let id = try #require(decision["id"] as? String)
        #expect(try Binary.run(["team", "init"], environment: setup.lead).status == 0)
        var (cases, stderr) = try Self.review(setup)
        #expect(cases.isEmpty)
        #expect(stderr.contains("1 hændelser fra en enhed, der ikke er godkendt"))
        let leadDevice = try Self.device(setup.lead).id
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.data.path)
        let file = try #require(names.first { $0.hasSuffix(".jsonl") && !$0.hasPrefix(leadDevice) })
        let devices = try Binary.run(["team", "devices"], environment: setup.lead)
        #expect(devices.stdout.contains("konflikt team approve-legacy \(file)"), "\(devices.stdout)")

        // Neither both nor none of the files and --all; a file without such records approves nothing.
        #expect(try Binary.run(["team", "approve-legacy"], environment: setup.lead).status == 64)
        let unknown = try Binary.run(["team", "approve-legacy", "0000000000000000.jsonl"], environment: setup.lead)
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("Intet er godkendt"))

        let approved = try Binary.run(["team", "approve-legacy", file], environment: setup.lead)
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("1 ældre hændelse i \(file) tælles nu med"))
        (cases, stderr) = try Self.review(setup)
        #expect(cases.map { $0["id"] as? String } == [id])
        #expect(!stderr.contains("ikke er godkendt"))

        // Approved as the file was: a record without a sender appended later to the same file, or put
        // in a file of its own, closes nothing.
        let directory = DataDirectory(path: setup.data.path)
        let close = FollowupBody(screening: try #require(UUID(uuidString: id)), action: "underretning", status: "udfoert",
                                 date: try #require(LocalDate(iso: "2026-11-22")), note: "lukket")
        let team = try #require(try TeamFile.load(directory: directory)).key(path: "team.json")
        for device in [String(file.dropLast(".jsonl".count)), "0123456789abcdef"] {
            var old = LogWriter(directory: directory, device: device)   // sealed the old way: no sender
            old.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team)]))
            try old.append(.followup(close), author: "XY")
        }
        #expect(try Binary.run(["verify"], environment: setup.visitor).status == 0)
        (cases, stderr) = try Self.review(setup)
        #expect((cases.first?["status"] as? [String: String])?["underretning"] == "open")
        #expect(stderr.contains("2 hændelser fra en enhed, der ikke er godkendt"))
    }

    @Test func aRecordSealedAgainByAnotherDeviceKeyFailsAuthentication() throws {
        let setup = try KeyTests.Setup(forms: forms)
        _ = try Self.recordedCase(setup, approve: true)
        // A second, approved device B (it has written nothing yet: approved with its id).
        let other = Self.other(setup, "b")
        let b = try Self.device(other)
        let approved = try Binary.run(["team", "approve", b.fingerprint, "--device", b.id], environment: setup.lead)
        #expect(approved.status == 0, "\(approved.stderr)")
        // B seals a screening in A's name (A's device id, in A's file) with its own key as sender.
        let a = try Self.device(setup.visitor)
        let directory = DataDirectory(path: setup.data.path)
        let team = try #require(try TeamFile.load(directory: directory)).key(path: "team.json")
        let bKey = try DeviceKey.load(config: ConfigDirectory(path: try #require(other["KONFLIKT_CONFIG"])))
        let form = try FormLoader.loadForm(directory: URL(fileURLWithPath: forms))
        let answers = try ScreeningInput.parse(Data(KeyTests.secretAnswers.utf8))
        let decision = form.decide(answers.answers, today: try #require(LocalDate(iso: "2026-11-22")))
        var forged = LogWriter(directory: directory, device: a.id)
        forged.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team)], sender: bKey.privateKey))
        try forged.append(.screening(ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                                   answers: answers.answers, decision: decision,
                                                   visitDate: LocalDate(iso: "2026-11-20"), override: nil)), author: "AB")
        #expect(try Binary.run(["verify"], environment: setup.visitor).status == 0)
        let (cases, stderr) = try Self.review(setup)
        #expect(cases.count == 1)
        #expect(stderr.contains("1 hændelser kan ikke godkendes"))
        let checked = try Binary.run(["verify", "--key"], environment: setup.lead)
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("1 hændelser kan ikke godkendes"))
        #expect(checked.stdout.contains("\(a.id).jsonl linje 2"))
    }

    @Test func aChangedEnvelopeFieldFailsAuthenticationEvenWithTheChainRecomputed() throws {
        let setup = try KeyTests.Setup(forms: forms)
        _ = try Self.recordedCase(setup, approve: true)
        #expect(try Self.review(setup).cases.count == 1)
        let file = setup.data.appendingPathComponent("\(try Self.device(setup.visitor).id).jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        // Change the time of the screening and recompute every hash of the chain, as an insider could.
        var prev = EventLine.genesis
        var rewritten: [String] = []
        for (index, line) in lines.enumerated() {
            var content = String(String(line.dropLast(EventLine.suffixLength)).dropFirst(9 + 64))
            if index == 0 { content = content.replacingOccurrences(of: #""ts":"2026-"#, with: #""ts":"2025-"#) }
            let (sealed, hash) = EventLine.seal(Array((#"{"prev":""# + prev + content).utf8))
            rewritten.append(String(decoding: sealed.dropLast(), as: UTF8.self))
            prev = hash
        }
        #expect(rewritten != lines)
        try (rewritten.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let verified = try Binary.run(["verify", "--skip-bodies"], environment: Self.other(setup, "auditor"))
        #expect(verified.status == 0, "\(verified.stdout)")
        let (cases, stderr) = try Self.review(setup)
        #expect(cases.isEmpty)
        #expect(stderr.contains("1 hændelser kan ikke godkendes"))
        let checked = try Binary.run(["verify", "--key"], environment: setup.lead)
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("kan ikke godkendes"))
    }

    @Test func rotationKeepsOldRecordsReadableAndDevicesConfirmTheNewKey() throws {
        let setup = try KeyTests.Setup(forms: forms)
        let first = try Self.recordedCase(setup, approve: true)
        let before = try setup.fingerprint()
        let rotated = try Binary.run(["team", "rotate"], environment: setup.lead)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let after = try setup.fingerprint()
        #expect(after.full != before.full)
        // The health visitor's device does not encrypt to the new key until she confirms it.
        let refused = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains(after.short))
        #expect(try Binary.run(["team", "trust", after.short], environment: setup.visitor).status == 0)
        let second = try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor)
        #expect(second.status == 0, "\(second.stderr)")
        // Both records are read: the old one with the old key kept in the key file, the approvals re-signed.
        let (cases, stderr) = try Self.review(setup)
        #expect(cases.count == 2)
        #expect(cases.contains { $0["id"] as? String == first })
        #expect(!stderr.contains("kunne ikke læses"))
        #expect(!stderr.contains("ikke er godkendt"))
    }

    /// Every 32-byte value stored base64 in any JSON file under `folders`.
    static func storedSecrets(in folders: [String]) -> [Data] {
        var found: [Data] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let name as String in walker {
                guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                      let written = String(data: data, encoding: .utf8) else { continue }
                // JSONEncoder writes `/` as `\/`: half of all base64 keys hold a slash, and split there they
                // were missed (the check then found no key at all about one run in eight).
                let text = written.replacingOccurrences(of: "\\/", with: "/")
                for candidate in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || "+/=".contains($0)) }) {
                    if let bytes = Data(base64Encoded: String(candidate)), bytes.count == 32 { found.append(bytes) }
                }
            }
        }
        return found
    }

    @Test func retentionDestroysTheOldKeysWhileVerifyStillPasses() throws {
        let setup = try KeyTests.Setup(forms: forms)
        var visitor2025 = setup.visitor, lead2025 = setup.lead
        visitor2025["KONFLIKT_TODAY"] = "2025-11-22"
        lead2025["KONFLIKT_TODAY"] = "2025-11-22"
        #expect(try Binary.run(["team", "init"], environment: lead2025).status == 0)
        #expect(try Binary.run(["team", "trust", try setup.fingerprint().short], environment: visitor2025).status == 0)
        let old = KeyTests.secretAnswers.replacingOccurrences(of: "2026-11-20", with: "2025-11-20")
            .replacingOccurrences(of: "150926-4123", with: "150925-4123")
        #expect(try Binary.run(["record", "--author", "AB"], stdin: old, environment: visitor2025).status == 0)
        #expect(try Binary.run(["team", "approve", try Self.device(setup.visitor).fingerprint], environment: setup.lead).status == 0)
        // The new year: the lead rotates, the health visitor confirms, and records a 2026 visit.
        #expect(try Binary.run(["team", "rotate"], environment: setup.lead).status == 0)
        #expect(try Binary.run(["team", "trust", try setup.fingerprint().short], environment: setup.visitor).status == 0)
        #expect(try Binary.run(["record", "--author", "AB"], stdin: KeyTests.secretAnswers, environment: setup.visitor).status == 0)
        #expect(try Self.review(setup).cases.count == 2)

        // Scripts must repeat the date; a wrong one deletes nothing.
        let unconfirmed = try Binary.run(["retention", "--before", "2026-01-01", "--confirm", "2026-01-02"], environment: setup.lead)
        #expect(unconfirmed.status == 64)
        #expect(try Self.review(setup).cases.count == 2)
        let lead = try Binary.run(["retention", "--before", "2026-01-01", "--confirm", "2026-01-01"], environment: setup.lead)
        #expect(lead.status == 0, "\(lead.stderr)")
        #expect(lead.stdout.contains("Destrueret 1 teamnøgle"))
        let visitor = try Binary.run(["retention", "--before", "2026-01-01", "--confirm", "2026-01-01"], environment: setup.visitor)
        #expect(visitor.status == 0, "\(visitor.stderr)")
        #expect(visitor.stdout.contains("2025"))

        // The log is untouched and verifies; review and export say what was deleted instead of failing.
        #expect(try Binary.run(["verify"], environment: Self.other(setup, "auditor")).status == 0)
        let (cases, stderr) = try Self.review(setup)
        #expect(cases.count == 1)
        #expect(stderr.contains("1 hændelser er slettet efter reglerne for opbevaring"))
        let export = try Binary.run(["export", "--format", "json", "--author", "LE"], environment: setup.lead)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("slettet efter reglerne for opbevaring"))

        // No key left in any config or state folder opens the 2025 body: every stored 32-byte value
        // tried as an X25519 private key and as a data key, and the lead's key file opened with the passphrase.
        let folders = ["lead-config", "lead-state", "visitor-config", "visitor-state"].map { setup.root.appendingPathComponent($0).path }
        let secrets = Self.storedSecrets(in: folders)
        #expect(!secrets.isEmpty)
        var privateKeys = secrets.compactMap { try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
        let keyFile = setup.root.appendingPathComponent("lead-config/team-key.json").path
        let opened = try TeamKeyFile.load(path: keyFile).openAll(passphrase: Array(KeyTests.passphrase.utf8), path: keyFile)
        privateKeys += [opened.current] + opened.previous
        let device = try Self.device(setup.visitor).id
        let line = try #require(try String(contentsOf: setup.data.appendingPathComponent("\(device).jsonl"), encoding: .utf8)
            .split(separator: "\n").first.map { Array($0.utf8) })
        try line.withUnsafeBytes { raw in
            #expect(throws: LogError.self) {
                try LogEvent.decode(raw, file: "a", line: 1, keys: BodyKeys(privateKeys: privateKeys))
            }
            let (end, base64) = try #require(BodyCrypto.sealedRange(raw))
            let blob = [UInt8](try #require(Data(base64Encoded: Data(UnsafeRawBufferPointer(rebasing: raw[base64])))))
            let header = BodyCrypto.stanzaStart(mode: blob[1]) + Int(blob[2]) * BodyCrypto.stanzaLength
            let associated = Data(UnsafeRawBufferPointer(rebasing: raw[0..<end])) + Data(blob[0..<header])
            let box = try ChaChaPoly.SealedBox(combined: blob[header...])
            for secret in secrets {
                #expect((try? ChaChaPoly.open(box, using: SymmetricKey(data: secret), authenticating: associated)) == nil)
            }
        }
    }

    @Test func insightPrintsEverythingAboutOneChildAndIsRecordedAsAnAccess() throws {
        let setup = try KeyTests.Setup(forms: forms)
        let id = try Self.recordedCase(setup, approve: true)
        let answersFile = setup.root.appendingPathComponent("svar.json")
        try KeyTests.secretAnswers.replacingOccurrences(of: "\"hoejt\"", with: "\"middel\"").write(to: answersFile, atomically: true, encoding: .utf8)
        let correction = try Binary.run(["correct", id, "--answers", answersFile.path, "--author", "LE"],
                                        stdin: "Forkert konfliktniveau tastet", environment: setup.lead)
        #expect(correction.status == 0, "\(correction.stderr)")
        // A second correction, later: only the note changes.
        try KeyTests.secretAnswers.replacingOccurrences(of: "\"hoejt\"", with: "\"middel\"")
            .replacingOccurrences(of: "Skænderier om natten", with: "Skænderier om morgenen")
            .write(to: answersFile, atomically: true, encoding: .utf8)
        let second = try Binary.run(["correct", id, "--answers", answersFile.path, "--author", "LE"],
                                    stdin: "Noten var skrevet forkert", environment: setup.lead)
        #expect(second.status == 0, "\(second.stderr)")
        let followup = try Binary.run(["followup", id, "--action", "underretning", "--status", "udfoert",
                                       "--date", "2026-11-22", "--author", "LE"], stdin: "Sendt til Familierådgivningen", environment: setup.lead)
        #expect(followup.status == 0, "\(followup.stderr)")

        let insight = try Binary.run(["insight", "--author", "LE"], stdin: "150926-4123\n", environment: setup.lead)
        #expect(insight.status == 0, "\(insight.stderr)")
        #expect(insight.stdout.contains("150926-4123"))
        #expect(insight.stdout.contains("Screening 1 af 1"))
        #expect(insight.stdout.contains(id))
        #expect(insight.stdout.contains("Forkert konfliktniveau tastet"))
        #expect(insight.stdout.contains("Sendt til Familierådgivningen"))
        #expect(insight.stdout.contains("Middel"))
        // Each correction in order, with its reason, its answers (what changed, and what it was before)
        // and the recommendation when it changed (GDPR art. 15: everything, not only what is in force).
        let text = insight.stdout
        let first = try #require(text.range(of: "Rettelse 1 af 2"), "\(text)")
        let later = try #require(text.range(of: "Rettelse 2 af 2"), "\(text)")
        #expect(first.lowerBound < later.lowerBound)
        let one = String(text[first.lowerBound..<later.lowerBound])
        let two = String(text[later.lowerBound...])
        #expect(one.contains("Begrundelse: Forkert konfliktniveau tastet"), "\(one)")
        #expect(one.contains("- Hvordan er konfliktniveauet i jeres familie? Middel. (før: Højt.)"), "\(one)")
        #expect(one.contains("- Note: Skænderier om natten.\n"), "\(one)")
        #expect(one.contains("Anbefaling efter rettelsen:") || one.contains("Anbefalingen er uændret:"), "\(one)")
        #expect(two.contains("Begrundelse: Noten var skrevet forkert"), "\(two)")
        #expect(two.contains("- Note: Skænderier om morgenen. (før: Skænderier om natten.)"), "\(two)")
        #expect(two.contains("- Hvordan er konfliktniveauet i jeres familie? Middel.\n"), "\(two)")
        #expect(two.contains("Anbefalingen er uændret:"), "\(two)")
        let none = try Binary.run(["insight", "--author", "LE"], stdin: "010101-1234", environment: setup.lead)
        #expect(none.status == 0)
        #expect(none.stdout.contains("Der er ikke registreret noget om barnet."))
        let bad = try Binary.run(["insight", "--author", "LE"], stdin: "12345", environment: setup.lead)
        #expect(bad.status == 65)
        #expect(!bad.stderr.contains("12345"))

        // Both insights are in the access log, without the number; nothing about the child is in the folder.
        let log = try Binary.run(["review", "--access-log", "--json"], environment: setup.lead)
        #expect(log.status == 0, "\(log.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        let insights = entries.filter { $0["kind"] as? String == "insight" }
        #expect(insights.count == 2)
        #expect(insights.first?["cases"] as? [String] == [id])
        #expect(insights.first?["author"] as? String == "LE")
        #expect(!log.stdout.contains("150926"))
        for name in try FileManager.default.contentsOfDirectory(atPath: setup.data.path) {
            let bytes = try Data(contentsOf: setup.data.appendingPathComponent(name))
            for secret in ["150926-4123", "1509264123", "Sendt til Familie", "Forkert konflikt", "Noten var skrevet", "om morgenen"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)")
            }
        }
    }

    @Test func everyExportIsAnAccessInTheLog() throws {
        let setup = try KeyTests.Setup(forms: forms)
        _ = try Self.recordedCase(setup, approve: true)
        let export = try Binary.run(["export", "--format", "json", "--author", "LE"], environment: setup.lead)
        #expect(export.status == 0, "\(export.stderr)")
        let log = try Binary.run(["review", "--access-log"], environment: setup.lead)
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains("eksport"))
        #expect(log.stdout.contains("LE"))
        let json = try Binary.run(["review", "--access-log", "--json"], environment: setup.lead)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["kind"] as? String == "export")
        #expect((entries.first?["export"] as? String)?.count == 36)
    }
}
