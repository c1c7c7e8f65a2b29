import Crypto
import Foundation
import Synchronization

/// Sealed event bodies (scheme version 1), age-style: a random 32-byte data key is wrapped with HPKE
/// (RFC 9180, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, base mode) once to each
/// recipient — the team key and the writing device's key — and the body is sealed with
/// ChaCha20-Poly1305 under that data key and a random 12-byte nonce, with the line's envelope and the
/// header as associated data. The line carries `"enc":"<base64 of the blob>"` in place of `"body":{…}`,
/// so the hash chain covers the line as written and `verify` needs no key. The byte layout is in
/// docs/LOG.md.
///
///     0x01 version ‖ mode ‖ n ‖ [mode 1: sender public key (32)]
///       ‖ n × (kind ‖ key id (8) ‖ HPKE enc (32) ‖ wrapped data key (48)) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
///
/// Mode 0 (base) does not authenticate the writer. Mode 1 wraps the data key in HPKE's authenticated
/// mode with the writing device's key as sender, whose public key is in the header: a body that opens
/// was sealed by the holder of that key (or a recipient), for exactly this envelope.
public enum BodyCrypto {
    /// The scheme version this program writes and reads.
    static let version: UInt8 = 1
    /// Mode 0: the sender is not authenticated (written before approved devices existed).
    static let baseMode: UInt8 = 0
    /// Mode 1: the data key is wrapped in HPKE auth mode with the writing device's key as sender.
    static let authMode: UInt8 = 1

    /// Where the stanzas start in a blob of `mode`: after version, mode, count and (mode 1) the sender key.
    static func stanzaStart(mode: UInt8) -> Int { mode == authMode ? 3 + 32 : 3 }
    /// The HPKE suite that wraps data keys.
    static var suite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .chaChaPoly) }
    /// Bytes per recipient stanza: kind, key id, encapsulated key, wrapped data key with its tag.
    static let stanzaLength = 1 + 8 + 32 + 48
    /// `,"enc":"` before the sealed body.
    static let encMarker: [UInt8] = Array(#","enc":""#.utf8)

    /// HPKE's `info` for a stanza: binds the wrapped key to the recipient's kind and key id.
    static func info(kind: UInt8, keyID: some Sequence<UInt8>) -> Data {
        Data("konflikt body key v1".utf8) + Data([kind]) + Data(keyID)
    }

    /// Whether `type` is a body that can hold a CPR number, answers or notes, and so is sealed.
    public static func isSensitive(_ body: EventBody) -> Bool {
        switch body {
        case .screening, .correction, .followup: return true
        // An access names a family's case; an export's access names only the export.
        case .access(let access): return access.kind != .export
        case .export: return false
        }
    }

    /// The body of an encrypted (or clear) line, opened with `keys`: the one place where bodies are
    /// decrypted. `line` is the line as read, without its newline.
    public static func openBody(line: UnsafeRawBufferPointer, keys: BodyKeys?, file: String,
                                lineNumber: Int) throws(LogError) -> EventBody {
        try LogEvent.decode(line, file: file, line: lineNumber, keys: keys).body
    }

    /// Where the sealed body sits in `line`: the envelope's end (the offset of `,"enc":"`) and the
    /// base64 text's range. nil when the line has a clear body (or is not laid out as the writer makes it).
    static func sealedRange(_ line: UnsafeRawBufferPointer) -> (envelopeEnd: Int, base64: Range<Int>)? {
        let count = line.count
        let close = count - EventLine.suffixLength - 1
        guard close > EventLine.minimumLength, line[close] == UInt8(ascii: "\"") else { return nil }
        // Base64 has no quote, so the opening quote is the last one before the closing quote.
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var open = close - 1
        while open > 0, base[open] != UInt8(ascii: "\"") { open -= 1 }
        let markerStart = open - (encMarker.count - 1)
        guard markerStart > 0, EventLine.startsWith(line, encMarker, at: markerStart) else { return nil }
        return (markerStart, (open + 1)..<close)
    }

    /// What can be checked of a sealed body without a key.
    enum Layout {
        /// Base64 of version 1, base mode, 1–16 stanzas, a nonce and at least a tag.
        case wellFormed
        /// Another scheme version or mode (written by a newer konflikt).
        case newerVersion
        /// Not a sealed body as this version writes it.
        case malformed
    }

    /// Checks the sealed body of `line` as far as it can be checked without a key (for `verify`).
    static func layout(of line: UnsafeRawBufferPointer) -> Layout {
        guard let (_, base64) = sealedRange(line),
              let blob = Data(base64Encoded: Data(UnsafeRawBufferPointer(rebasing: line[base64]))),
              blob.count >= 3 else { return .malformed }
        let bytes = [UInt8](blob)
        guard bytes[0] == version, bytes[1] == baseMode || bytes[1] == authMode else { return .newerVersion }
        let count = Int(bytes[2])
        guard (1...16).contains(count),
              bytes.count >= stanzaStart(mode: bytes[1]) + count * stanzaLength + 12 + 16 else { return .malformed }
        if bytes[1] == authMode,
           (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes[3..<35])) == nil { return .malformed }
        return .wellFormed
    }

    /// Whether `line` carries a sealed body.
    public static func isSealed(_ line: UnsafeRawBufferPointer) -> Bool { sealedRange(line) != nil }

    /// Why a sealed body could not be opened.
    enum OpenFailure: Error {
        /// None of the keys is a recipient.
        case noKey
        /// The blob is malformed, or the body does not match its envelope (tampering or damage).
        case damaged
        /// Mode 1: the data key was not wrapped by the named sender, or the body does not match its
        /// envelope: the record is not authentic.
        case unauthentic
        /// Another scheme version or mode.
        case unsupported(Int)
        /// Every key that could open it was destroyed under the retention rules.
        case retired
    }

    /// Opens `blob` for the line whose envelope bytes are `envelope`, returning the body's JSON and,
    /// in mode 1, the fingerprint of the device key that authenticated it.
    static func open(blob: [UInt8], envelope: UnsafeRawBufferPointer, keys: BodyKeys) -> Result<(json: Data, sender: String?), OpenFailure> {
        guard blob.count >= 3 else { return .failure(.damaged) }
        guard blob[0] == version, blob[1] == baseMode || blob[1] == authMode else { return .failure(.unsupported(Int(blob[0]))) }
        let mode = blob[1]
        let first = stanzaStart(mode: mode)
        let count = Int(blob[2])
        let headerLength = first + count * stanzaLength
        guard count > 0, blob.count >= headerLength + 12 + 16 else { return .failure(.damaged) }
        var sender: Curve25519.KeyAgreement.PublicKey?
        if mode == authMode {
            guard let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: blob[3..<35]) else {
                return .failure(.unauthentic)
            }
            sender = key
        }
        // In mode 1 the cache is keyed by the sender too: a stanza copied under another sender key
        // must be unwrapped (and fail) again, never found in the cache.
        let senderBytes = mode == authMode ? Data(blob[3..<35]) : Data()
        var dataKey: SymmetricKey?
        var sawRecipient = false
        for index in 0..<count {
            let start = first + index * stanzaLength
            let kind = blob[start]
            let keyID = blob[(start + 1)..<(start + 9)]
            guard keys.holds(keyID) else { continue }
            sawRecipient = true
            let encapsulated = Data(blob[(start + 9)..<(start + 41)])
            let cacheKey = senderBytes + encapsulated
            // The common case: this data key was unwrapped for an earlier line. (Making the private key
            // from its bytes costs a scalar multiplication, so it is only done on a miss.)
            if let cached = keys.cached(cacheKey) { dataKey = cached; break }
            guard let privateKey = keys.key(for: keyID) else { continue }
            do {
                var recipient: HPKE.Recipient
                if let sender {
                    recipient = try HPKE.Recipient(privateKey: privateKey, ciphersuite: suite,
                                                   info: info(kind: kind, keyID: keyID), encapsulatedKey: encapsulated,
                                                   authenticatedBy: sender)
                } else {
                    recipient = try HPKE.Recipient(privateKey: privateKey, ciphersuite: suite,
                                                   info: info(kind: kind, keyID: keyID), encapsulatedKey: encapsulated)
                }
                let raw = try recipient.open(blob[(start + 41)..<(start + stanzaLength)], authenticating: Data())
                guard raw.count == 32 else { return .failure(.damaged) }
                let key = SymmetricKey(data: raw)
                keys.remember(cacheKey, key)
                dataKey = key
                break
            } catch {
                continue
            }
        }
        let failure: OpenFailure = mode == authMode ? .unauthentic : .damaged
        guard let dataKey else {
            if sawRecipient { return .failure(failure) }
            return .failure(keys.isRetired(blob, first: first, count: count) ? .retired : .noKey)
        }
        var associated = Data(envelope)
        associated.append(contentsOf: blob[0..<headerLength])
        do {
            let box = try ChaChaPoly.SealedBox(combined: blob[headerLength...])
            let json = try ChaChaPoly.open(box, using: dataKey, authenticating: associated)
            return .success((json, sender.map { KeyFingerprint.of($0) }))
        } catch {
            return .failure(failure)
        }
    }
}

/// One recipient of sealed bodies.
public struct BodyRecipient {
    /// What the key belongs to.
    public enum Kind: UInt8, Sendable {
        /// The team key (held by the lead).
        case team = 1
        /// The writing device's own key.
        case device = 2
    }

    /// What the key belongs to.
    public var kind: Kind
    /// The recipient's public key.
    public var publicKey: Curve25519.KeyAgreement.PublicKey

    /// A recipient.
    public init(kind: Kind, publicKey: Curve25519.KeyAgreement.PublicKey) {
        self.kind = kind
        self.publicKey = publicKey
    }
}

/// Seals bodies to a fixed set of recipients under one data key, wrapped once per recipient when the
/// sealer is made; every body gets its own random 12-byte nonce. A writer keeps one data key per
/// UTC day (`load(config:recipients:day:)`), so a reader unwraps once per device and day, not per line.
public struct BodySealer: Sendable {
    /// The data key's 32 bytes.
    let dataKeyBytes: [UInt8]
    var dataKey: SymmetricKey { SymmetricKey(data: dataKeyBytes) }
    /// Version, mode, count and the recipient stanzas: the start of every blob this sealer makes.
    let header: [UInt8]

    /// A sealer with a fresh random data key wrapped to `recipients`: in HPKE's authenticated mode with
    /// `sender` (the writing device's key; scheme mode 1), or, without one, in base mode (mode 0, only
    /// for tests of old records).
    public init(recipients: [BodyRecipient], sender authentication: Curve25519.KeyAgreement.PrivateKey? = nil) throws(KeyError) {
        guard !recipients.isEmpty, recipients.count <= 16 else { throw .cryptoFailure(reason: "1–16 modtagere") }
        let dataKey = SymmetricKey(size: .bits256)
        var header: [UInt8] = [BodyCrypto.version, authentication == nil ? BodyCrypto.baseMode : BodyCrypto.authMode,
                               UInt8(recipients.count)]
        if let authentication { header += authentication.publicKey.rawRepresentation }
        do {
            for recipient in recipients {
                let keyID = KeyFingerprint.keyID(recipient.publicKey)
                let info = BodyCrypto.info(kind: recipient.kind.rawValue, keyID: keyID)
                var sender: HPKE.Sender
                if let authentication {
                    sender = try HPKE.Sender(recipientKey: recipient.publicKey, ciphersuite: BodyCrypto.suite,
                                             info: info, authenticatedBy: authentication)
                } else {
                    sender = try HPKE.Sender(recipientKey: recipient.publicKey, ciphersuite: BodyCrypto.suite, info: info)
                }
                let wrapped = try dataKey.withUnsafeBytes { raw in try sender.seal(raw, authenticating: Data()) }
                header.append(recipient.kind.rawValue)
                header += keyID
                header += sender.encapsulatedKey
                header += wrapped
            }
        } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
        dataKeyBytes = dataKey.withUnsafeBytes { Array($0) }
        self.header = header
    }

    init(dataKey: [UInt8], header: [UInt8]) {
        dataKeyBytes = dataKey
        self.header = header
    }

    /// The key ids (hex) of the recipients, in order.
    var recipientIDs: [String] {
        guard header.count >= 3 else { return [] }
        let first = BodyCrypto.stanzaStart(mode: header[1])
        return (0..<Int(header[2])).map { index in
            let start = first + index * BodyCrypto.stanzaLength
            return Hex.bytes(header[(start + 1)..<(start + 9)])
        }
    }

    /// The blob for `body` (its JSON) in a line whose bytes up to `,"enc":"` are `envelope`.
    func seal(_ body: Data, envelope: [UInt8]) throws(LogError) -> [UInt8] {
        var associated = Data(envelope)
        associated.append(contentsOf: header)
        do {
            let box = try ChaChaPoly.seal(body, using: dataKey, nonce: ChaChaPoly.Nonce(), authenticating: associated)
            return header + Array(box.combined)
        } catch {
            throw .encodingFailed(reason: "\(error)")
        }
    }

    private struct Stored: Codable {
        var version: Int
        var day: String
        var sender: String?
        var recipients: [String]
        var dataKey: String
        var header: String
    }

    /// The file in the config folder that keeps today's data key (0600, like the device key that can
    /// open every body of this device anyway).
    static let fileName = "body-key.json"

    /// Today's sealer for `recipients`, authenticated by `sender`: the stored one when it was made today
    /// (UTC `day`) for the same sender and recipients, else a new one, stored for the next append (a
    /// failure to store it only costs a new key).
    public static func load(config: ConfigDirectory, recipients: [BodyRecipient], sender: Curve25519.KeyAgreement.PrivateKey,
                            day: String) throws(KeyError) -> BodySealer {
        let ids = recipients.map { Hex.bytes(KeyFingerprint.keyID($0.publicKey)) }
        let senderID = Hex.bytes(KeyFingerprint.keyID(sender.publicKey))
        if let data = FileManager.default.contents(atPath: config.file(fileName)),
           let stored = try? JSONDecoder().decode(Stored.self, from: data),
           stored.version == 1, stored.day == day, stored.recipients == ids, stored.sender == senderID,
           let key = Data(base64Encoded: stored.dataKey), key.count == 32,
           let header = Data(base64Encoded: stored.header) {
            let sealer = BodySealer(dataKey: Array(key), header: Array(header))
            if sealer.header.count == 3 + 32 + ids.count * BodyCrypto.stanzaLength, sealer.header[1] == BodyCrypto.authMode,
               Array(sealer.header[3..<35]) == Array(sender.publicKey.rawRepresentation),
               sealer.recipientIDs == ids { return sealer }
        }
        let sealer = try BodySealer(recipients: recipients, sender: sender)
        let stored = Stored(version: 1, day: day, sender: senderID, recipients: ids,
                            dataKey: Data(sealer.dataKeyBytes).base64EncodedString(),
                            header: Data(sealer.header).base64EncodedString())
        if let data = try? JSONEncoder().encode(stored) { try? config.write(data, to: fileName) }
        return sealer
    }
}

/// The private keys a reader holds (the team key, this device's key, or both), with the data keys
/// already unwrapped, so each wrapped key costs one X25519 operation per reader, not one per line.
/// Safe to share between the threads that decode lines.
public final class BodyKeys: Sendable {
    private struct Entry: Sendable {
        var keyID: [UInt8]
        var privateKeyBytes: Data
    }

    private let entries: [Entry]
    private let cache: (any UnwrappedKeyCache)?
    /// Which devices this reader trusts (nil: every readable record counts, as for a health visitor's
    /// own records or a folder without approvals).
    public let policy: ApprovalPolicy?
    /// Key ids (8 bytes) of keys destroyed under the retention rules: a body sealed only to them is
    /// `LogError.erasedBody`, not a problem.
    let retired: Set<[UInt8]>

    /// Keys for a reader holding `privateKeys`, trusting the devices of `policy`; `retired` are the key
    /// ids of destroyed keys.
    public init(privateKeys: [Curve25519.KeyAgreement.PrivateKey], policy: ApprovalPolicy? = nil,
                retired: Set<[UInt8]> = []) {
        entries = privateKeys.map { Entry(keyID: KeyFingerprint.keyID($0.publicKey), privateKeyBytes: $0.rawRepresentation) }
        if #available(macOS 15, *) { cache = MutexKeyCache() } else { cache = nil }
        self.policy = policy
        self.retired = retired
    }

    /// The same keys trusting the devices of `policy` instead (after the lead approved a device).
    public func replacingPolicy(_ policy: ApprovalPolicy?) -> BodyKeys {
        BodyKeys(entries: entries, policy: policy, retired: retired)
    }

    private init(entries: [Entry], policy: ApprovalPolicy?, retired: Set<[UInt8]>) {
        self.entries = entries
        if #available(macOS 15, *) { cache = MutexKeyCache() } else { cache = nil }
        self.policy = policy
        self.retired = retired
    }

    /// Whether `event` may change or count in a case: export and access lines always (they never touch
    /// a case); screenings, corrections and follow-ups only when authenticated by an approved device key
    /// under one of its device ids. Without a policy, everything readable counts.
    /// A record without a sender (written before devices authenticated their records) counts when the
    /// lead approved its log file `file` up to its sequence number (`konflikt team approve-legacy`).
    public func admits(_ event: LogEvent, file: String? = nil) -> Bool {
        guard let policy else { return true }
        switch event.body {
        case .export, .access: return true
        case .screening, .correction, .followup:
            guard let sender = event.sender else { return admitsUnsent(seq: event.seq, file: file) }
            return policy.devices[sender]?.contains(event.device) ?? false
        }
    }

    /// Whether a screening, correction or follow-up without a sender (a clear line, or one sealed
    /// without authentication) with sequence number `seq` in `file` counts (see `admits`).
    public func admitsUnsent(seq: Int, file: String?) -> Bool {
        guard let policy else { return true }
        guard let file, let through = policy.legacy[file] else { return false }
        return seq <= through
    }

    /// A digest of what this reader trusts and holds (approved devices, key ids, retired keys), for the
    /// case index's validity key: when it changes, the index is rebuilt.
    public var trustDigest: String {
        var text = policy.map { "approved \($0.digest)\n" } ?? "all\n"
        for id in entries.map({ Hex.bytes($0.keyID) }).sorted() { text += "key \(id)\n" }
        for id in retired.map({ Hex.bytes($0) }).sorted() { text += "retired \(id)\n" }
        return String(Hex.string(SHA256.hash(data: Data(text.utf8))).prefix(32))
    }

    /// Whether a blob none of whose stanzas this reader holds was sealed to a retired key.
    func isRetired(_ blob: [UInt8], first: Int, count: Int) -> Bool {
        guard !retired.isEmpty else { return false }
        for index in 0..<count {
            let start = first + index * BodyCrypto.stanzaLength
            if retired.contains(Array(blob[(start + 1)..<(start + 9)])) { return true }
        }
        return false
    }

    /// Keys for the lead (team key, and optionally the lead's own device key).
    public convenience init(team: Curve25519.KeyAgreement.PrivateKey, device: DeviceKey? = nil) {
        self.init(privateKeys: [team] + (device.map { [$0.privateKey] } ?? []))
    }

    /// Keys for a health visitor's device: only what it wrote itself.
    public convenience init(device: DeviceKey) {
        self.init(privateKeys: [device.privateKey])
    }

    /// A 256-bit key for this reader's own caches (the case index), derived with HKDF-SHA256 from the
    /// first private key held (the team key for the lead, the device key on a health visitor's device)
    /// and `label`. The same keys give the same cache key; nil without keys.
    public func cacheKey(label: String) -> SymmetricKey? {
        guard let first = entries.first else { return nil }
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: first.privateKeyBytes),
                                      salt: Data("konflikt-cache-key".utf8), info: Data(label.utf8),
                                      outputByteCount: 32)
    }

    func holds(_ keyID: ArraySlice<UInt8>) -> Bool { entries.contains { $0.keyID.elementsEqual(keyID) } }

    func key(for keyID: ArraySlice<UInt8>) -> Curve25519.KeyAgreement.PrivateKey? {
        guard let entry = entries.first(where: { $0.keyID.elementsEqual(keyID) }) else { return nil }
        return try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: entry.privateKeyBytes)
    }

    func cached(_ encapsulated: Data) -> SymmetricKey? { cache?.get(encapsulated).map { SymmetricKey(data: $0) } }

    func remember(_ encapsulated: Data, _ key: SymmetricKey) { cache?.put(encapsulated, key.withUnsafeBytes { Array($0) }) }
}

private protocol UnwrappedKeyCache: Sendable {
    func get(_ encapsulated: Data) -> [UInt8]?
    func put(_ encapsulated: Data, _ key: [UInt8])
}

@available(macOS 15, *)
private final class MutexKeyCache: UnwrappedKeyCache {
    private let keys = Mutex<[Data: [UInt8]]>([:])

    func get(_ encapsulated: Data) -> [UInt8]? { keys.withLock { $0[encapsulated] } }

    func put(_ encapsulated: Data, _ key: [UInt8]) {
        keys.withLock { table in
            if table.count > 100_000 { table.removeAll() }
            table[encapsulated] = key
        }
    }
}

extension LogEvent {
    /// Decodes a line read from `file` at `line`, opening a sealed body with `keys`. A sealed line
    /// without `keys` is `LogError.encryptedBody`; with keys that are not among its recipients,
    /// `noKeyForBody`; a body that does not match its envelope, `damagedBody`. Clear lines decode as
    /// without keys. `lean` leaves out what no read model needs (`leanCopy`).
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String, line: Int,
                              keys: BodyKeys?, lean: Bool = false) throws(LogError) -> LogEvent {
        guard let (envelopeEnd, base64) = BodyCrypto.sealedRange(bytes) else {
            return try decode(bytes, file: file, line: line, lean: lean)
        }
        guard let keys else { throw .encryptedBody(file: file, line: line) }
        // (UTF-8 is checked when the line is decoded below: the envelope is part of it.)
        guard let blob = Data(base64Encoded: Data(UnsafeRawBufferPointer(rebasing: bytes[base64]))) else {
            throw .damagedBody(file: file, line: line)
        }
        let envelope = UnsafeRawBufferPointer(rebasing: bytes[0..<envelopeEnd])
        let json: Data, sender: String?
        switch BodyCrypto.open(blob: Array(blob), envelope: envelope, keys: keys) {
        case .failure(.noKey): throw .noKeyForBody(file: file, line: line)
        case .failure(.damaged): throw .damagedBody(file: file, line: line)
        case .failure(.unauthentic): throw .unauthenticBody(file: file, line: line)
        case .failure(.retired): throw .erasedBody(file: file, line: line)
        case .failure(.unsupported(let version)): throw .unsupportedVersion(file: file, line: line, version: version)
        case .success(let opened): (json, sender) = (opened.json, opened.sender)
        }
        do {
            // The line as it would be in clear text, decoded by the usual (fast) path.
            var clear = [UInt8](envelope)
            clear.reserveCapacity(envelopeEnd + json.count + 100)
            clear += Array(#","body":"#.utf8)
            clear += json
            clear += UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - EventLine.suffixLength)...])
            var event: LogEvent
            do {
                event = try clear.withUnsafeBytes { raw throws(LogError) in try decode(raw, file: file, line: line, lean: lean) }
            } catch let error as LogError {
                throw error
            } catch {
                throw .damagedBody(file: file, line: line)
            }
            event.sender = sender
            // An approved key writing under a device id that is not its own: another device's record
            // sealed again with this key. Not authentic.
            if let sender, let devices = keys.policy?.devices[sender], !devices.contains(event.device) {
                throw .unauthenticBody(file: file, line: line)
            }
            return event
        }
    }
}
