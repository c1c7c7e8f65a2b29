import Crypto
import Foundation
import _CryptoExtras

/// Fingerprints of X25519 public keys: SHA-256 of the 32 raw key bytes as 64 lowercase hex digits,
/// and a short form of the first 24 digits in groups of four that two people can read to each other.
public enum KeyFingerprint {
    /// The full fingerprint of `publicKey`.
    public static func of(_ publicKey: Curve25519.KeyAgreement.PublicKey) -> String {
        Hex.string(SHA256.hash(data: publicKey.rawRepresentation))
    }

    /// The key id used in sealed bodies: the first 8 bytes of the SHA-256 of the raw public key.
    static func keyID(_ publicKey: Curve25519.KeyAgreement.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: publicKey.rawRepresentation).prefix(8))
    }

    /// The key id (8 bytes) of the key whose full fingerprint is `fingerprint` (its first 16 hex digits).
    static func keyID(fingerprint: String) -> [UInt8]? {
        let digits = Array(fingerprint.lowercased().utf8.prefix(16))
        guard digits.count == 16 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 16, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// `3f2a-91bc-0d4e-77a1-c2e9-5b10`: the first 24 hex digits of `fingerprint`, in groups of four.
    public static func short(_ fingerprint: String) -> String {
        let digits = Array(fingerprint.prefix(24))
        return stride(from: 0, to: digits.count, by: 4)
            .map { String(digits[$0..<min($0 + 4, digits.count)]) }
            .joined(separator: "-")
    }

    /// The hex digits of a fingerprint as typed (full or short, any case, with `-`, `:` or spaces);
    /// nil unless it is 24–64 hex digits.
    public static func normalized(_ text: String) -> String? {
        let digits = text.lowercased().filter { !"-: ".contains($0) }
        guard digits.count >= 24, digits.count <= 64,
              digits.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
        return digits
    }
}

/// `<data>/team.json`: the team's public key and its fingerprint, written once by `konflikt team init`.
/// Devices pin the fingerprint (`team trust`) and from then on encrypt every body to this key.
/// The devices the lead approved are listed in `approvals`, signed with a key derived from the team key.
public struct TeamFile: Sendable, Hashable, Codable {
    /// The file's name in the data folder.
    public static let name = "team.json"

    /// The format version (1).
    public var version: Int
    /// Always `X25519`.
    public var algorithm: String
    /// The raw 32-byte public key, base64.
    public var publicKey: String
    /// SHA-256 of the raw public key, hex.
    public var fingerprint: String
    /// When the key was made (UTC, ISO 8601).
    public var created: String
    /// The devices the lead approved, signed (nil until the first approval; older files have none).
    public var approvals: DeviceApprovals?

    /// A team file for `key`.
    public init(key: Curve25519.KeyAgreement.PublicKey, created: String, approvals: DeviceApprovals? = nil) {
        version = 1
        algorithm = "X25519"
        publicKey = key.rawRepresentation.base64EncodedString()
        fingerprint = KeyFingerprint.of(key)
        self.created = created
        self.approvals = approvals
    }

    /// The public key, after checking that it matches the fingerprint written beside it.
    public func key(path: String) throws(KeyError) -> Curve25519.KeyAgreement.PublicKey {
        guard version == 1, algorithm == "X25519" else {
            throw .badTeamFile(path: path, reason: "ukendt version eller algoritme; opdatér konflikt")
        }
        guard let raw = Data(base64Encoded: publicKey),
              let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw .badTeamFile(path: path, reason: "den offentlige nøgle er ugyldig")
        }
        guard KeyFingerprint.of(key) == fingerprint.lowercased() else {
            throw .badTeamFile(path: path, reason: "fingeraftrykket passer ikke til nøglen")
        }
        return key
    }

    /// Reads `team.json` from `directory`; nil when the file does not exist.
    public static func load(directory: DataDirectory) throws(KeyError) -> TeamFile? {
        let path = directory.file(name)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badTeamFile(path: path, reason: "filen kan ikke læses")
        }
        do {
            let file = try JSONDecoder().decode(TeamFile.self, from: data)
            _ = try file.key(path: path)
            return file
        } catch let error as KeyError {
            throw error
        } catch {
            throw .badTeamFile(path: path, reason: "ikke gyldig JSON")
        }
    }

    /// Writes `team.json` into `directory` (0600, atomically); refuses to replace an existing one.
    public func save(directory: DataDirectory) throws(KeyError) {
        let path = directory.file(Self.name)
        guard !FileManager.default.fileExists(atPath: path) else { throw .teamKeyExists(path: path) }
        try write(directory: directory)
    }

    /// Replaces `team.json` in `directory` atomically (a new approval list, or a rotated key).
    public func replace(directory: DataDirectory) throws(KeyError) {
        try write(directory: directory)
    }

    private func write(directory: DataDirectory) throws(KeyError) {
        let path = directory.file(Self.name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try FileModes.makeDirectory(directory.path)
            try FileModes.writeAtomically(try encoder.encode(self) + Data("\n".utf8), to: path)
        } catch let error as SystemError {
            throw .cannotWrite(path: path, reason: systemReason(error.code))
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }
}

/// The team's private key on the lead's machine (`<config>/team-key.json` or `--key-file`, 0600), sealed
/// with ChaCha20-Poly1305 under a key derived from the passphrase with scrypt. The scrypt parameters,
/// salt and nonce are stored in the file, so they can be raised later without breaking old files.
public struct TeamKeyFile: Sendable, Hashable, Codable {
    /// The default file name in the config folder.
    public static let defaultName = "team-key.json"
    /// The shortest passphrase accepted for a new key.
    public static let minimumPassphraseLength = 10

    /// scrypt's parameters: N (`rounds`, a power of two), r, p and the salt.
    public struct KeyDerivation: Sendable, Hashable, Codable {
        /// Always `scrypt`.
        public var name: String
        /// The cost N.
        public var n: Int
        /// The block size r.
        public var r: Int
        /// The parallelism p.
        public var p: Int
        /// 16 random bytes, base64.
        public var salt: String

        enum CodingKeys: String, CodingKey { case name, n = "N", r, p, salt }
    }

    /// The format version (1).
    public var version: Int
    /// How the sealing key is made from the passphrase.
    public var kdf: KeyDerivation
    /// Always `ChaCha20-Poly1305`.
    public var aead: String
    /// The 12-byte nonce, base64.
    public var nonce: String
    /// The sealed 32-byte private key with its 16-byte tag, base64.
    public var sealed: String
    /// The fingerprint of the matching public key (also the associated data of the seal).
    public var fingerprint: String
    /// Earlier team keys (`konflikt team rotate`), sealed under the same passphrase-derived key, each
    /// with its own nonce: the lead keeps reading old records with them until retention destroys them.
    public var previous: [PreviousKey]?
    /// Keys destroyed under the retention rules: only their fingerprints, so readers can tell "deleted
    /// under retention" from "not for this key".
    public var retired: [RetiredKey]?

    /// An earlier team key, sealed.
    public struct PreviousKey: Sendable, Hashable, Codable {
        /// Its fingerprint (also the associated data of its seal).
        public var fingerprint: String
        /// The 12-byte nonce, base64.
        public var nonce: String
        /// The sealed 32-byte private key with its tag, base64.
        public var sealed: String
    }

    /// A destroyed key.
    public struct RetiredKey: Sendable, Hashable, Codable {
        /// Its fingerprint.
        public var fingerprint: String
        /// The retention date it was destroyed for (records with visit dates before it).
        public var before: String
        /// When it was destroyed (UTC).
        public var destroyed: String
    }

    /// Parameters for new files: N = 2^16, r = 8, p = 1 (64 MiB, a fraction of a second).
    public static let defaultCost = (n: 1 << 16, r: 8, p: 1)

    /// Seals `privateKey` (and the earlier keys `previous`) under `passphrase`.
    public static func seal(_ privateKey: Curve25519.KeyAgreement.PrivateKey, passphrase: [UInt8],
                            previous: [Curve25519.KeyAgreement.PrivateKey] = [], retired: [RetiredKey] = [],
                            cost: (n: Int, r: Int, p: Int) = defaultCost) throws(KeyError) -> TeamKeyFile {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let kdf = KeyDerivation(name: "scrypt", n: cost.n, r: cost.r, p: cost.p, salt: Data(salt).base64EncodedString())
        let fingerprint = KeyFingerprint.of(privateKey.publicKey)
        do {
            let key = try derive(passphrase: passphrase, kdf: kdf, salt: salt)
            let box = try ChaChaPoly.seal(privateKey.rawRepresentation, using: key,
                                          authenticating: associatedData(fingerprint))
            let earlier = try previous.map { old in
                let oldFingerprint = KeyFingerprint.of(old.publicKey)
                let oldBox = try ChaChaPoly.seal(old.rawRepresentation, using: key, authenticating: associatedData(oldFingerprint))
                return PreviousKey(fingerprint: oldFingerprint, nonce: Data(oldBox.nonce).base64EncodedString(),
                                   sealed: (oldBox.ciphertext + oldBox.tag).base64EncodedString())
            }
            return TeamKeyFile(version: 1, kdf: kdf, aead: "ChaCha20-Poly1305",
                               nonce: Data(box.nonce).base64EncodedString(),
                               sealed: (box.ciphertext + box.tag).base64EncodedString(), fingerprint: fingerprint,
                               previous: earlier.isEmpty ? nil : earlier, retired: retired.isEmpty ? nil : retired)
        } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
    }

    /// Opens the private key with `passphrase`; a wrong passphrase is `wrongPassphrase`, never garbage.
    public func open(passphrase: [UInt8], path: String) throws(KeyError) -> Curve25519.KeyAgreement.PrivateKey {
        try openAll(passphrase: passphrase, path: path).current
    }

    /// Opens the current key and every earlier one with `passphrase` (one scrypt).
    public func openAll(passphrase: [UInt8], path: String) throws(KeyError)
        -> (current: Curve25519.KeyAgreement.PrivateKey, previous: [Curve25519.KeyAgreement.PrivateKey]) {
        guard version == 1, kdf.name == "scrypt", aead == "ChaCha20-Poly1305" else {
            throw .badKeyFile(path: path, reason: "ukendt version; opdatér konflikt")
        }
        guard let salt = Data(base64Encoded: kdf.salt), let nonceBytes = Data(base64Encoded: nonce),
              let sealedBytes = Data(base64Encoded: sealed), sealedBytes.count == 48,
              let nonce = try? ChaChaPoly.Nonce(data: nonceBytes),
              kdf.n > 1, kdf.n & (kdf.n - 1) == 0, kdf.n <= 1 << 22, (1...32).contains(kdf.r), (1...16).contains(kdf.p)
        else { throw .badKeyFile(path: path, reason: "filen er beskadiget") }
        let key: SymmetricKey
        do { key = try Self.derive(passphrase: passphrase, kdf: kdf, salt: Array(salt)) } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
        guard let box = try? ChaChaPoly.SealedBox(nonce: nonce, ciphertext: sealedBytes.prefix(32),
                                                   tag: sealedBytes.suffix(16)),
              let raw = try? ChaChaPoly.open(box, using: key, authenticating: Self.associatedData(fingerprint))
        else { throw .wrongPassphrase(path: path) }
        guard let privateKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw),
              KeyFingerprint.of(privateKey.publicKey) == fingerprint else {
            throw .badKeyFile(path: path, reason: "nøglen passer ikke til sit fingeraftryk")
        }
        var earlier: [Curve25519.KeyAgreement.PrivateKey] = []
        for old in previous ?? [] {
            guard let nonceBytes = Data(base64Encoded: old.nonce), let sealedBytes = Data(base64Encoded: old.sealed),
                  sealedBytes.count == 48, let oldNonce = try? ChaChaPoly.Nonce(data: nonceBytes),
                  let oldBox = try? ChaChaPoly.SealedBox(nonce: oldNonce, ciphertext: sealedBytes.prefix(32), tag: sealedBytes.suffix(16)),
                  let oldRaw = try? ChaChaPoly.open(oldBox, using: key, authenticating: Self.associatedData(old.fingerprint)),
                  let oldKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: oldRaw),
                  KeyFingerprint.of(oldKey.publicKey) == old.fingerprint else {
                throw .badKeyFile(path: path, reason: "en tidligere teamnøgle i filen er beskadiget")
            }
            earlier.append(oldKey)
        }
        return (privateKey, earlier)
    }

    /// Writes the key file to `path`, replacing the one there (rotation, retention) atomically.
    public func replace(path: String) throws(KeyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try FileModes.writeAtomically(try encoder.encode(self) + Data("\n".utf8), to: path)
        } catch let error as SystemError {
            throw .cannotWrite(path: path, reason: systemReason(error.code))
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }

    /// Reads the key file at `path`.
    public static func load(path: String) throws(KeyError) -> TeamKeyFile {
        guard FileManager.default.fileExists(atPath: path) else { throw .teamKeyMissing(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badKeyFile(path: path, reason: "filen kan ikke læses")
        }
        guard let file = try? JSONDecoder().decode(TeamKeyFile.self, from: data) else {
            throw .badKeyFile(path: path, reason: "ikke en konflikt-nøglefil")
        }
        return file
    }

    /// Writes the key file to `path` (0600, its folder 0700); refuses to replace an existing key.
    public func save(path: String) throws(KeyError) {
        guard !FileManager.default.fileExists(atPath: path) else { throw .teamKeyExists(path: path) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileModes.makeDirectory(folder) }
            try FileModes.writeAtomically(try encoder.encode(self) + Data("\n".utf8), to: path)
        } catch let error as SystemError {
            throw .cannotWrite(path: path, reason: systemReason(error.code))
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }

    private static func derive(passphrase: [UInt8], kdf: KeyDerivation, salt: [UInt8]) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: passphrase, salt: salt, outputByteCount: 32,
                                 rounds: kdf.n, blockSize: kdf.r, parallelism: kdf.p)
    }

    private static func associatedData(_ fingerprint: String) -> Data {
        Data("konflikt team key v1 \(fingerprint)".utf8)
    }
}

extension TeamFile {
    /// Makes the team key pair (`konflikt team init`): the private key sealed under `passphrase` to
    /// `keyPath`, then `team.json` into `directory`. Refuses when either exists; if `team.json` cannot be
    /// written the new key file is removed again, so a failed run leaves nothing behind.
    public static func create(passphrase: [UInt8], keyPath: String, directory: DataDirectory,
                              created: String) throws(KeyError) -> TeamFile {
        if try load(directory: directory) != nil { throw .teamKeyExists(path: directory.file(name)) }
        if FileManager.default.fileExists(atPath: keyPath) { throw .teamKeyExists(path: keyPath) }
        let key = Curve25519.KeyAgreement.PrivateKey()
        try TeamKeyFile.seal(key, passphrase: passphrase).save(path: keyPath)
        let team = TeamFile(key: key.publicKey, created: created)
        do {
            try team.save(directory: directory)
        } catch {
            unlink(keyPath)
            throw error
        }
        return team
    }
}

extension TeamFile {
    /// `konflikt team rotate`: a new team key. The key file at `keyPath` keeps the old keys (sealed under
    /// the same passphrase) so old records stay readable; `team.json` gets the new public key and the
    /// approved-device list signed again with it. Devices refuse to write until their user confirms the
    /// new fingerprint (`team trust`). If `team.json` cannot be written, the old key file is put back.
    public static func rotate(keyPath: String, passphrase: [UInt8], directory: DataDirectory,
                              created: String) throws(KeyError) -> TeamFile {
        guard let team = try load(directory: directory) else { throw .noTeamFile(path: directory.file(name)) }
        let file = try TeamKeyFile.load(path: keyPath)
        let keys = try file.openAll(passphrase: passphrase, path: keyPath)
        guard KeyFingerprint.of(keys.current.publicKey) == team.fingerprint.lowercased() else {
            throw .fingerprintMismatch(given: KeyFingerprint.short(KeyFingerprint.of(keys.current.publicKey)),
                                       found: KeyFingerprint.short(team.fingerprint))
        }
        let fresh = Curve25519.KeyAgreement.PrivateKey()
        let sealed = try TeamKeyFile.seal(fresh, passphrase: passphrase, previous: [keys.current] + keys.previous,
                                          retired: file.retired ?? [])
        let devices = team.approvals.flatMap { $0.isValid(team: keys.current) ? $0.devices : nil } ?? []
        let approvals = try DeviceApprovals.signed(devices, team: fresh)
        guard let oldBytes = FileManager.default.contents(atPath: keyPath) else {
            throw .badKeyFile(path: keyPath, reason: "filen kan ikke læses")
        }
        try sealed.replace(path: keyPath)
        let rotated = TeamFile(key: fresh.publicKey, created: created, approvals: approvals)
        do {
            try rotated.replace(directory: directory)
        } catch {
            try? FileModes.writeAtomically(oldBytes, to: keyPath)
            throw error
        }
        return rotated
    }
}
