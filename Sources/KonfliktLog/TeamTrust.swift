import Crypto
import Foundation

/// Whether this device may write sensitive bodies into a data folder, and how: the folder's
/// `team.json` against the fingerprint the device pinned in its settings.
public enum TeamTrust {
    /// The relation between the folder's team key and this device.
    public enum State: Sendable, Equatable {
        /// No `team.json` and nothing pinned: bodies are written in clear text (as before keys existed).
        case noTeamKey
        /// `team.json` holds the pinned key.
        case trusted(TeamFile)
        /// `team.json` exists, but this device has pinned no key yet.
        case untrusted(TeamFile)
        /// `team.json` holds another key than the pinned one.
        case changed(trusted: String, found: TeamFile)
        /// A key is pinned but the folder has no `team.json`.
        case gone(trusted: String)
    }

    /// The state of `directory` for this device.
    public static func state(directory: DataDirectory, config: ConfigDirectory) throws(KeyError) -> State {
        let pinned = Settings.load(config: config).trustedTeamKey
        guard let team = try TeamFile.load(directory: directory) else {
            return pinned.map { .gone(trusted: $0) } ?? .noTeamKey
        }
        guard let pinned else { return .untrusted(team) }
        return pinned == team.fingerprint.lowercased() ? .trusted(team) : .changed(trusted: pinned, found: team)
    }

    /// The error that stops a sensitive body from being written in `state`; nil when it may be written.
    public static func refusal(_ state: State, directory: DataDirectory) -> KeyError? {
        switch state {
        case .noTeamKey, .trusted: return nil
        case .untrusted(let team): return .untrustedTeamKey(shortFingerprint: KeyFingerprint.short(team.fingerprint))
        case .changed(let trusted, let found):
            return .teamKeyChanged(trusted: KeyFingerprint.short(trusted), found: KeyFingerprint.short(found.fingerprint))
        case .gone(let trusted):
            return .teamFileGone(path: directory.file(TeamFile.name), trusted: KeyFingerprint.short(trusted))
        }
    }

    /// Pins the team key of `directory` on this device after the user compared `fingerprint` (full, or
    /// the short form) with the lead. Returns the team file that is now trusted.
    @discardableResult
    public static func trust(fingerprint given: String, directory: DataDirectory,
                             config: ConfigDirectory) throws(KeyError) -> TeamFile {
        guard let digits = KeyFingerprint.normalized(given) else { throw .notAFingerprint }
        guard let team = try TeamFile.load(directory: directory) else {
            throw .noTeamFile(path: directory.file(TeamFile.name))
        }
        guard team.fingerprint.lowercased().hasPrefix(digits) else {
            throw .fingerprintMismatch(given: KeyFingerprint.short(digits), found: KeyFingerprint.short(team.fingerprint))
        }
        var settings = Settings.load(config: config)
        settings.trustedTeamKey = team.fingerprint.lowercased()
        do { try settings.save(config: config) } catch {
            throw .cannotWrite(path: config.file("settings.json"), reason: error.danishDescription)
        }
        return team
    }
}

extension LogWriter {
    /// How this writer treats bodies that can hold a CPR number, answers or notes.
    public enum Sealing: Sendable {
        /// Clear text: only for a folder without `team.json` (checked again at every append).
        case clear
        /// Sealed to the team key and this device's key with a fixed sealer (tests).
        case sealed(BodySealer)
        /// Sealed to the team key and this device's key for the visit's year, authenticated by this
        /// device's key (scheme mode 1): what `forDevice` sets up.
        case authenticated(YearSealing)
        /// Not allowed: no sensitive body is written, and nothing at all reaches the disk.
        case refused(KeyError)
    }

    /// This device's writer for `directory`: its id and key from `config`, and the sealing that the
    /// folder's team key and this device's trust call for. Export lines (no personal data) are always
    /// written; the others only when `sealing` allows.
    public static func forDevice(directory: DataDirectory, config: ConfigDirectory,
                                 now: @escaping @Sendable () -> Date = { Date() }) throws(LogError) -> LogWriter {
        var writer = LogWriter(directory: directory, device: try DeviceIdentity.load(config: config), now: now)
        do throws(KeyError) {
            let state = try TeamTrust.state(directory: directory, config: config)
            if let refusal = TeamTrust.refusal(state, directory: directory) {
                writer.sealing = .refused(refusal)
            } else if case .trusted(let team) = state {
                let teamKey = try team.key(path: directory.file(TeamFile.name))
                let device = try DeviceKey.load(config: config)
                let day = String(Timestamp.format(now()).prefix(10))
                writer.sealing = .authenticated(YearSealing(config: config, team: teamKey.rawRepresentation,
                                                            device: device.privateKey.rawRepresentation, day: day))
            }
        } catch {
            writer.sealing = .refused(error)
        }
        return writer
    }

    /// The sealer for `body` about a visit in `visitYear`, nil for clear text; throws when the body
    /// may not be written at all.
    func sealer(for body: EventBody, visitYear: Int) throws(LogError) -> BodySealer? {
        guard BodyCrypto.isSensitive(body) else { return nil }
        switch sealing {
        case .sealed(let sealer): return sealer
        case .authenticated(let sealing):
            do { return try sealing.sealer(visitYear: visitYear) } catch { throw .keys(error) }
        case .refused(let error): throw .keys(error)
        case .clear:
            // Never clear text into a folder that has a team key, whoever made this writer.
            let team: TeamFile?
            do { team = try TeamFile.load(directory: directory) } catch { throw .keys(error) }
            guard let team else { return nil }
            throw .keys(.untrustedTeamKey(shortFingerprint: KeyFingerprint.short(team.fingerprint)))
        }
    }
}

/// What an authenticated writer needs to seal a body: the team's public key, this device's identity
/// key (the HPKE sender) and the day; the device's own recipient key is the one for the visit's year
/// (`DeviceYearKeys`), so retention can destroy it per year.
public struct YearSealing: Sendable {
    let config: ConfigDirectory
    let team: Data
    let device: Data
    let day: String

    /// The sealer for a visit in `visitYear` (the day's data key for that year, made on first use).
    func sealer(visitYear: Int) throws(KeyError) -> BodySealer {
        guard let teamKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: team),
              let deviceKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: device) else {
            throw .cryptoFailure(reason: "ugyldig nøgle")
        }
        let yearKey = try DeviceYearKeys.key(for: visitYear, config: config)
        return try BodySealer.load(config: config, recipients: [BodyRecipient(kind: .team, publicKey: teamKey),
                                                                BodyRecipient(kind: .device, publicKey: yearKey.publicKey)],
                                   sender: deviceKey, day: day)
    }
}
