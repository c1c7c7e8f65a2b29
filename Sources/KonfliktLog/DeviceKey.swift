import Crypto
import Foundation

/// This device's own X25519 key pair, made on first use and kept in the config folder
/// (`device-key.json`, 0600; never in the data folder). Every body the device writes is sealed to it as
/// well as to the team key, so a health visitor can read what she wrote herself; drafts are sealed
/// with a key derived from it.
public struct DeviceKey {
    /// The file's name in the config folder.
    public static let fileName = "device-key.json"

    /// The private key.
    public let privateKey: Curve25519.KeyAgreement.PrivateKey
    /// The public key.
    public var publicKey: Curve25519.KeyAgreement.PublicKey { privateKey.publicKey }
    /// SHA-256 of the raw public key, hex.
    public var fingerprint: String { KeyFingerprint.of(publicKey) }

    /// A device key from its private key.
    public init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
    }

    private struct Stored: Codable {
        var version: Int
        var algorithm: String
        var privateKey: String
    }

    /// Reads this device's key, making and storing a new one on first use. A damaged key file is an
    /// error, never silently replaced (it would leave this device's own records unreadable to it).
    public static func load(config: ConfigDirectory) throws(KeyError) -> DeviceKey {
        let path = config.file(fileName)
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path),
                  let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.version == 1,
                  let raw = Data(base64Encoded: stored.privateKey),
                  let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) else {
                throw .badKeyFile(path: path, reason: "enhedens nøgle er beskadiget")
            }
            return DeviceKey(privateKey: key)
        }
        let key = Curve25519.KeyAgreement.PrivateKey()
        let stored = Stored(version: 1, algorithm: "X25519", privateKey: key.rawRepresentation.base64EncodedString())
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try config.write(try encoder.encode(stored) + Data("\n".utf8), to: fileName)
        } catch let error as LogError {
            throw .cannotWrite(path: path, reason: error.danishDescription)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        return DeviceKey(privateKey: key)
    }

    /// The symmetric key that seals this device's drafts (HKDF-SHA256 of the private key).
    public var draftCipher: DraftCipher {
        DraftCipher(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKey.rawRepresentation),
                                                salt: Data("konflikt".utf8), info: Data("konflikt drafts v1".utf8),
                                                outputByteCount: 32))
    }
}

/// Seals and opens a device's drafts: `0x01 ‖ nonce (12) ‖ ChaCha20-Poly1305 ciphertext ‖ tag (16)`, with
/// the draft's id as associated data, so a draft file cannot be passed off under another id.
public struct DraftCipher: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A cipher with `key` (tests may make their own).
    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Array($0) }
    }

    /// A cipher with a fresh random key that is kept nowhere (for tests).
    public static func ephemeral() -> DraftCipher { DraftCipher(key: SymmetricKey(size: .bits256)) }

    /// The sealed form of `plaintext` for the draft `id`.
    public func seal(_ plaintext: Data, id: UUID) throws(KeyError) -> Data {
        do {
            let box = try ChaChaPoly.seal(plaintext, using: key, authenticating: Data(id.uuidString.lowercased().utf8))
            return Data([1]) + box.combined
        } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
    }

    /// The plaintext of a sealed draft; nil when it was sealed by another device, for another id, or damaged.
    public func open(_ sealed: Data, id: UUID) -> Data? {
        guard sealed.count > 1 + 12 + 16, sealed.first == 1,
              let box = try? ChaChaPoly.SealedBox(combined: sealed.dropFirst()) else { return nil }
        return try? ChaChaPoly.open(box, using: key, authenticating: Data(id.uuidString.lowercased().utf8))
    }
}
