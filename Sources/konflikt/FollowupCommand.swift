import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// `konflikt followup ID --action A --status S [--note-file F]`: records what was done about a flagged
/// action; the note comes from a file or standard input, never from an argument.
struct FollowupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup",
        abstract: "Registrér opfølgning på en markeret handling i en screening.",
        discussion: "Noten læses fra --note-file eller standard input, aldrig fra et argument.")

    @Argument(help: "Screeningens id.")
    var id: String

    @Option(name: .long, help: "Handlingens id, fx underretning.")
    var action: String

    @Option(name: .long, help: "En af handlingens statusser i formularen, fx udfoert, afvist, ikke_relevant, eller for gruppeforløbet kontakt_givet, startet, gennemfoert.")
    var status: String

    @Option(name: .long, help: "Datoen (ÅÅÅÅ-MM-DD); i dag hvis udeladt.")
    var date: String?

    @Option(name: .long, help: "Fil med en kort note (ellers standard input, når den ikke er en terminal).")
    var noteFile: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .customLong("key-file"), help: "Teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Dine initialer.")
    var author: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    func run() throws {
        guard let screening = UUID(uuidString: id) else { throw usage("\"\(id)\" er ikke et gyldigt id.") }
        guard !status.isEmpty, status.utf8.count <= 64,
              status.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }) else {
            throw usage("Status skal være et status-id fra formularen, fx udfoert (kun a-z, 0-9, _ og -).")
        }
        let today = try resolvedToday()
        var day = today
        if let date {
            guard let parsed = LocalDate(iso: date) ?? LocalDate(danish: date) else {
                throw usage("Datoen \"\(date)\" er ugyldig; brug ÅÅÅÅ-MM-DD.")
            }
            day = parsed
        }
        var text = ""
        if noteFile != nil || isatty(0) == 0 {
            text = String(decoding: try readInput(path: noteFile, limit: 4 * InputLimits.noteCharacters), as: UTF8.self)
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        try checkNoteLength(text, what: "Noten")
        let context = try LogContext(dataOption: data, authorOption: author)
        try reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            let form = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
            var store = try CaseReading.open(directory: context.directory, form: form, keyFile: keyFile, scope: .open)
            guard let found = try store.details(screening, today: today) else {
                printError("Der findes ingen screening med id \(id) i \(context.directory.path).")
                throw ExitCode(ExitStatus.dataError)
            }
            let body = FollowupBody(screening: screening, action: action, status: status, date: day, note: text)
            // The same rule as the review screen: one of the action's statuses in the form, a date
            // between the visit and today, a note where the status needs one and for a second
            // follow-up on a closed action.
            if let problem = FollowupCheck.problem(body, on: found, today: today, form: form) {
                if case .note = problem {
                    printError(problem.message + " Giv noten med --note-file eller på standard input.")
                    throw ExitCode(ExitStatus.dataError)
                }
                printError(problem.message)
                throw ExitCode(ExitStatus.dataError)
            }
            let result = try context.append(.followup(body), visitDate: found.visitDate)
            print("Opfølgning gemt (\(action): \(form.statusShortLabel(status, action: action))), id \(result.id.uuidString.lowercased()).")
        }
    }

    private func usage(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(ExitStatus.usage)
    }
}
