import ArgumentParser
import Foundation
import KonfliktCore

/// Loads the form named by answers JSON, validates the answers and decides: the steps `decide`,
/// `record` and `correct` share.
struct DecisionInput {
    let form: Form
    /// The answers that count (answers to hidden questions dropped).
    let answers: Answers
    let decision: Decision
    let today: LocalDate
    /// The override in the answers JSON, checked against the decision (a mandatory rule's action
    /// cannot be removed): the chosen actions in severity order and the reason.
    let override: (actions: [String], reason: String)?

    /// Reads answers JSON from `answersPath` (or stdin), loads its form from the forms folder,
    /// and rejects invalid answers with one line per problem (exit 65).
    init(formsOption: String?, answersPath: String?) throws {
        let environment = ProcessInfo.processInfo.environment
        let data = try readInput(path: answersPath)
        let directory = FormLocator.resolve(option: formsOption, environment: environment)
        let today = try resolvedToday(environment)
        self.today = today
        var loaded: (Form, Answers, OverrideInput?)?
        try reportingErrors {
            let input = try ScreeningInput.parse(data)
            let form = try FormLoader.loadForm(id: input.form, directory: directory)
            let problems = form.validate(input.answers, today: today)
            guard problems.isEmpty else { throw InputError.invalidAnswers(problems) }
            loaded = (form, input.answers, input.override)
        }
        guard let (form, submitted, overrideInput) = loaded else { throw ExitCode(ExitStatus.dataError) }
        self.form = form
        let decision = form.decide(submitted, today: today)
        self.decision = decision
        answers = form.relevantAnswers(submitted, today: today).answers
        var checked: (actions: [String], reason: String)?
        if let overrideInput {
            try checkNoteLength(overrideInput.reason, what: "Begrundelsen for tilsidesættelsen")
            try reportingErrors {
                let actions = try form.checkOverride(actions: overrideInput.actions, reason: overrideInput.reason, decision: decision)
                checked = (actions, overrideInput.reason.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        override = checked
    }
}

/// Prints a decision as the decision JSON of DESIGN.md, with the new event's `id` when given.
func printDecision(_ decision: Decision, id: UUID? = nil) throws {
    struct Output: Encodable {
        let id: String?
        let decision: Decision
        func encode(to encoder: Encoder) throws {
            try decision.encode(to: encoder)
            if let id {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(id, forKey: .id)
            }
        }
        enum Key: String, CodingKey { case id }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
    let data = try encoder.encode(Output(id: id?.uuidString.lowercased(), decision: decision))
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}
