import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// Wiring shared by the commands that append to the log: the data directory, this device's writer
/// and the author's initials (`--author`, else the saved settings).
struct LogContext {
    let directory: DataDirectory
    let writer: LogWriter
    let author: String

    init(dataOption: String?, authorOption: String?, fallbackAuthor: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        directory = DataDirectory.resolve(option: dataOption, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        guard let author = (authorOption ?? Settings.load(config: config).initials ?? fallbackAuthor)?
            .trimmingCharacters(in: .whitespaces), !author.isEmpty else {
            printError("Angiv dine initialer med --author (eller gem dem i indstillingerne).")
            throw ExitCode(ExitStatus.usage)
        }
        self.author = try validInitials(author, option: authorOption != nil ? "--author" : "Initialerne")
        do { writer = try LogWriter.forDevice(directory: directory, config: config) } catch {
            printError(error.danishDescription)
            throw ExitCode(error.exitCode)
        }
    }

    /// Appends `body`, prints recovery warnings on standard error, and returns the result.
    func append(_ body: EventBody, visitDate: LocalDate? = nil) throws(LogError) -> AppendResult {
        let result = try writer.append(body, author: author, visitDate: visitDate)
        for warning in result.warnings { printError(warning) }
        return result
    }
}
