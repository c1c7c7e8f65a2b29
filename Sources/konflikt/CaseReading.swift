import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// Opening the case index for a command: the reader's state folder, the form, and the index's
/// warnings printed on standard error.
enum CaseReading {
    /// The keys for reading `directory`: nil in a folder without a team key; else the lead's team key
    /// (passphrase from `KONFLIKT_PASSPHRASE_FILE` or the terminal) and this device's key. Without them:
    /// a Danish message and exit 77, before anything is read.
    static func keys(directory: DataDirectory, keyFile: String?) throws -> BodyKeys? {
        try keysAndApprover(directory: directory, keyFile: keyFile)?.keys
    }

    /// As `keys`, also keeping the team key for approving devices and the passphrase for retention (the
    /// review screen: asked once, before the screen opens).
    static func keysAndApprover(directory: DataDirectory, keyFile: String?) throws
        -> (keys: BodyKeys, approver: LeadApprover, passphrase: [UInt8])? {
        let environment = ProcessInfo.processInfo.environment
        do {
            guard try TeamFile.load(directory: directory) != nil else { return nil }
            let config = ConfigDirectory.resolve(environment: environment)
            // A missing or damaged key file is said before the passphrase is asked for.
            _ = try TeamKeyFile.load(path: KeyRing.teamKeyPath(keyFile: keyFile, config: config))
            let passphrase = try Passphrase.read(prompt: "Adgangssætning til teamnøglen: ", environment: environment)
            let lead = try KeyRing.leadWithApprover(keyFile: keyFile, config: config,
                                                    passphrase: passphrase, directory: directory)
            return (lead.keys, lead.approver, passphrase)
        } catch {
            printError(error.danishDescription)
            throw ExitCode(error.exitCode)
        }
    }

    /// Opens the case index of `directory` for `form`; a data folder that does not exist is an error (74).
    /// `scope` `.open` reads the open flagged cases first and the rest of a saved index only when needed
    /// (the list, and commands about one case, which is most often an open one).
    /// In a folder with a team key the team key is needed (see `keys`).
    static func open(directory: DataDirectory, form: Form, keyFile: String? = nil, scope: IndexScope = .all) throws -> CaseStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("Datamappen \(directory.path) findes ikke.")
            throw ExitCode(ExitStatus.ioError)
        }
        let keys = try keys(directory: directory, keyFile: keyFile)
        let state = StateDirectory.resolve(environment: ProcessInfo.processInfo.environment)
        let store = try CaseStore.open(directory: directory, state: state, form: form, keys: keys, scope: scope)
        for warning in store.warnings { printError(warning) }
        return store
    }

    /// As `open`, loading the form from `formsOption`.
    static func open(directory: DataDirectory, formsOption: String?, keyFile: String? = nil,
                     scope: IndexScope = .all) throws -> CaseStore {
        let environment = ProcessInfo.processInfo.environment
        let form = try FormLoader.loadForm(directory: FormLocator.resolve(option: formsOption, environment: environment))
        return try open(directory: directory, form: form, keyFile: keyFile, scope: scope)
    }
}
