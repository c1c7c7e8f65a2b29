import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// Opening the case index for a command: the reader's state folder, the form, and the index's
/// warnings printed on standard error.
enum CaseReading {
    /// Opens the case index of `directory` for `form`; a data folder that does not exist is an error (74).
    static func open(directory: DataDirectory, form: Form) throws -> CaseStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("Datamappen \(directory.path) findes ikke.")
            throw ExitCode(ExitStatus.ioError)
        }
        let state = StateDirectory.resolve(environment: ProcessInfo.processInfo.environment)
        let store = try CaseStore.open(directory: directory, state: state, form: form)
        for warning in store.warnings { printError(warning) }
        return store
    }

    /// As `open`, loading the form from `formsOption`.
    static func open(directory: DataDirectory, formsOption: String?) throws -> CaseStore {
        let environment = ProcessInfo.processInfo.environment
        let form = try FormLoader.loadForm(directory: FormLocator.resolve(option: formsOption, environment: environment))
        return try open(directory: directory, form: form)
    }
}
