import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// `konflikt correct ID [--answers F] [--reason-file F]`: new answers for an earlier screening,
/// re-decided and appended as a correction; the original stays in the log. The reason is free text, so
/// it comes from a file or standard input, never from an argument (process list, shell history).
struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Ret svarene i en tidligere screening (nye svar som JSON fra fil eller standard input).")

    @Argument(help: "Screeningens id.")
    var id: String

    @Option(name: .long, help: "Fil med begrundelsen for rettelsen (ellers standard input, når svarene kommer fra --answers).")
    var reasonFile: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Fil med de rettede svar som JSON (udelades: standard input).")
    var answers: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .customLong("key-file"), help: "Teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Dine initialer.")
    var author: String?

    func run() throws {
        guard let screening = UUID(uuidString: id) else {
            printError("\"\(id)\" er ikke et gyldigt id.")
            throw ExitCode(ExitStatus.usage)
        }
        let reasonSource: String?
        switch (reasonFile, answers) {
        case (let file?, _): reasonSource = file
        case (nil, let answersFile?) where answersFile != "-": reasonSource = nil
        default:
            printError("Begrundelsen læses fra --reason-file eller standard input. Når svarene kommer på standard input, skal begrundelsen komme fra --reason-file.")
            throw ExitCode(ExitStatus.usage)
        }
        if reasonSource == "-", answers == nil || answers == "-" {
            printError("Svarene og begrundelsen kan ikke begge komme fra standard input; brug --answers eller --reason-file.")
            throw ExitCode(ExitStatus.usage)
        }
        let why = String(decoding: try readInput(path: reasonSource), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else {
            printError("Angiv en begrundelse for rettelsen (i --reason-file eller på standard input).")
            throw ExitCode(ExitStatus.usage)
        }
        try checkNoteLength(why, what: "Begrundelsen")
        let input = try DecisionInput(formsOption: forms, answersPath: answers)
        let context = try LogContext(dataOption: data, authorOption: author)
        try reportingErrors {
            var store = try CaseReading.open(directory: context.directory, form: input.form, keyFile: keyFile, scope: .open)
            guard let found = try store.details(screening, today: try resolvedToday()) else {
                printError("Der findes ingen screening med id \(id) i \(context.directory.path).")
                throw ExitCode(ExitStatus.dataError)
            }
            // An earlier override stays in force unless the correction brings a new one; it may not
            // remove an action the corrected answers make mandatory.
            if input.override == nil, let earlier = found.override {
                do throws(OverrideRefusal) {
                    _ = try input.form.checkOverride(actions: earlier.actions, reason: earlier.reason, decision: input.decision)
                } catch {
                    printError("Den tidligere tilsidesættelse kan ikke stå med de rettede svar: \(error.danishDescription) "
                               + "Angiv en ny \"override\" i svarene.")
                    throw ExitCode(error.exitCode)
                }
            }
            let body = CorrectionBody(screening: screening, answers: input.answers, decision: input.decision,
                                      visitDate: input.form.visitDate(in: input.answers),
                                      override: input.override.map { Override(actions: $0.actions, reason: $0.reason) },
                                      reason: why.precomposedStringWithCanonicalMapping)
            let result = try context.append(.correction(body))
            try printDecision(input.decision, id: result.id)
        }
    }
}
