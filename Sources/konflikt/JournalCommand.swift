import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// `konflikt journal ID`: the journal note of a saved screening (with its latest correction and
/// override), to copy into the municipality's journal system.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Skriv journalnotatet for en gemt screening.")

    @Argument(help: "Screeningens id.")
    var id: String

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    func run() throws {
        guard let screening = UUID(uuidString: id) else {
            printError("\"\(id)\" er ikke et gyldigt id.")
            throw ExitCode(ExitStatus.usage)
        }
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        let formsDirectory = FormLocator.resolve(option: forms, environment: environment)
        try reportingErrors {
            var form = try FormLoader.loadForm(directory: formsDirectory)
            var store = try CaseReading.open(directory: directory, form: form, scope: .open)
            guard let found = try store.details(screening, today: try resolvedToday(environment)) else {
                printError("Der findes ingen screening med id \(id) i \(directory.path).")
                throw ExitCode(ExitStatus.dataError)
            }
            if found.form != form.id { form = try FormLoader.loadForm(id: found.form, directory: formsDirectory) }
            if form.version != found.formVersion {
                printError("advarsel: screeningen er lavet med version \(found.formVersion) af formularen; teksterne er fra version \(form.version).")
            }
            let note = JournalNote.text(form: form, answers: found.answers, decision: found.decision,
                                        override: found.override.map { ($0.actions, $0.reason) })
            FileHandle.standardOutput.write(Data(note.utf8))
        }
    }
}
