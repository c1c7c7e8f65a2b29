import Foundation
import KonfliktCore

/// Everything that can go wrong while reading, writing or locating the log, as one Danish sentence
/// each. An append that ends in an error was not saved.
public enum LogError: Error, Equatable, UserFacingError {
    /// The data directory could not be created or is not a directory.
    case dataDirectoryUnavailable(path: String, reason: String)
    /// The configuration directory (device id, settings) could not be created or written.
    case configUnavailable(path: String, reason: String)
    /// A file could not be opened.
    case openFailed(path: String, reason: String)
    /// A file could not be read.
    case readFailed(path: String, reason: String)
    /// The line could not be written completely (disk full, file size limit, I/O error).
    case writeFailed(path: String, reason: String)
    /// `fsync` failed: the operating system did not confirm that the line is on disk.
    case syncFailed(path: String, reason: String)
    /// The file could not be locked.
    case lockFailed(path: String, reason: String)
    /// The unterminated last line could not be moved to quarantine.
    case quarantineFailed(path: String, reason: String)
    /// An event could not be turned into JSON.
    case encodingFailed(reason: String)
    /// A line is not valid JSON or not a valid event.
    case badEvent(file: String, line: Int, reason: String)
    /// A line is not valid UTF-8.
    case notUTF8(file: String, line: Int)
    /// A line has an event type this version does not know.
    case unknownEventType(file: String, line: Int, type: String)
    /// A line was written by a newer version of the program.
    case unsupportedVersion(file: String, line: Int, version: Int)
    /// A line carries an encrypted body and no key was given to open it.
    case encryptedBody(file: String, line: Int)
    /// A line carries an encrypted body that none of the given keys can open.
    case noKeyForBody(file: String, line: Int)
    /// An encrypted body does not match its envelope or is damaged (tampering, or a broken file).
    case damagedBody(file: String, line: Int)
    /// A body sealed in authenticated mode that does not open with its sender's key, or whose key is
    /// approved for another device: a changed envelope, or a record sealed again by another device.
    case unauthenticBody(file: String, line: Int)
    /// A body whose keys were all destroyed under the retention rules (`konflikt retention`).
    case erasedBody(file: String, line: Int)
    /// A key problem stopped the append (untrusted or changed team key, unreadable key file).
    case keys(KeyError)
    /// A heads file given to `verify --against` could not be read.
    case badHeadsFile(path: String, reason: String)
    /// Demo data is only written into a data directory without log files.
    case demoDataNeedsEmptyDirectory(path: String)
    /// A `*.jsonl` name in the data directory is a symbolic link; it is neither read nor written through.
    case symbolicLink(path: String)
    /// A `*.jsonl` name in the data directory is not a regular file (a folder, a FIFO, a device, a socket).
    case notRegularFile(path: String, kind: String)
    /// An event line would be longer than the log accepts (`LogWriter.maximumLineBytes`); nothing was written.
    case eventTooLarge(bytes: Int, limit: Int)

    public var danishDescription: String {
        switch self {
        case .dataDirectoryUnavailable(let path, let reason):
            return "Datamappen \(path) kan ikke bruges: \(reason)."
        case .configUnavailable(let path, let reason):
            return "Indstillingsmappen \(path) kan ikke bruges: \(reason)."
        case .openFailed(let path, let reason):
            return "Kan ikke åbne \(path): \(reason). Intet er gemt."
        case .readFailed(let path, let reason):
            return "Kan ikke læse \(path): \(reason)."
        case .writeFailed(let path, let reason):
            return "Kunne ikke skrive til \(path): \(reason). Registreringen er IKKE gemt."
        case .syncFailed(let path, let reason):
            return "Disken bekræftede ikke skrivningen til \(path): \(reason). Registreringen er IKKE gemt."
        case .lockFailed(let path, let reason):
            return "Kan ikke låse \(path): \(reason). Registreringen er IKKE gemt."
        case .quarantineFailed(let path, let reason):
            return "Kan ikke flytte den ufuldstændige sidste linje i \(path) i karantæne: \(reason). Registreringen er IKKE gemt."
        case .encodingFailed(let reason):
            return "Hændelsen kunne ikke laves om til JSON: \(reason). Registreringen er IKKE gemt."
        case .badEvent(let file, let line, let reason):
            return "\(file) linje \(line): ugyldig hændelse (\(reason))."
        case .notUTF8(let file, let line):
            return "\(file) linje \(line): linjen er ikke gyldig UTF-8."
        case .unknownEventType(let file, let line, let type):
            return "\(file) linje \(line): ukendt hændelsestype \"\(type)\"; opdatér konflikt."
        case .unsupportedVersion(let file, let line, let version):
            return "\(file) linje \(line): formatversion \(version) er skrevet af en nyere konflikt; opdatér programmet."
        case .encryptedBody(let file, let line):
            return "\(file) linje \(line): hændelsen er krypteret og kan kun læses med teamnøglen (eller af den enhed, der skrev den)."
        case .noKeyForBody(let file, let line):
            return "\(file) linje \(line): hændelsen er krypteret til en anden nøgle end dem, der er indlæst."
        case .damagedBody(let file, let line):
            return "\(file) linje \(line): den krypterede hændelse er beskadiget eller passer ikke til sin kuvert."
        case .unauthenticBody(let file, let line):
            return "\(file) linje \(line): hændelsen kan ikke godkendes: den er ikke skrevet med nøglen til enheden i kuverten, eller kuverten er ændret."
        case .erasedBody(let file, let line):
            return "\(file) linje \(line): indholdet er slettet efter reglerne for opbevaring (nøglen er destrueret)."
        case .keys(let error):
            return error.danishDescription
        case .badHeadsFile(let path, let reason):
            return "Filen med tidligere hoveder \(path) kan ikke læses: \(reason)."
        case .demoDataNeedsEmptyDirectory(let path):
            return "\(path) indeholder allerede logfiler. Demodata skrives kun i en tom datamappe, så de aldrig blandes med rigtige screeninger."
        case .symbolicLink(let path):
            return "\(path) er et symbolsk link; logfiler læses og skrives aldrig gennem et link. Kør konflikt verify."
        case .notRegularFile(let path, let kind):
            return "\(path) er \(kind), ikke en almindelig fil, og springes over. Kør konflikt verify."
        case .eventTooLarge(let bytes, let limit):
            return "Hændelsen er for stor (\(bytes) byte; højst \(limit)). Registreringen er IKKE gemt."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .badEvent, .notUTF8, .unknownEventType, .unsupportedVersion, .badHeadsFile,
             .demoDataNeedsEmptyDirectory, .damagedBody, .eventTooLarge:
            return ExitStatus.dataError
        case .encryptedBody, .noKeyForBody:
            return ExitStatus.noPermission
        case .keys(let error):
            return error.exitCode
        case .unauthenticBody:
            return ExitStatus.dataError
        case .erasedBody:
            return ExitStatus.noPermission
        default:
            return ExitStatus.ioError
        }
    }
}

extension LogError {
    /// Writing `path` failed with `errno` code `code`.
    public static func writeFailed(path: String, errno code: Int32) -> LogError {
        .writeFailed(path: path, reason: systemReason(code))
    }
}

/// The system's description of `errno` code `code`, e.g. "No space left on device".
func systemReason(_ code: Int32) -> String {
    switch code {
    case ENOSPC: return "disken er fuld"
    case EFBIG: return "filen har nået den tilladte størrelse"
    case EIO: return "fejl i ind- og udlæsning (EIO)"
    case EACCES, EPERM: return "adgang nægtet"
    case ENOENT: return "findes ikke"
    case ENOTDIR: return "en del af stien er ikke en mappe"
    case EROFS: return "filsystemet er skrivebeskyttet"
    case EDQUOT: return "diskkvoten er opbrugt"
    default: return String(cString: strerror(code))
    }
}
