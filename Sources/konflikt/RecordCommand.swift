import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt record`: answers JSON in → decision → appended to this device's log.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Beregn anbefalingen for svar (JSON fra fil eller standard input) og gem screeningen i loggen.")

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Fil med svar som JSON (udelades: standard input).")
    var answers: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .long, help: "Dine initialer (ellers de gemte, ellers svaret på formularens author-spørgsmål).")
    var author: String?

    func run() throws {
        let input = try DecisionInput(formsOption: forms, answersPath: answers)
        let fallbackAuthor = input.form.text(role: .author, in: input.answers)
        let context = try LogContext(dataOption: data, authorOption: author, fallbackAuthor: fallbackAuthor)
        var decision = input.decision
        decision.warnings += EarlierVisits.warnings(form: input.form, directory: context.directory, answers: input.answers)
        let body = ScreeningBody(form: input.form.id, formVersion: input.form.version,
                                 formFingerprint: input.form.fingerprint, answers: input.answers,
                                 decision: decision, visitDate: input.form.visitDate(in: input.answers),
                                 override: input.override.map { Override(actions: $0.actions, reason: $0.reason) })
        var result: AppendResult?
        try reportingErrors { result = try context.append(.screening(body)) }
        guard let result else { throw ExitCode(ExitStatus.ioError) }
        try printDecision(decision, id: result.id)
    }
}

