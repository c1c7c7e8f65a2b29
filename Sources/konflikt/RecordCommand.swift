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

    @Option(name: .long, help: "Dine initialer (ellers de gemte, ellers svaret 'sundhedsplejerske').")
    var author: String?

    func run() throws {
        let input = try DecisionInput(formsOption: forms, answersPath: answers)
        var fallbackAuthor: String?
        if case .string(let initials)? = input.answers["sundhedsplejerske"] { fallbackAuthor = initials }
        let context = try LogContext(dataOption: data, authorOption: author, fallbackAuthor: fallbackAuthor)
        let body = ScreeningBody(form: input.form.id, formVersion: input.form.version,
                                 formFingerprint: input.form.fingerprint, answers: input.answers,
                                 decision: input.decision, visitDate: visitDate(input.answers), override: nil)
        var result: AppendResult?
        try reportingErrors { result = try context.append(.screening(body)) }
        guard let result else { throw ExitCode(ExitStatus.ioError) }
        try printDecision(input.decision, id: result.id)
    }
}

/// The visit date answer, when the form has one.
func visitDate(_ answers: Answers) -> LocalDate? {
    if case .string(let text)? = answers["besoegsdato"] { return LocalDate(iso: text) }
    return nil
}
