import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktTestSupport

/// Scheme mode 1 (the writing device's key as HPKE sender), the lead-signed list of approved devices,
/// what a reader admits, rotation and per-year device keys.
@Suite struct AuthenticationTests {
    typealias PrivateKey = Curve25519.KeyAgreement.PrivateKey

    /// One line written by `device` sealed to `team`, authenticated by `sender`.
    static func line(_ folder: TemporaryDirectory, device: String, team: PrivateKey, sender: PrivateKey?) throws -> Data {
        var writer = LogWriter(directory: folder.data, device: device)
        writer.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team.publicKey)], sender: sender))
        try writer.append(BodyCryptoTests.sensitiveScreening(), author: "AB")
        return try #require(try Sample.lines(folder.data.file("\(device).jsonl")).last)
    }

    @Test func modeOneNamesTheSenderAndASwappedSenderKeyFails() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), device = PrivateKey()
        let line = try Self.line(folder, device: "deva", team: team, sender: device)
        let event = try BodyCryptoTests.decode(line, keys: BodyKeys(privateKeys: [team]))
        #expect(event.sender == KeyFingerprint.of(device.publicKey))
        #expect(line.withUnsafeBytes { BodyCrypto.layout(of: $0) } == .wellFormed)

        // Put another public key in the sender field (and keep the stanzas): it no longer opens.
        let text = String(decoding: line, as: UTF8.self)
        let start = try #require(text.range(of: #","enc":""#)).upperBound
        let end = try #require(text.range(of: #"","hash":""#)).lowerBound
        var blob = [UInt8](try #require(Data(base64Encoded: String(text[start..<end]))))
        #expect(blob[1] == BodyCrypto.authMode)
        blob.replaceSubrange(3..<35, with: PrivateKey().publicKey.rawRepresentation)
        let swapped = String(text[..<start]) + Data(blob).base64EncodedString() + String(text[end...])
        let resealed = Data(EventLine.seal(Array(swapped.utf8.dropLast(EventLine.suffixLength))).line.dropLast())
        #expect(throws: LogError.unauthenticBody(file: "f.jsonl", line: 1)) {
            try BodyCryptoTests.decode(resealed, keys: BodyKeys(privateKeys: [team]))
        }
        // A base-mode line (older records) opens but names no sender.
        let old = try Self.line(folder, device: "devb", team: team, sender: nil)
        #expect(try BodyCryptoTests.decode(old, keys: BodyKeys(privateKeys: [team])).sender == nil)
    }

    @Test func theSignedListChecksOnlyWithTheTeamKeyThatSignedIt() throws {
        let team = PrivateKey()
        let device = ApprovedDevice(fingerprint: String(repeating: "ab", count: 32), devices: ["0123456789abcdef"],
                                    approved: "2026-11-30T10:00:00.000Z")
        let list = try DeviceApprovals.signed([device], team: team)
        #expect(list.isValid(team: team))
        #expect(!list.isValid(team: PrivateKey()))
        var added = list
        added.devices.append(ApprovedDevice(fingerprint: String(repeating: "cd", count: 32), devices: ["fedcba9876543210"],
                                            approved: "2026-11-30T10:00:00.000Z"))
        #expect(!added.isValid(team: team))
        var moved = list
        moved.devices[0].devices = ["ffffffffffffffff"]
        #expect(!moved.isValid(team: team))
        // A list signed by another team key (an attacker's team.json) approves nobody.
        let forged = try DeviceApprovals.signed([device], team: PrivateKey())
        var file = TeamFile(key: team.publicKey, created: "2026-11-30T10:00:00.000Z", approvals: forged)
        let policy = ApprovalPolicy.from(team: file, teamKey: team, ownFingerprint: nil, ownDevice: nil)
        #expect(policy.devices.isEmpty)
        #expect(policy.warning != nil)
        file.approvals = list
        #expect(ApprovalPolicy.from(team: file, teamKey: team, ownFingerprint: nil, ownDevice: nil).devices
                == [device.fingerprint: ["0123456789abcdef"]])
    }

    @Test func readersAdmitOnlyApprovedDevicesUnderTheirOwnIds() throws {
        let folder = TemporaryDirectory()
        let team = PrivateKey(), approved = PrivateKey(), stranger = PrivateKey()
        let policy = ApprovalPolicy(devices: [KeyFingerprint.of(approved.publicKey): ["deva"]])
        let keys = BodyKeys(privateKeys: [team], policy: policy)
        let good = try BodyCryptoTests.decode(try Self.line(folder, device: "deva", team: team, sender: approved), keys: keys)
        #expect(keys.admits(good))
        let unknown = try BodyCryptoTests.decode(try Self.line(folder, device: "devx", team: team, sender: stranger), keys: keys)
        #expect(!keys.admits(unknown))
        let unsigned = try BodyCryptoTests.decode(try Self.line(folder, device: "devy", team: team, sender: nil), keys: keys)
        #expect(!keys.admits(unsigned))
        // The approved key writing as another device: not authentic.
        #expect(throws: LogError.unauthenticBody(file: "f.jsonl", line: 1)) {
            try BodyCryptoTests.decode(try Self.line(folder, device: "devz", team: team, sender: approved), keys: keys)
        }
        // Export lines never touch a case and are always admitted; without a policy everything is.
        let export = LogEvent(version: 1, seq: 1, id: UUID(), timestamp: "2026-11-30T10:00:00.000Z", author: "AB",
                              device: "devx", prev: EventLine.genesis, hash: EventLine.genesis,
                              body: .export(ExportBody(parameters: [:])))
        #expect(keys.admits(export))
        #expect(BodyKeys(privateKeys: [team]).admits(unknown))
        // The digest of what is trusted changes with the approved set.
        let more = BodyKeys(privateKeys: [team], policy: ApprovalPolicy(devices: policy.devices.merging(
            [KeyFingerprint.of(stranger.publicKey): ["devx"]]) { $1 }))
        #expect(more.trustDigest != keys.trustDigest)
    }

    @Test func rotationKeepsEarlierKeysUnderOnePassphraseAndRetiredKeysReadAsErased() throws {
        let folder = TemporaryDirectory()
        let keyPath = folder.url.appendingPathComponent("team-key.json").path
        let passphrase = Array("en lang nok sætning".utf8)
        let team = try TeamFile.create(passphrase: passphrase, keyPath: keyPath, directory: folder.data,
                                       created: "2026-01-01T00:00:00.000Z")
        let first = try TeamKeyFile.load(path: keyPath).open(passphrase: passphrase, path: keyPath)
        let line = try Self.line(folder, device: "deva", team: first, sender: PrivateKey())
        let rotated = try TeamFile.rotate(keyPath: keyPath, passphrase: passphrase, directory: folder.data,
                                          created: "2026-06-01T00:00:00.000Z")
        #expect(rotated.fingerprint != team.fingerprint)
        #expect(try TeamFile.load(directory: folder.data)?.fingerprint == rotated.fingerprint)
        let opened = try TeamKeyFile.load(path: keyPath).openAll(passphrase: passphrase, path: keyPath)
        #expect(KeyFingerprint.of(opened.current.publicKey) == rotated.fingerprint)
        #expect(opened.previous.map { KeyFingerprint.of($0.publicKey) } == [team.fingerprint])
        #expect(try BodyCryptoTests.decode(line, keys: BodyKeys(privateKeys: opened.previous)).sender != nil)
        // Once the old key is destroyed, the line reads as deleted under retention, not as damage.
        let retired = BodyKeys(privateKeys: [opened.current], retired: [KeyFingerprint.keyID(first.publicKey)])
        #expect(throws: LogError.erasedBody(file: "f.jsonl", line: 1)) { try BodyCryptoTests.decode(line, keys: retired) }
        #expect(throws: LogError.noKeyForBody(file: "f.jsonl", line: 1)) {
            try BodyCryptoTests.decode(line, keys: BodyKeys(privateKeys: [opened.current]))
        }
    }

    @Test func deviceCopiesGoToTheVisitYearsKeyWhichRetentionDestroys() throws {
        let folder = TemporaryDirectory()
        let config = ConfigDirectory(path: folder.url.appendingPathComponent("config").path)
        let team = PrivateKey()
        let sealing = YearSealing(config: config, team: team.publicKey.rawRepresentation,
                                  device: PrivateKey().rawRepresentation, day: "2026-11-30")
        var writer = LogWriter(directory: folder.data, device: "deva")
        writer.sealing = .authenticated(sealing)
        try writer.append(BodyCryptoTests.sensitiveScreening(), author: "AB")         // visit 2026-03-02
        try writer.append(.followup(FollowupBody(screening: UUID(), action: "underretning", status: "udfoert",
                                                 date: try #require(LocalDate(year: 2026, month: 11, day: 30)), note: "x")),
                          author: "AB", visitDate: LocalDate(year: 2025, month: 5, day: 1))
        let years = DeviceYearKeys.load(config: config)
        #expect(Set(years.keys.keys) == [2025, 2026])
        let lines = try Sample.lines(folder.data.file("deva.jsonl"))
        let own = BodyKeys(privateKeys: years.all)
        #expect(try BodyCryptoTests.decode(lines[0], keys: own).sender != nil)
        #expect(try BodyCryptoTests.decode(lines[1], keys: own).sender != nil)
        #expect(try DeviceYearKeys.destroy(before: 2026, config: config) == [2025])
        let after = DeviceYearKeys.load(config: config)
        #expect(Set(after.keys.keys) == [2026])
        let remaining = BodyKeys(privateKeys: after.all, retired: Set(after.retired.map { KeyFingerprint.keyID($0) }))
        #expect(throws: LogError.erasedBody(file: "f.jsonl", line: 1)) { try BodyCryptoTests.decode(lines[1], keys: remaining) }
        // A destroyed year takes no new records.
        #expect(throws: KeyError.retiredYear(year: 2025)) { try DeviceYearKeys.key(for: 2025, config: config) }
        #expect(!String(decoding: try Data(contentsOf: URL(fileURLWithPath: config.file(DeviceYearKeys.fileName))), as: UTF8.self)
            .contains(years.keys[2025]?.rawRepresentation.base64EncodedString() ?? "missing"))
    }
}
