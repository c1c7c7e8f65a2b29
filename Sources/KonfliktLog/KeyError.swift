import Foundation
import KonfliktCore

/// Everything that can go wrong with the team key, the device key, trust in the team key and the
/// passphrase, as one Danish sentence each. Most end with exit 77 (EX_NOPERM).
public enum KeyError: Error, Equatable, UserFacingError {
    /// The team's private key file is not where it was looked for.
    case teamKeyMissing(path: String)
    /// The passphrase does not open the team's private key.
    case wrongPassphrase(path: String)
    /// A key file exists but cannot be understood (damaged, or written by a newer version).
    case badKeyFile(path: String, reason: String)
    /// `team.json` exists but cannot be understood, or its fingerprint does not match its key.
    case badTeamFile(path: String, reason: String)
    /// The data folder has no `team.json` (for `team show` and `team trust`).
    case noTeamFile(path: String)
    /// The data folder has a team key that this device has not trusted yet.
    case untrustedTeamKey(shortFingerprint: String)
    /// `team.json` holds another key than the one this device trusted.
    case teamKeyChanged(trusted: String, found: String)
    /// This device trusted a team key, but the data folder's `team.json` is gone.
    case teamFileGone(path: String, trusted: String)
    /// `team trust` was given a fingerprint that is not the one in `team.json`.
    case fingerprintMismatch(given: String, found: String)
    /// `team trust` was given something that is not a fingerprint.
    case notAFingerprint
    /// `team init` found a team key already.
    case teamKeyExists(path: String)
    /// No passphrase could be read (no terminal and no `KONFLIKT_PASSPHRASE_FILE`).
    case passphraseUnavailable(reason: String)
    /// The new passphrase is too short.
    case passphraseTooShort(minimum: Int)
    /// The two entries of a new passphrase differ.
    case passphrasesDiffer
    /// A key file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The cryptographic library failed (should not happen; carries its description).
    case cryptoFailure(reason: String)
    /// A record for a visit year whose keys were destroyed under the retention rules.
    case retiredYear(year: Int)

    public var danishDescription: String {
        switch self {
        case .teamKeyMissing(let path):
            return "Teamnøglen findes ikke i \(path). Den private teamnøgle ligger kun hos den faglige leder; angiv den med --key-file."
        case .wrongPassphrase(let path):
            return "Forkert adgangssætning til teamnøglen \(path). Prøv igen; nøglen er ikke ændret."
        case .badKeyFile(let path, let reason):
            return "Nøglefilen \(path) kan ikke bruges: \(reason)."
        case .badTeamFile(let path, let reason):
            return "Teamfilen \(path) kan ikke bruges: \(reason). Intet er gemt."
        case .noTeamFile(let path):
            return "Datamappen har ingen teamnøgle (\(path) findes ikke). Den faglige leder opretter den med konflikt team init."
        case .untrustedTeamKey(let short):
            return "Datamappen har en teamnøgle med fingeraftrykket \(short), som denne computer ikke har godkendt. Intet er gemt. Sammenlign fingeraftrykket med den faglige leders (konflikt team show hos lederen), og kør så konflikt team trust med det fingeraftryk, lederen læser op."
        case .teamKeyChanged(let trusted, let found):
            return "team.json indeholder en anden teamnøgle (\(found)) end den, denne computer har godkendt (\(trusted)). Der krypteres aldrig til en ny nøgle uden godkendelse. Intet er gemt; kontakt den faglige leder."
        case .teamFileGone(let path, let trusted):
            return "Denne computer har godkendt teamnøglen \(trusted), men \(path) findes ikke. Intet er gemt, så intet skrives ukrypteret; kontakt den faglige leder."
        case .fingerprintMismatch(let given, let found):
            return "Fingeraftrykket \(given) passer ikke til teamnøglen i datamappen (\(found)). Intet er godkendt; kontakt den faglige leder."
        case .notAFingerprint:
            return "Et fingeraftryk er 64 hextegn, eller den korte form med mindst 24 hextegn (fx 3f2a-91bc-0d4e-77a1-c2e9-5b10)."
        case .teamKeyExists(let path):
            return "Der findes allerede en teamnøgle (\(path)). En ny nøgle ville gøre de gamle registreringer ulæselige for teamet; intet er ændret."
        case .passphraseUnavailable(let reason):
            return "Kan ikke læse adgangssætningen: \(reason). Kør kommandoen i en terminal, eller angiv en fil med KONFLIKT_PASSPHRASE_FILE."
        case .passphraseTooShort(let minimum):
            return "Adgangssætningen skal have mindst \(minimum) tegn."
        case .passphrasesDiffer:
            return "De to adgangssætninger er ikke ens. Intet er gemt."
        case .cannotWrite(let path, let reason):
            return "Kan ikke gemme \(path): \(reason)."
        case .cryptoFailure(let reason):
            return "Krypteringen fejlede: \(reason). Intet er gemt."
        case .retiredYear(let year):
            return "Nøglerne til besøg i \(year) er destrueret efter reglerne for opbevaring; en registrering for et besøg i \(year) kan ikke gemmes. Intet er gemt."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .teamKeyExists, .noTeamFile: return ExitStatus.dataError
        case .notAFingerprint, .passphraseTooShort, .passphrasesDiffer: return ExitStatus.usage
        case .retiredYear: return ExitStatus.dataError
        case .cannotWrite: return ExitStatus.ioError
        default: return ExitStatus.noPermission
        }
    }
}
