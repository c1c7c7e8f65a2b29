import Crypto
import Foundation
import KonfliktCore

/// Retention by destroying keys (`konflikt retention --before DATE`). Bodies are never rewritten (the
/// log is append-only and hash-chained); instead every private key that is needed only for records
/// with visit dates before `DATE` is destroyed, so those bodies can never be read again while every
/// line still verifies.
///
/// - Team keys (the lead's): a key that is not the current one is destroyed when every record sealed
///   to it is about a visit before the date (a follow-up or an access counts with its screening's visit
///   date; a record whose date cannot be read keeps its key).
/// - Device year keys (every device's own, `DeviceYearKeys`): the years before the date's year.
/// - The cached data key of the day (`body-key.json`) and the reader's case index (derived data).
public enum Retention {
    /// What one run decided and did.
    public struct Outcome: Sendable {
        /// Fingerprints of the team keys destroyed.
        public var teamKeys: [String] = []
        /// Team keys kept because a record sealed to them is about a visit on or after the date (or has
        /// no readable date): fingerprint → how many such records.
        public var keptTeamKeys: [String: Int] = [:]
        /// The device's year keys destroyed.
        public var deviceYears: [Int] = []
        /// Records whose team key was destroyed now.
        public var erasedRecords = 0
        /// Whether the lead's team keys were looked at (run with the team key file).
        public var lead = false

        /// An outcome with nothing destroyed.
        public init() {}

        /// What the run did, or (`planned`) what it will do, as Danish lines: the team keys destroyed or
        /// kept, the device's years, and that the log stays as it is. The one wording of `konflikt
        /// retention` and of the review screen.
        public func lines(before: LocalDate, planned: Bool) -> [String] {
            var lines: [String] = []
            if lead {
                let keys = teamKeys.map(KeyFingerprint.short).joined(separator: ", ")
                if teamKeys.isEmpty {
                    lines.append("Ingen teamnøgle bruges kun til besøg før \(before.iso).")
                } else if planned {
                    lines.append("Destrueres: \(teamKeys.count) teamnøgle(r) (\(keys)): \(erasedRecords) registreringer kan aldrig læses igen.")
                } else {
                    lines.append("Destrueret \(teamKeys.count) teamnøgle(r) (\(keys)): \(erasedRecords) registreringer kan ikke længere læses.")
                }
                for (fingerprint, count) in keptTeamKeys.sorted(by: { $0.key < $1.key }) {
                    lines.append("Beholdt teamnøglen \(KeyFingerprint.short(fingerprint)): \(count) registreringer med den handler om besøg fra \(before.iso) eller senere.")
                }
            }
            let years = deviceYears.map(String.init).joined(separator: ", ")
            if deviceYears.isEmpty {
                lines.append("Denne computer har ingen årsnøgler fra før \(before.year).")
            } else {
                lines.append(planned ? "Destrueres: denne computers nøgler for besøgsårene \(years)."
                                     : "Destrueret denne computers nøgler for besøgsårene \(years).")
            }
            return lines
        }
    }

    /// Why `before` cannot be used on `today` (a Danish sentence), or nil: a date after today would make
    /// records about visits still to come unreadable.
    public static func refusal(before: LocalDate, today: LocalDate) -> String? {
        before <= today ? nil
            : "\(before.iso) ligger efter i dag; nye registreringer ville blive ulæselige. Intet er slettet."
    }

    /// What stays after retention and what the lead must do, in Danish (shown before and after a run).
    public static let whatStays = "Loggen er uændret og kan stadig kontrolleres (konflikt verify): konvolutterne "
        + "(hvem der registrerede hvad og hvornår) bliver. Slet også gamle sikkerhedskopier af nøglefilerne."

    /// One sealed record as the scan sees it.
    struct Seen {
        var teamKeyIDs: [[UInt8]]
        var date: LocalDate?
        var screening: UUID?
    }

    /// The team key ids (kind 1 stanzas) of a sealed line; empty for a clear line.
    static func teamKeyIDs(_ line: [UInt8]) -> [[UInt8]] {
        line.withUnsafeBytes { raw in
            guard let (_, base64) = BodyCrypto.sealedRange(raw),
                  let blob = Data(base64Encoded: Data(UnsafeRawBufferPointer(rebasing: raw[base64]))), blob.count >= 3 else { return [] }
            let bytes = [UInt8](blob)
            let first = BodyCrypto.stanzaStart(mode: bytes[1])
            let count = Int(bytes[2])
            guard bytes.count >= first + count * BodyCrypto.stanzaLength else { return [] }
            return (0..<count).compactMap { index in
                let start = first + index * BodyCrypto.stanzaLength
                return bytes[start] == BodyRecipient.Kind.team.rawValue ? Array(bytes[(start + 1)..<(start + 9)]) : nil
            }
        }
    }

    /// The team keys (among `previous`) that are needed only for records with visit dates before
    /// `before`, and the ones kept with their count of later records. The current key is never destroyed.
    static func plan(directory: DataDirectory, current: Curve25519.KeyAgreement.PrivateKey,
                     previous: [Curve25519.KeyAgreement.PrivateKey], before: LocalDate) throws
        -> (destroy: [Curve25519.KeyAgreement.PrivateKey], kept: [String: Int], erased: Int) {
        let keys = BodyKeys(privateKeys: [current] + previous)
        var seen: [Seen] = []
        var visitOf: [UUID: LocalDate] = [:]
        let problems = try LogReader.forEachEvent(in: directory, keys: keys) { located in
            guard let line = LogReader.lineBytes(located.file, in: directory, offset: located.offset, length: located.length) else { return }
            let ids = teamKeyIDs(line)
            guard !ids.isEmpty else { return }
            let event = located.event
            let own = Timestamp.parse(event.timestamp).map { LocalDate.today(now: $0) }
            switch event.body {
            case .screening(let body):
                let date = body.visitDate ?? own
                if let date { visitOf[event.id] = max(visitOf[event.id] ?? date, date) }
                seen.append(Seen(teamKeyIDs: ids, date: date, screening: nil))
            case .correction(let body):
                let date = body.visitDate ?? own
                if let date { visitOf[body.screening] = max(visitOf[body.screening] ?? date, date) }
                seen.append(Seen(teamKeyIDs: ids, date: date, screening: body.screening))
            case .followup(let body):
                seen.append(Seen(teamKeyIDs: ids, date: own, screening: body.screening))
            case .access(let body):
                seen.append(Seen(teamKeyIDs: ids, date: own, screening: body.cases.first.flatMap { UUID(uuidString: $0) }))
            case .export:
                break
            }
        }
        var later: [[UInt8]: Int] = [:]
        var earlier: [[UInt8]: Int] = [:]
        for record in seen {
            // A follow-up, correction or access counts with its case's visit (the latest in force).
            let date = record.screening.flatMap { visitOf[$0] } ?? record.date
            for id in record.teamKeyIDs {
                if let date, date < before { earlier[id, default: 0] += 1 } else { later[id, default: 0] += 1 }
            }
        }
        // A sealed line none of the keys could read keeps every key (its date is unknown).
        let unreadable = problems.filter { if case .erasedBody = $0 { return false }; if case .noKeyForBody = $0 { return false }; return true }
        var destroy: [Curve25519.KeyAgreement.PrivateKey] = []
        var kept: [String: Int] = [:]
        var erased = 0
        for key in previous {
            let id = KeyFingerprint.keyID(key.publicKey)
            let fingerprint = KeyFingerprint.of(key.publicKey)
            if let count = later[id] { kept[fingerprint] = count; continue }
            if !unreadable.isEmpty { kept[fingerprint] = unreadable.count; continue }
            destroy.append(key)
            erased += earlier[id] ?? 0
        }
        return (destroy, kept, erased)
    }

    /// What `run` would do now, without destroying anything: the team keys it would destroy (with the
    /// records that become unreadable) and keep, and this device's years.
    public static func preview(before: LocalDate, directory: DataDirectory, config: ConfigDirectory,
                               team: (path: String, passphrase: [UInt8])?) throws -> Outcome {
        try prepare(before: before, directory: directory, config: config, team: team).outcome
    }

    /// The decisions of a run, made before anything is destroyed.
    private struct Prepared {
        var outcome = Outcome()
        var file: TeamKeyFile?
        var current: Curve25519.KeyAgreement.PrivateKey?
        var remaining: [Curve25519.KeyAgreement.PrivateKey] = []
    }

    private static func prepare(before: LocalDate, directory: DataDirectory, config: ConfigDirectory,
                                team: (path: String, passphrase: [UInt8])?) throws -> Prepared {
        var prepared = Prepared()
        if let team {
            let file = try TeamKeyFile.load(path: team.path)
            let keys = try file.openAll(passphrase: team.passphrase, path: team.path)
            let plan = try plan(directory: directory, current: keys.current, previous: keys.previous, before: before)
            let gone = Set(plan.destroy.map { KeyFingerprint.of($0.publicKey) })
            prepared.file = file
            prepared.current = keys.current
            prepared.remaining = keys.previous.filter { !gone.contains(KeyFingerprint.of($0.publicKey)) }
            prepared.outcome.lead = true
            prepared.outcome.keptTeamKeys = plan.kept
            prepared.outcome.teamKeys = gone.sorted()
            prepared.outcome.erasedRecords = plan.destroy.isEmpty ? 0 : plan.erased
        }
        prepared.outcome.deviceYears = DeviceYearKeys.load(config: config).keys.keys.filter { $0 < before.year }.sorted()
        return prepared
    }

    /// Destroys the lead's team keys that are needed only for visits before `before` (rewriting the key
    /// file at `team.path` without them, atomically) and this device's year keys before that year, the
    /// day's cached data key and the reader's case indexes in `state`.
    public static func run(before: LocalDate, directory: DataDirectory, config: ConfigDirectory, state: StateDirectory,
                           team: (path: String, passphrase: [UInt8])?, now: String) throws -> Outcome {
        let prepared = try prepare(before: before, directory: directory, config: config, team: team)
        var outcome = prepared.outcome
        if let team, let file = prepared.file, let current = prepared.current, !outcome.teamKeys.isEmpty {
            let retired = (file.retired ?? []) + outcome.teamKeys.map {
                TeamKeyFile.RetiredKey(fingerprint: $0, before: before.iso, destroyed: now)
            }
            let sealed = try TeamKeyFile.seal(current, passphrase: team.passphrase, previous: prepared.remaining, retired: retired)
            try sealed.replace(path: team.path)
        }
        outcome.deviceYears = try DeviceYearKeys.destroy(before: before.year, config: config)
        // The day's data key opens that day's bodies directly; it costs only a new key to drop it.
        unlink(config.file(BodySealer.fileName))
        // The case index holds derived data (answer bits, birth dates) of the forgotten records.
        if let names = try? FileManager.default.contentsOfDirectory(atPath: state.path) {
            for name in names where name.hasPrefix("sagsindeks-") && name.hasSuffix(".bin") { unlink(state.file(name)) }
        }
        return outcome
    }
}
