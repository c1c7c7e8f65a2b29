import Crypto
import Foundation

/// The keys a device seals its own copy of a body to, one X25519 key per calendar year of the visit
/// (`<config>/device-year-keys.json`, 0600). They let a health visitor read what she wrote herself,
/// and they are what retention destroys on the device: the device's identity key (`device-key.json`)
/// only authenticates (HPKE's sender key cannot open what it sealed), so it can stay.
public struct DeviceYearKeys {
    /// The file's name in the config folder.
    public static let fileName = "device-year-keys.json"

    /// Year → private key.
    public private(set) var keys: [Int: Curve25519.KeyAgreement.PrivateKey]
    /// Year → public key, of destroyed years (so their bodies read as deleted under retention).
    public private(set) var retiredKeys: [Int: Curve25519.KeyAgreement.PublicKey]

    /// The public keys of destroyed years.
    public var retired: [Curve25519.KeyAgreement.PublicKey] { Array(retiredKeys.values) }

    /// Every private key held.
    public var all: [Curve25519.KeyAgreement.PrivateKey] { keys.keys.sorted().compactMap { keys[$0] } }

    private struct Stored: Codable {
        var version: Int
        var keys: [String: String]
        var retired: [String: String]?
    }

    /// The keys in `config`; none when the file is missing or cannot be read (a damaged file is never
    /// overwritten: `key(for:)` refuses then).
    public static func load(config: ConfigDirectory) -> DeviceYearKeys {
        (try? read(config: config)) ?? DeviceYearKeys(keys: [:], retiredKeys: [:])
    }

    private static func read(config: ConfigDirectory) throws(KeyError) -> DeviceYearKeys {
        let path = config.file(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return DeviceYearKeys(keys: [:], retiredKeys: [:]) }
        guard let data = FileManager.default.contents(atPath: path),
              let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.version == 1 else {
            throw .badKeyFile(path: path, reason: "enhedens årsnøgler er beskadigede")
        }
        var keys: [Int: Curve25519.KeyAgreement.PrivateKey] = [:]
        for (year, text) in stored.keys {
            guard let number = Int(year), let raw = Data(base64Encoded: text),
                  let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) else {
                throw .badKeyFile(path: path, reason: "enhedens årsnøgler er beskadigede")
            }
            keys[number] = key
        }
        var retired: [Int: Curve25519.KeyAgreement.PublicKey] = [:]
        for (year, text) in stored.retired ?? [:] {
            if let number = Int(year), let raw = Data(base64Encoded: text),
               let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) { retired[number] = key }
        }
        return DeviceYearKeys(keys: keys, retiredKeys: retired)
    }

    private func save(config: ConfigDirectory) throws(KeyError) {
        var stored = Stored(version: 1, keys: [:], retired: [:])
        for (year, key) in keys { stored.keys[String(year)] = key.rawRepresentation.base64EncodedString() }
        for (year, key) in retiredKeys { stored.retired?[String(year)] = key.rawRepresentation.base64EncodedString() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try config.write(try encoder.encode(stored) + Data("\n".utf8), to: Self.fileName)
        } catch let error as LogError {
            throw .cannotWrite(path: config.file(Self.fileName), reason: error.danishDescription)
        } catch {
            throw .cannotWrite(path: config.file(Self.fileName), reason: "\(error)")
        }
    }

    /// The key for visits in `year`, made and stored on first use. A year already destroyed under
    /// retention is refused (a record for it would outlive its retention period).
    public static func key(for year: Int, config: ConfigDirectory) throws(KeyError) -> Curve25519.KeyAgreement.PrivateKey {
        if let known = try read(config: config).keys[year] { return known }
        // Made under a lock, so two processes starting the year at once share one key.
        let lock = open(config.file("device-year-keys.lock"), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        if lock >= 0 { while flock(lock, LOCK_EX) != 0, errno == EINTR {} }
        var current = try read(config: config)
        if let key = current.keys[year] { return key }
        if current.retiredKeys[year] != nil {
            throw .retiredYear(year: year)
        }
        let key = Curve25519.KeyAgreement.PrivateKey()
        current.keys[year] = key
        try current.save(config: config)
        return key
    }

    private init(keys: [Int: Curve25519.KeyAgreement.PrivateKey], retiredKeys: [Int: Curve25519.KeyAgreement.PublicKey]) {
        self.keys = keys
        self.retiredKeys = retiredKeys
    }

    /// Destroys the keys of every year before `year` (visits before 1 January of `year`); returns the
    /// years destroyed. The file is replaced atomically; the old keys are not left anywhere by konflikt
    /// (backups of the config folder are the municipality's to delete).
    public static func destroy(before year: Int, config: ConfigDirectory) throws(KeyError) -> [Int] {
        var current = try read(config: config)
        let old = current.keys.keys.filter { $0 < year }.sorted()
        guard !old.isEmpty else { return [] }
        for number in old {
            if let key = current.keys.removeValue(forKey: number) { current.retiredKeys[number] = key.publicKey }
        }
        try current.save(config: config)
        return old
    }
}
