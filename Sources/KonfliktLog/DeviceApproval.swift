import Crypto
import Foundation

/// One device the lead approved: its key's fingerprint and the device ids it writes as.
public struct ApprovedDevice: Sendable, Hashable, Codable {
    /// SHA-256 of the device's raw X25519 public key, hex (as `konflikt device show` prints it).
    public var fingerprint: String
    /// The device ids (`<device>.jsonl`) this key writes as; a record from the key under another id
    /// fails authentication.
    public var devices: [String]
    /// When the lead approved it (UTC, ISO 8601).
    public var approved: String

    /// An approved device.
    public init(fingerprint: String, devices: [String], approved: String) {
        self.fingerprint = fingerprint
        self.devices = devices
        self.approved = approved
    }
}

/// The list of approved devices in `team.json`, signed with an Ed25519 key that only the holder of the
/// team's private key can make: the signing key is derived from the team key (HKDF-SHA256, info
/// `konflikt approvals v1`), so the lead needs no second secret, and a reader that holds the team key
/// checks the list without trusting anything written in the data folder.
public struct DeviceApprovals: Sendable, Hashable, Codable {
    /// The format version (1).
    public var version: Int
    /// The fingerprint of the team key whose derived key signed the list.
    public var teamKey: String
    /// The derived Ed25519 public key, base64 (for anyone who wants to check the list; readers derive it).
    public var signingKey: String
    /// The approved devices, sorted by fingerprint.
    public var devices: [ApprovedDevice]
    /// Ed25519 signature over `signedBytes`, base64.
    public var signature: String

    /// The signing key derived from the team's private key.
    public static func signingKey(team: Curve25519.KeyAgreement.PrivateKey) -> Curve25519.Signing.PrivateKey? {
        let seed = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: team.rawRepresentation),
                                          salt: Data("konflikt".utf8), info: Data("konflikt approvals v1".utf8),
                                          outputByteCount: 32)
        return seed.withUnsafeBytes { try? Curve25519.Signing.PrivateKey(rawRepresentation: Data($0)) }
    }

    /// The bytes that are signed: a fixed header, the team key's fingerprint, then one line per device
    /// (`fingerprint device,device approved`), in fingerprint order.
    static func signedBytes(teamKey: String, devices: [ApprovedDevice]) -> Data {
        var text = "konflikt approvals v1\n\(teamKey)\n"
        for device in devices.sorted(by: { $0.fingerprint < $1.fingerprint }) {
            text += "\(device.fingerprint) \(device.devices.sorted().joined(separator: ",")) \(device.approved)\n"
        }
        return Data(text.utf8)
    }

    /// A list of `devices` signed with the key derived from `team`.
    public static func signed(_ devices: [ApprovedDevice], team: Curve25519.KeyAgreement.PrivateKey) throws(KeyError) -> DeviceApprovals {
        guard let key = signingKey(team: team) else { throw .cryptoFailure(reason: "signeringsnøglen kunne ikke dannes") }
        let teamKey = KeyFingerprint.of(team.publicKey)
        let sorted = devices.map { ApprovedDevice(fingerprint: $0.fingerprint, devices: $0.devices.sorted(), approved: $0.approved) }
            .sorted { $0.fingerprint < $1.fingerprint }
        do {
            let signature = try key.signature(for: signedBytes(teamKey: teamKey, devices: sorted))
            return DeviceApprovals(version: 1, teamKey: teamKey, signingKey: key.publicKey.rawRepresentation.base64EncodedString(),
                                   devices: sorted, signature: signature.base64EncodedString())
        } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
    }

    /// Whether the list was signed with the key derived from `team` (and names that key).
    public func isValid(team: Curve25519.KeyAgreement.PrivateKey) -> Bool {
        guard version == 1, teamKey == KeyFingerprint.of(team.publicKey), let key = Self.signingKey(team: team),
              let signature = Data(base64Encoded: signature) else { return false }
        return key.publicKey.isValidSignature(signature, for: Self.signedBytes(teamKey: teamKey, devices: devices))
    }
}

/// What a reader trusts: the approved device keys and the device ids each may write as. Records of
/// screenings, corrections and follow-ups count only when their body was authenticated by an
/// approved key (scheme mode 1) under one of its device ids.
public struct ApprovalPolicy: Sendable, Hashable {
    /// Key fingerprint → device ids.
    public var devices: [String: Set<String>]
    /// A Danish warning about the list (e.g. a signature that does not check), nil when it is fine.
    public var warning: String?

    /// A policy.
    public init(devices: [String: Set<String>], warning: String? = nil) {
        self.devices = devices
        self.warning = warning
    }

    /// A short digest of the approved set, for the case index's validity key: approving a device
    /// changes it, so the index is rebuilt and the device's events come in.
    public var digest: String {
        var text = ""
        for fingerprint in devices.keys.sorted() {
            text += "\(fingerprint) \((devices[fingerprint] ?? []).sorted().joined(separator: ","))\n"
        }
        return Hex.string(SHA256.hash(data: Data(text.utf8))).prefix(32).description
    }

    /// The policy of the signed list in `team` (when it checks against `teamKey`), plus this reader's
    /// own device (`ownFingerprint` writing as `ownDevice`), which the reader always trusts.
    public static func from(team: TeamFile?, teamKey: Curve25519.KeyAgreement.PrivateKey,
                            ownFingerprint: String?, ownDevice: String?) -> ApprovalPolicy {
        var devices: [String: Set<String>] = [:]
        var warning: String?
        if let approvals = team?.approvals {
            if approvals.isValid(team: teamKey) {
                for device in approvals.devices { devices[device.fingerprint.lowercased(), default: []].formUnion(device.devices) }
            } else {
                warning = "Listen over godkendte enheder i team.json er ikke signeret med teamnøglen og bruges ikke; kun denne computers egne hændelser tælles. Kontakt den faglige leder."
            }
        }
        if let ownFingerprint, let ownDevice { devices[ownFingerprint, default: []].insert(ownDevice) }
        return ApprovalPolicy(devices: devices, warning: warning)
    }
}

/// The devices that wrote authenticated records into a data folder, and approving them.
public enum DeviceApprovalList {
    /// A device key seen in the log.
    public struct Writer: Sendable, Hashable {
        /// The key's fingerprint.
        public var fingerprint: String
        /// The device ids it wrote as.
        public var devices: Set<String>
        /// How many of its records were read.
        public var events: Int
    }

    /// Every device key that authenticated a record in `directory` that `team` can open (any device id;
    /// `keys` without a policy), by fingerprint.
    public static func writers(directory: DataDirectory, team: Curve25519.KeyAgreement.PrivateKey) throws -> [String: Writer] {
        var found: [String: Writer] = [:]
        try LogReader.forEachEvent(in: directory, keys: BodyKeys(privateKeys: [team])) { located in
            guard let sender = located.event.sender else { return }
            found[sender, default: Writer(fingerprint: sender, devices: [], events: 0)].devices.insert(located.event.device)
            found[sender]?.events += 1
        }
        return found
    }

    /// Adds the device key `fingerprint` (writing as `devices`) to the signed list in `directory`'s
    /// `team.json`, signed with `team` (which must be the folder's team key), and replaces the file.
    /// Returns the new list.
    @discardableResult
    public static func approve(fingerprint: String, devices: Set<String>, team: Curve25519.KeyAgreement.PrivateKey,
                               directory: DataDirectory, now: String) throws(KeyError) -> DeviceApprovals {
        guard var file = try TeamFile.load(directory: directory) else { throw .noTeamFile(path: directory.file(TeamFile.name)) }
        guard file.fingerprint.lowercased() == KeyFingerprint.of(team.publicKey) else {
            throw .fingerprintMismatch(given: KeyFingerprint.short(KeyFingerprint.of(team.publicKey)),
                                       found: KeyFingerprint.short(file.fingerprint))
        }
        var list = (file.approvals.flatMap { $0.isValid(team: team) ? $0.devices : nil }) ?? []
        if let index = list.firstIndex(where: { $0.fingerprint == fingerprint }) {
            list[index].devices = Array(Set(list[index].devices).union(devices)).sorted()
        } else {
            list.append(ApprovedDevice(fingerprint: fingerprint, devices: devices.sorted(), approved: now))
        }
        let approvals = try DeviceApprovals.signed(list, team: team)
        file.approvals = approvals
        try file.replace(directory: directory)
        return approvals
    }
}

/// The lead's unlocked team key, kept for approving devices from the review screen (the passphrase is
/// asked once, before the screen opens).
public struct LeadApprover: Sendable {
    let team: Data

    private func key() throws(KeyError) -> Curve25519.KeyAgreement.PrivateKey {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: team) else {
            throw .cryptoFailure(reason: "ugyldig teamnøgle")
        }
        return key
    }

    /// The device keys that wrote records in `directory` under ids they are not approved for, most records first.
    public func waiting(directory: DataDirectory) throws -> [DeviceApprovalList.Writer] {
        let team = try key()
        let file = try TeamFile.load(directory: directory)
        var approved: [String: Set<String>] = [:]
        if let approvals = file?.approvals, approvals.isValid(team: team) {
            for device in approvals.devices { approved[device.fingerprint, default: []].formUnion(device.devices) }
        }
        return try DeviceApprovalList.writers(directory: directory, team: team).values
            .filter { !$0.devices.isSubset(of: approved[$0.fingerprint] ?? []) }
            .sorted { ($0.events, $1.fingerprint) > ($1.events, $0.fingerprint) }
    }

    /// What a reader on this computer trusts in `directory` now (the signed list and this device).
    public func policy(directory: DataDirectory, config: ConfigDirectory) throws -> ApprovalPolicy {
        let device = try DeviceKey.load(config: config)
        return ApprovalPolicy.from(team: try TeamFile.load(directory: directory), teamKey: try key(),
                                   ownFingerprint: device.fingerprint, ownDevice: try? DeviceIdentity.load(config: config))
    }

    /// Approves the key `fingerprint` for every device id it wrote as in `directory`.
    public func approve(fingerprint: String, directory: DataDirectory, now: String) throws {
        let team = try key()
        let devices = try DeviceApprovalList.writers(directory: directory, team: team)[fingerprint]?.devices ?? []
        guard !devices.isEmpty else { throw KeyError.fingerprintMismatch(given: KeyFingerprint.short(fingerprint), found: "—") }
        try DeviceApprovalList.approve(fingerprint: fingerprint, devices: devices, team: team, directory: directory, now: now)
    }
}
