import Crypto
import Foundation

/// Reading the team key's passphrase: from the file named by `KONFLIKT_PASSPHRASE_FILE` (scripts,
/// tests), else from the terminal (`/dev/tty`) without echo. Never from a command-line argument.
public enum Passphrase {
    /// The environment variable that names a file holding the passphrase (its first line).
    public static let environmentVariable = "KONFLIKT_PASSPHRASE_FILE"

    /// Reads the passphrase. With `confirm` (a new key) the terminal asks twice and the length is checked.
    public static func read(prompt: String, confirm: Bool = false,
                            environment: [String: String]) throws(KeyError) -> [UInt8] {
        let passphrase: [UInt8]
        if let path = environment[environmentVariable], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .passphraseUnavailable(reason: "filen \(path) kan ikke læses")
            }
            passphrase = firstLine(Array(data))
        } else {
            passphrase = try fromTerminal(prompt: prompt)
            if confirm {
                let again = try fromTerminal(prompt: "Gentag adgangssætningen: ")
                guard again == passphrase else { throw .passphrasesDiffer }
            }
        }
        if confirm, String(decoding: passphrase, as: UTF8.self).count < TeamKeyFile.minimumPassphraseLength {
            throw .passphraseTooShort(minimum: TeamKeyFile.minimumPassphraseLength)
        }
        guard !passphrase.isEmpty else { throw .passphraseUnavailable(reason: "adgangssætningen er tom") }
        return passphrase
    }

    /// The bytes up to the first line break.
    static func firstLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = bytes.prefix { $0 != 0x0A }
        if line.last == 0x0D { line = line.dropLast() }
        return Array(line)
    }

    /// One line from `/dev/tty` with echo switched off (and back on afterwards, whatever happens).
    static func fromTerminal(prompt: String) throws(KeyError) -> [UInt8] {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .passphraseUnavailable(reason: "der er ingen terminal") }
        defer { close(fd) }
        var original = termios()
        let canSwitch = tcgetattr(fd, &original) == 0
        if canSwitch {
            var quiet = original
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer { if canSwitch { var restore = original; _ = tcsetattr(fd, TCSAFLUSH, &restore) } }
        writeAll(fd, Array(prompt.utf8))
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Foundation.read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 || byte == 0x0A || byte == 0x0D { break }
            line.append(byte)
        }
        writeAll(fd, [0x0A])
        return line
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}

/// Loading the keys a reader needs: the lead's team key (passphrase asked once) and this device's key.
public enum KeyRing {
    /// The team key file's path: `keyFile` (`--key-file`) or `<config>/team-key.json`.
    public static func teamKeyPath(keyFile: String?, config: ConfigDirectory) -> String {
        keyFile.flatMap { $0.isEmpty ? nil : $0 } ?? config.file(TeamKeyFile.defaultName)
    }

    /// The team's private key, opened with the passphrase (from `KONFLIKT_PASSPHRASE_FILE` or the terminal).
    public static func unlockTeamKey(keyFile: String?, config: ConfigDirectory,
                                     environment: [String: String]) throws(KeyError) -> Curve25519.KeyAgreement.PrivateKey {
        try unlockTeamKeys(keyFile: keyFile, config: config, environment: environment).current
    }

    /// The team's keys: the current one, the earlier ones (rotation), and the fingerprints of those
    /// destroyed under retention; one passphrase.
    public static func unlockTeamKeys(keyFile: String?, config: ConfigDirectory, environment: [String: String]) throws(KeyError)
        -> (current: Curve25519.KeyAgreement.PrivateKey, previous: [Curve25519.KeyAgreement.PrivateKey], retired: [String]) {
        let path = teamKeyPath(keyFile: keyFile, config: config)
        let file = try TeamKeyFile.load(path: path)
        let passphrase = try Passphrase.read(prompt: "Adgangssætning til teamnøglen: ", environment: environment)
        let keys = try file.openAll(passphrase: passphrase, path: path)
        return (keys.current, keys.previous, (file.retired ?? []).map(\.fingerprint))
    }

    /// As `unlockTeamKeys`, with the passphrase already read.
    static func unlockTeamKeys(keyFile: String?, config: ConfigDirectory, passphrase: [UInt8]) throws(KeyError)
        -> (current: Curve25519.KeyAgreement.PrivateKey, previous: [Curve25519.KeyAgreement.PrivateKey], retired: [String]) {
        let path = teamKeyPath(keyFile: keyFile, config: config)
        let file = try TeamKeyFile.load(path: path)
        let keys = try file.openAll(passphrase: passphrase, path: path)
        return (keys.current, keys.previous, (file.retired ?? []).map(\.fingerprint))
    }

    /// Opens the team key (as a reader would) and checks it against the folder's `team.json` when there is
    /// one; returns the key's fingerprint. For the lead to test a key file and its backup.
    public static func checkTeamKey(keyFile: String?, config: ConfigDirectory, directory: DataDirectory,
                                    environment: [String: String]) throws(KeyError) -> String {
        let key = try unlockTeamKey(keyFile: keyFile, config: config, environment: environment)
        let fingerprint = KeyFingerprint.of(key.publicKey)
        if let team = try TeamFile.load(directory: directory), team.fingerprint.lowercased() != fingerprint {
            throw .fingerprintMismatch(given: KeyFingerprint.short(fingerprint), found: KeyFingerprint.short(team.fingerprint))
        }
        return fingerprint
    }

    /// The lead's keys: the team key and this device's key; with `directory`, trusting the devices on
    /// the signed list in its `team.json` and this device (see `ApprovalPolicy`).
    public static func lead(keyFile: String?, config: ConfigDirectory, environment: [String: String],
                            directory: DataDirectory? = nil) throws(KeyError) -> BodyKeys {
        try leadWithApprover(keyFile: keyFile, config: config, environment: environment, directory: directory).keys
    }

    /// As `lead`, also keeping the team key for approving devices (the review screen).
    public static func leadWithApprover(keyFile: String?, config: ConfigDirectory, environment: [String: String],
                                        directory: DataDirectory? = nil) throws(KeyError) -> (keys: BodyKeys, approver: LeadApprover) {
        // A missing or damaged key file is said before the passphrase is asked for.
        _ = try TeamKeyFile.load(path: teamKeyPath(keyFile: keyFile, config: config))
        let passphrase = try Passphrase.read(prompt: "Adgangssætning til teamnøglen: ", environment: environment)
        return try leadWithApprover(keyFile: keyFile, config: config, passphrase: passphrase, directory: directory)
    }

    /// As `leadWithApprover`, with the passphrase already read (the review keeps it for retention, which
    /// seals the key file again without the destroyed keys, and then opens the keys that are left).
    public static func leadWithApprover(keyFile: String?, config: ConfigDirectory, passphrase: [UInt8],
                                        directory: DataDirectory? = nil) throws(KeyError) -> (keys: BodyKeys, approver: LeadApprover) {
        let team = try unlockTeamKeys(keyFile: keyFile, config: config, passphrase: passphrase)
        let approver = LeadApprover(team: team.current.rawRepresentation)
        let device = try DeviceKey.load(config: config)
        let years = DeviceYearKeys.load(config: config)
        let retired = Set(team.retired.compactMap { KeyFingerprint.keyID(fingerprint: $0) }
                          + years.retired.map { KeyFingerprint.keyID($0) })
        let privateKeys = [team.current] + team.previous + [device.privateKey] + years.all
        guard let directory else { return (BodyKeys(privateKeys: privateKeys, retired: retired), approver) }
        let policy = ApprovalPolicy.from(team: try TeamFile.load(directory: directory), teamKey: team.current,
                                         ownFingerprint: device.fingerprint,
                                         ownDevice: try? DeviceIdentity.load(config: config))
        return (BodyKeys(privateKeys: privateKeys, policy: policy, retired: retired), approver)
    }

    /// A health visitor's keys: only this device's keys (her own records and drafts).
    public static func device(config: ConfigDirectory) throws(KeyError) -> BodyKeys {
        let years = DeviceYearKeys.load(config: config)
        return BodyKeys(privateKeys: [try DeviceKey.load(config: config).privateKey] + years.all,
                        retired: Set(years.retired.map { KeyFingerprint.keyID($0) }))
    }
}
