import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

/// The sealed-body scheme: roundtrip, wrong keys, tampering, devices and the team, and the writer's refusals.
@Suite struct BodyCryptoTests {
    typealias PrivateKey = Curve25519.KeyAgreement.PrivateKey

    static let secretCPR = "150926-4123"

    static func sensitiveScreening() -> EventBody {
        .screening(ScreeningBody(
            form: "konfliktscreening", formVersion: 1, formFingerprint: String(repeating: "a", count: 64),
            answers: ["barn_cpr": .string(secretCPR), "konfliktniveau": .string("hoejt"), "note": .string("Slag i køkkenet")],
            decision: Sample.decision(actions: ["underretning"], flagged: true), visitDate: LocalDate(year: 2026, month: 3, day: 2),
            override: nil))
    }

    /// A writer for `device` that seals to `team` and the device's own key.
    static func sealingWriter(_ data: DataDirectory, device: String, team: PrivateKey, deviceKey: PrivateKey) throws -> LogWriter {
        var writer = LogWriter(directory: data, device: device)
        writer.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team.publicKey),
                                                             BodyRecipient(kind: .device, publicKey: deviceKey.publicKey)]))
        return writer
    }

    static func decode(_ line: Data, keys: BodyKeys?) throws(LogError) -> LogEvent {
        var result: Result<LogEvent, LogError>?
        [UInt8](line).withUnsafeBytes { raw in
            do throws(LogError) { result = .success(try LogEvent.decode(raw, file: "f.jsonl", line: 1, keys: keys)) } catch {
                result = .failure(error)
            }
        }
        switch result {
        case .success(let event)?: return event
        case .failure(let error)?: throw error
        case nil: throw .badEvent(file: "f.jsonl", line: 1, reason: "not decoded")
        }
    }

    @Test func roundtripForTeamAndWritingDevice() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), deviceA = PrivateKey()
        let writer = try Self.sealingWriter(folder.data, device: "deva", team: team, deviceKey: deviceA)
        let body = Self.sensitiveScreening()
        try writer.append(body, author: "AB")
        let line = try #require(try Sample.lines(folder.data.file("deva.jsonl")).first)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(#","enc":""#))
        #expect(!text.contains(#""body":"#))
        #expect(!text.contains(Self.secretCPR) && !text.contains("Slag") && !text.contains("hoejt"))
        #expect(try Self.decode(line, keys: BodyKeys(privateKeys: [team])).body == body)
        #expect(try Self.decode(line, keys: BodyKeys(privateKeys: [deviceA])).body == body)
        let opened = [UInt8](line).withUnsafeBytes { raw in
            try? BodyCrypto.openBody(line: raw, keys: BodyKeys(privateKeys: [team]), file: "f", lineNumber: 1)
        }
        #expect(opened == body)
        // verify needs no key.
        #expect(try LogVerifier.verify(directory: folder.data).intact)
    }

    @Test func noKeyAndWrongKeyFailCleanly() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), deviceA = PrivateKey()
        try Self.sealingWriter(folder.data, device: "deva", team: team, deviceKey: deviceA)
            .append(Self.sensitiveScreening(), author: "AB")
        let line = try #require(try Sample.lines(folder.data.file("deva.jsonl")).first)
        #expect(throws: LogError.encryptedBody(file: "f.jsonl", line: 1)) { try Self.decode(line, keys: nil) }
        #expect(throws: LogError.noKeyForBody(file: "f.jsonl", line: 1)) {
            try Self.decode(line, keys: BodyKeys(privateKeys: [PrivateKey()]))
        }
        // The three-argument decode (today's readers) reports it as encrypted, never as garbage.
        let bytes = [UInt8](line)
        let plain: LogError? = bytes.withUnsafeBytes { raw in
            do throws(LogError) { _ = try LogEvent.decode(raw, file: "f.jsonl", line: 1); return nil } catch { return error }
        }
        #expect(plain == .encryptedBody(file: "f.jsonl", line: 1))
    }

    @Test func tamperedEnvelopeFailsEvenWithARecomputedHash() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), deviceA = PrivateKey()
        try Self.sealingWriter(folder.data, device: "deva", team: team, deviceKey: deviceA)
            .append(Self.sensitiveScreening(), author: "AB")
        let line = try #require(try Sample.lines(folder.data.file("deva.jsonl")).first)
        for (from, to) in [(#""author":"AB""#, #""author":"XY""#), (#""ts":"20"#, #""ts":"19"#)] {
            let text = String(decoding: line, as: UTF8.self).replacingOccurrences(of: from, with: to)
            // An insider who edits the line and recomputes its hash: the chain check alone would pass.
            let content = Array(text.utf8.dropLast(EventLine.suffixLength))
            let resealed = Data(EventLine.seal(content).line.dropLast())
            #expect(throws: LogError.damagedBody(file: "f.jsonl", line: 1)) {
                try Self.decode(resealed, keys: BodyKeys(privateKeys: [team]))
            }
        }
        // A flipped byte in the sealed body itself.
        var bytes = [UInt8](line)
        let position = bytes.count - EventLine.suffixLength - 10
        bytes[position] = bytes[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: LogError.damagedBody(file: "f.jsonl", line: 1)) {
            try Self.decode(Data(bytes), keys: BodyKeys(privateKeys: [team]))
        }
    }

    @Test func deviceACannotOpenDeviceBsBodiesTheTeamOpensBoth() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), deviceA = PrivateKey(), deviceB = PrivateKey()
        try Self.sealingWriter(folder.data, device: "deva", team: team, deviceKey: deviceA)
            .append(Self.sensitiveScreening(), author: "AB")
        try Self.sealingWriter(folder.data, device: "devb", team: team, deviceKey: deviceB)
            .append(Self.sensitiveScreening(), author: "CD")
        let lineA = try #require(try Sample.lines(folder.data.file("deva.jsonl")).first)
        let lineB = try #require(try Sample.lines(folder.data.file("devb.jsonl")).first)
        let keysA = BodyKeys(privateKeys: [deviceA])
        #expect(try Self.decode(lineA, keys: keysA).author == "AB")
        #expect(throws: LogError.noKeyForBody(file: "f.jsonl", line: 1)) { try Self.decode(lineB, keys: keysA) }
        let lead = BodyKeys(privateKeys: [team])
        #expect(try Self.decode(lineA, keys: lead).body == Self.sensitiveScreening())
        #expect(try Self.decode(lineB, keys: lead).body == Self.sensitiveScreening())
    }

    @Test func exportLinesStayClearAndOldClearLinesStayReadable() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), device = PrivateKey()
        try Sample.log(in: folder.data, device: "deva", count: 1)   // written before the key
        let writer = try Self.sealingWriter(folder.data, device: "deva", team: team, deviceKey: device)
        try writer.append(.export(ExportBody(parameters: ["format": "csv"])), author: "AB")
        try writer.append(Self.sensitiveScreening(), author: "AB")
        let lines = try Sample.lines(folder.data.file("deva.jsonl"))
        #expect(lines.count == 3)
        let keys = BodyKeys(privateKeys: [team])
        #expect(try Self.decode(lines[0], keys: keys).body == Sample.screening(level: "lavt"))
        #expect(String(decoding: lines[1], as: UTF8.self).contains(#""body":{"parameters""#))
        #expect(try Self.decode(lines[2], keys: keys).body == Self.sensitiveScreening())
        #expect(try LogVerifier.verify(directory: folder.data).intact)
        let count = try ClearTextCount.count(directory: folder.data)
        #expect(count == ClearTextCount(clearBodies: 1, sealedBodies: 1))
    }

    @Test func eachBodyHasItsOwnNonceAndTheDataKeyIsWrappedOncePerSealer() throws {
        let team = PrivateKey(), device = PrivateKey()
        let sealer = try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team.publicKey),
                                                 BodyRecipient(kind: .device, publicKey: device.publicKey)])
        let first = try sealer.seal(Data("{}".utf8), envelope: Array("x".utf8))
        let second = try sealer.seal(Data("{}".utf8), envelope: Array("x".utf8))
        let header = 3 + 2 * BodyCrypto.stanzaLength
        #expect(first.prefix(header) == second.prefix(header))
        #expect(first[header..<(header + 12)] != second[header..<(header + 12)])
        #expect(first[0] == 1 && first[1] == 0 && first[2] == 2)
        #expect(first[3] == BodyRecipient.Kind.team.rawValue && first[3 + BodyCrypto.stanzaLength] == BodyRecipient.Kind.device.rawValue)
    }

    @Test func sealerIsKeptForTheDayAndRenewedForNewRecipients() throws {
        let folder = TemporaryDirectory()
        let config = ConfigDirectory(path: folder.url.appendingPathComponent("config").path)
        let team = PrivateKey(), device = PrivateKey()
        let recipients = [BodyRecipient(kind: .team, publicKey: team.publicKey),
                          BodyRecipient(kind: .device, publicKey: device.publicKey)]
        let first = try BodySealer.load(config: config, recipients: recipients, sender: device, day: "2026-11-30")
        let again = try BodySealer.load(config: config, recipients: recipients, sender: device, day: "2026-11-30")
        #expect(first.header == again.header)
        let nextDay = try BodySealer.load(config: config, recipients: recipients, sender: device, day: "2026-12-01")
        #expect(nextDay.header != first.header)
        let otherTeam = try BodySealer.load(config: config, recipients: [BodyRecipient(kind: .team, publicKey: PrivateKey().publicKey),
                                                                         recipients[1]], sender: device, day: "2026-12-01")
        #expect(otherTeam.header != nextDay.header)
        let otherSender = try BodySealer.load(config: config, recipients: recipients, sender: PrivateKey(), day: "2026-12-01")
        #expect(otherSender.header != nextDay.header)
        #expect(nextDay.header[1] == BodyCrypto.authMode)
        let mode = try FileManager.default.attributesOfItem(atPath: config.file(BodySealer.fileName))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

/// Team key files, fingerprints, trust and the writer's refusals.
@Suite struct TeamKeyTests {
    typealias PrivateKey = Curve25519.KeyAgreement.PrivateKey
    static let cheap = (n: 1 << 10, r: 8, p: 1)

    @Test func passphraseOpensTheKeyAndAWrongOneFailsCleanly() throws {
        let key = PrivateKey()
        let file = try TeamKeyFile.seal(key, passphrase: Array("rigtig hest batteri".utf8), cost: Self.cheap)
        #expect(try file.open(passphrase: Array("rigtig hest batteri".utf8), path: "k").rawRepresentation == key.rawRepresentation)
        #expect(throws: KeyError.wrongPassphrase(path: "k")) { try file.open(passphrase: Array("forkert".utf8), path: "k") }
        #expect(KeyError.wrongPassphrase(path: "k").exitCode == 77)
        var damaged = file
        damaged.salt(replacingWith: "AAAA")
        #expect(throws: KeyError.self) { try damaged.open(passphrase: Array("rigtig hest batteri".utf8), path: "k") }
    }

    @Test func keyFileIsPrivateAndHoldsNoRawKey() throws {
        let folder = TemporaryDirectory()
        let path = folder.url.appendingPathComponent("config/team-key.json").path
        let key = PrivateKey()
        try TeamKeyFile.seal(key, passphrase: Array("rigtig hest batteri".utf8), cost: Self.cheap).save(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(key.rawRepresentation.base64EncodedString()))
        #expect(text.contains(#""N" : 1024"#))
        #expect(throws: KeyError.teamKeyExists(path: path)) {
            try TeamKeyFile.seal(key, passphrase: Array("x".utf8), cost: Self.cheap).save(path: path)
        }
    }

    @Test func fingerprintsAndShortForm() {
        let key = PrivateKey().publicKey
        let full = KeyFingerprint.of(key)
        #expect(full.count == 64)
        let short = KeyFingerprint.short(full)
        #expect(short.count == 29)
        #expect(short.split(separator: "-").count == 6)
        #expect(KeyFingerprint.normalized(short.uppercased()) == String(full.prefix(24)))
        #expect(KeyFingerprint.normalized("abc") == nil)
        #expect(KeyFingerprint.normalized(String(repeating: "g", count: 64)) == nil)
    }

    static func folderWithTeam() throws -> (TemporaryDirectory, ConfigDirectory, TeamFile, PrivateKey) {
        let folder = TemporaryDirectory()
        let config = ConfigDirectory(path: folder.url.appendingPathComponent("config").path)
        let key = PrivateKey()
        let team = TeamFile(key: key.publicKey, created: "2026-11-30T10:00:00.000Z")
        try team.save(directory: folder.data)
        return (folder, config, team, key)
    }

    @Test func correctionsAndFollowupsLeaveNoReasonNoteOrAnswerInTheFolder() throws {
        let (folder, config, team, teamKey) = try Self.folderWithTeam()
        try TeamTrust.trust(fingerprint: team.fingerprint, directory: folder.data, config: config)
        let writer = try LogWriter.forDevice(directory: folder.data, config: config)
        let screening = UUID()
        try writer.append(BodyCryptoTests.sensitiveScreening(), author: "AB", id: screening)
        try writer.append(.correction(CorrectionBody(
            screening: screening, answers: ["barn_cpr": .string("150926-4123"), "konfliktniveau": .string("middel")],
            decision: Sample.decision(actions: ["gruppeforloeb"], flagged: true), visitDate: nil,
            reason: "Moren rettede niveauet bagefter")), author: "LE")
        try writer.append(.followup(FollowupBody(
            screening: screening, action: "underretning", status: "udfoert", date: LocalDate(year: 2026, month: 3, day: 3)!,
            note: "Sendt til Familierådgivningen")), author: "LE")
        var everything = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.data.path) {
            everything.append(try Data(contentsOf: URL(fileURLWithPath: folder.data.file(name))))
        }
        for secret in ["150926-4123", "150926", "middel", "Moren rettede", "Familierådgivningen", "Slag i køkkenet",
                       "underretning", "gruppeforloeb", "udfoert"] {
            #expect(everything.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in the data folder")
        }
        // The screening's id is visible once, as its own envelope id; the correction and the follow-up
        // do not say which screening they are about. The lead reads all three.
        let text = String(decoding: everything, as: UTF8.self)
        #expect(text.components(separatedBy: screening.uuidString.lowercased()).count - 1 == 1)
        let keys = BodyKeys(privateKeys: [teamKey])
        let lines = try Sample.lines(folder.data.file(try #require(try folder.data.logFiles().first)))
        #expect(lines.count == 3)
        if case .followup(let body) = try BodyCryptoTests.decode(lines[2], keys: keys).body {
            #expect(body.note == "Sendt til Familierådgivningen" && body.screening == screening)
        } else {
            Issue.record("not a follow-up")
        }
    }

    @Test func untrustedChangedAndGoneTeamKeysWriteNothing() throws {
        let (folder, config, team, _) = try Self.folderWithTeam()
        let body = BodyCryptoTests.sensitiveScreening()
        // Not trusted: refused, and not even an empty file appears.
        let untrusted = try LogWriter.forDevice(directory: folder.data, config: config)
        #expect(throws: LogError.keys(.untrustedTeamKey(shortFingerprint: KeyFingerprint.short(team.fingerprint)))) {
            try untrusted.append(body, author: "AB")
        }
        #expect(try folder.data.logFiles().isEmpty)
        // A writer made without keys never writes clear text into a folder with a team key.
        let plain = LogWriter(directory: folder.data, device: "dev")
        #expect(throws: LogError.self) { try plain.append(body, author: "AB") }
        #expect(try folder.data.logFiles().isEmpty)
        // An export line (no personal data) is still written.
        try untrusted.append(.export(ExportBody(parameters: [:])), author: "AB")
        #expect(try folder.data.logFiles().count == 1)

        // Trusted: sealed.
        try TeamTrust.trust(fingerprint: KeyFingerprint.short(team.fingerprint), directory: folder.data, config: config)
        let trusted = try LogWriter.forDevice(directory: folder.data, config: config)
        try trusted.append(body, author: "AB")
        let file = try #require(try folder.data.logFiles().first)
        let size = try FileManager.default.attributesOfItem(atPath: folder.data.file(file))[.size] as? Int

        // Swapped team.json: refused, not one byte more.
        try FileManager.default.removeItem(atPath: folder.data.file(TeamFile.name))
        let other = TeamFile(key: PrivateKey().publicKey, created: "2026-11-30T11:00:00.000Z")
        try other.save(directory: folder.data)
        let swapped = try LogWriter.forDevice(directory: folder.data, config: config)
        #expect(throws: LogError.keys(.teamKeyChanged(trusted: KeyFingerprint.short(team.fingerprint),
                                                      found: KeyFingerprint.short(other.fingerprint)))) {
            try swapped.append(body, author: "AB")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: folder.data.file(file))[.size] as? Int == size)

        // team.json removed after trust: refused (never falls back to clear text).
        try FileManager.default.removeItem(atPath: folder.data.file(TeamFile.name))
        let gone = try LogWriter.forDevice(directory: folder.data, config: config)
        #expect(throws: LogError.self) { try gone.append(body, author: "AB") }
        #expect(try FileManager.default.attributesOfItem(atPath: folder.data.file(file))[.size] as? Int == size)
    }

    @Test func trustRejectsAnotherFingerprint() throws {
        let (folder, config, team, _) = try Self.folderWithTeam()
        let wrong = String(repeating: "0", count: 64)
        #expect(throws: KeyError.fingerprintMismatch(given: KeyFingerprint.short(wrong), found: KeyFingerprint.short(team.fingerprint))) {
            try TeamTrust.trust(fingerprint: wrong, directory: folder.data, config: config)
        }
        #expect(Settings.load(config: config).trustedTeamKey == nil)
        #expect(throws: KeyError.notAFingerprint) { try TeamTrust.trust(fingerprint: "abc", directory: folder.data, config: config) }
    }

    @Test func editedTeamFileIsRejected() throws {
        let (folder, _, team, _) = try Self.folderWithTeam()
        let path = folder.data.file(TeamFile.name)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: team.fingerprint, with: String(repeating: "1", count: 64))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: KeyError.self) { try TeamFile.load(directory: folder.data) }
    }

    @Test func deviceKeyIsMadeOncePrivateAndSealsDrafts() throws {
        let folder = TemporaryDirectory()
        let config = ConfigDirectory(path: folder.url.appendingPathComponent("config").path)
        let first = try DeviceKey.load(config: config)
        let second = try DeviceKey.load(config: config)
        #expect(first.fingerprint == second.fingerprint)
        let mode = try FileManager.default.attributesOfItem(atPath: config.file(DeviceKey.fileName))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let id = UUID()
        let sealed = try first.draftCipher.seal(Data("150926-4123".utf8), id: id)
        #expect(sealed.range(of: Data("150926".utf8)) == nil)
        #expect(second.draftCipher.open(sealed, id: id) == Data("150926-4123".utf8))
        #expect(second.draftCipher.open(sealed, id: UUID()) == nil)
        #expect(DeviceKey(privateKey: PrivateKey()).draftCipher.open(sealed, id: id) == nil)
    }
}

extension TeamKeyFile {
    /// Test helper: damages the stored salt.
    mutating func salt(replacingWith text: String) { kdf.salt = text }
}
