import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// Writes `message` to standard error as one line prefixed with the program name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("konflikt: \(maskCPR(message))\n".utf8))
}

/// Runs `body`, turning a `UserFacingError` into its Danish message on standard error and its
/// exit code, so every command reports errors the same way.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as UserFacingError {
        printError(error.danishDescription)
        throw ExitCode(error.exitCode)
    }
}

/// Today (`KONFLIKT_TODAY` or the date); a `KONFLIKT_TODAY` that is not a date ends the command with exit 64.
func resolvedToday(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LocalDate {
    do {
        return try Today.resolve(environment: environment)
    } catch {
        printError(error.danishDescription)
        throw ExitCode(error.exitCode)
    }
}

/// Reads sensitive input (answers JSON, notes) from `path`, or from standard input when `path` is
/// nil or "-". Such input never comes from a command-line argument. At most `limit` bytes are read:
/// longer input (even endless input such as /dev/zero) ends the command with exit 65 before anything
/// is stored.
func readInput(path: String?, limit: Int = InputLimits.answersBytes) throws -> Data {
    let handle: FileHandle
    if let path, path != "-" {
        guard let opened = FileHandle(forReadingAtPath: path) else {
            printError("Kan ikke læse filen \(path).")
            throw ExitCode(ExitStatus.ioError)
        }
        handle = opened
    } else {
        handle = FileHandle.standardInput
    }
    defer { if handle !== FileHandle.standardInput { try? handle.close() } }
    var data = Data()
    do {
        while data.count <= limit, let chunk = try handle.read(upToCount: min(1 << 16, limit + 1 - data.count)), !chunk.isEmpty {
            data += chunk
        }
    } catch {
        printError("Kan ikke læse \(path ?? "standard input").")
        throw ExitCode(ExitStatus.ioError)
    }
    guard data.count <= limit else {
        printError(InputError.tooLarge(limit: limit).danishDescription)
        throw ExitCode(ExitStatus.dataError)
    }
    return data
}

/// Initials from `--author` or the saved settings, upper-cased; exits 64 when they are not 2–4
/// letters (A–Å), so that nothing else can be stored or shown as an author.
func validInitials(_ text: String, option: String = "--author") throws -> String {
    guard let initials = Initials.normalized(text) else {
        printError("\(option): \(Initials.problem)")
        throw ExitCode(ExitStatus.usage)
    }
    return initials
}

/// Refuses a note or reason longer than `InputLimits.noteCharacters` (exit 65, nothing stored).
func checkNoteLength(_ text: String, what: String) throws {
    guard text.count <= InputLimits.noteCharacters else {
        printError(InputError.textTooLong(what: what, limit: InputLimits.noteCharacters).danishDescription)
        throw ExitCode(ExitStatus.dataError)
    }
}

/// The same as `warnAboutDataFolder`, as lines for a screen (the review's warnings).
func folderWarnings(_ directory: DataDirectory) -> [String] {
    directory.skippedEntries().map { entry -> String in
        switch entry {
        case .symbolicLink(let path):
            return maskCPR("\((path as NSString).lastPathComponent) i datamappen er et symbolsk link og springes over; kør konflikt verify.")
        case .notRegularFile(let path, let kind):
            return maskCPR("\((path as NSString).lastPathComponent) i datamappen er \(kind) og springes over; kør konflikt verify.")
        default:
            return maskCPR(entry.danishDescription)
        }
    } + directory.inspect().accessProblems.map { "Advarsel: \($0.danishDescription) Kør konflikt verify." }
}

/// What a reading command (review --list, export) says about the data folder before it reads:
/// every `*.jsonl` name that is not a regular file (skipped; the command ends with exit 1 after doing
/// its work) and loose permissions or foreign owners (a warning). Returns whether anything was skipped.
func warnAboutDataFolder(_ directory: DataDirectory) -> Bool {
    let skipped = directory.skippedEntries()
    for entry in skipped { printError(entry.danishDescription) }
    for problem in directory.inspect().accessProblems { printError("Advarsel: \(problem.danishDescription) Kør konflikt verify.") }
    return !skipped.isEmpty
}
