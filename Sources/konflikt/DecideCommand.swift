import ArgumentParser
import KonfliktCore

/// `konflikt decide`: answers JSON in, decision JSON out; nothing is written.
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Beregn anbefalingen for svar (JSON fra fil eller standard input); intet gemmes.")

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Fil med svar som JSON (udelades: standard input).")
    var answers: String?

    func run() throws {
        let input = try DecisionInput(formsOption: forms, answersPath: answers)
        try printDecision(input.decision)
    }
}
