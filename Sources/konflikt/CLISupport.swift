import ArgumentParser
import Foundation
import KonfliktCore

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

/// Reads sensitive input (answers JSON, notes) from `path`, or from standard input when `path` is
/// nil or "-". Such input never comes from a command-line argument.
func readInput(path: String?) throws -> Data {
    if let path, path != "-" {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("Kan ikke læse filen \(path).")
            throw ExitCode(ExitStatus.ioError)
        }
        return data
    }
    return FileHandle.standardInput.readDataToEndOfFile()
}
