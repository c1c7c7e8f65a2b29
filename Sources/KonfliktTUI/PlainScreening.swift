import Foundation
import KonfliktCore

/// The guided form as numbered line-by-line prompts without curses (`konflikt screen --plain`),
/// for screen readers and scripts. Same questions, relevance, validation, summary and save as
/// `FormScreen`. Input ending before the save throws `TUIError.inputEnded`, and nothing is saved.
public struct PlainScreening {
    /// The form.
    public let model: any ScreeningModel
    /// Today's date (the default for date questions).
    public let today: LocalDate
    /// Reads one line (without its newline); nil at end of input.
    public let readLine: () -> String?
    /// Writes text (lines end with "\n").
    public let write: (String) -> Void

    /// Creates the runner.
    public init(model: any ScreeningModel, today: LocalDate, readLine: @escaping () -> String?,
                write: @escaping (String) -> Void) {
        self.model = model
        self.today = today
        self.readLine = readLine
        self.write = write
    }

    /// Asks every shown question, prints the summary, asks for confirmation and calls `save`.
    /// Returns the saved submission, or nil when the user declined to save.
    public func run(save: (ScreeningSubmission) throws -> Void) throws -> ScreeningSubmission? {
        var answers: Answers = [:]
        var number = 0
        for (stepNumber, step) in model.steps.enumerated() {
            write("\n== Trin \(stepNumber + 1) af \(model.steps.count): \(step.title) ==\n")
            for question in step.questions {
                guard model.isShown(question.id, answers: answers) else {
                    if let reason = model.hiddenReason(question.id, answers: answers) { write("(\(reason))\n") }
                    continue
                }
                number += 1
                if let answer = try ask(question, number: number, answers: answers) {
                    answers[question.id] = answer
                } else {
                    answers.removeValue(forKey: question.id)
                }
            }
        }
        let relevant = model.relevantAnswers(answers)
        var decision = model.decide(relevant, today: today)
        decision.warnings += model.contextWarnings(answers: relevant)
        var override: (actions: [String], reason: String)?
        printSummary(relevant, decision: decision, override: override)
        while true {
            write("Gem screeningen? (j = gem, n = gem ikke, t = tilsidesæt anbefalingen\(override == nil ? "" : ", f = fjern tilsidesættelsen"))\n> ")
            guard let line = readLine() else { throw TUIError.inputEnded }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "j", "ja":
                let submission = ScreeningSubmission(answers: relevant, decision: decision,
                                                     overrideActions: override?.actions, overrideReason: override?.reason)
                try save(submission)
                write("Gemt.\n")
                for guidance in model.guidance(for: submission.finalActions, decision: decision) {
                    for instruction in guidance.instructions { write("\(guidance.label): \(instruction)\n") }
                    for info in guidance.familyInfo { write("Til familien: \(info)\n") }
                    if !guidance.resources.isEmpty {
                        write("Hjælp: \(guidance.resources.map(\.contactLine).joined(separator: "; "))\n")
                    }
                }
                if let note = model.journalNote(answers: relevant, decision: decision, overrideActions: override?.actions,
                                                overrideReason: override?.reason) {
                    write("\n== Journalnotat ==\n\(note)")
                }
                return submission
            case "n", "nej":
                write("Ikke gemt.\n")
                return nil
            case "t":
                if let chosen = try askOverride(decision: decision) {
                    override = chosen
                    printSummary(relevant, decision: decision, override: override)
                }
            case "f" where override != nil:
                override = nil
                write("Tilsidesættelsen er fjernet; anbefalingen gælder.\n")
            default:
                write("Svar j, n eller t.\n")
            }
        }
    }

    private func printSummary(_ relevant: Answers, decision: Decision, override: (actions: [String], reason: String)?) {
        write("\n== Opsummering ==\n")
        for banner in model.banners(for: override?.actions ?? decision.actions) { write("!!! \(banner)\n") }
        for question in model.allQuestions {
            if let answer = relevant[question.id] { write("- \(question.text) \(question.display(answer))\n") }
        }
        write("Anbefaling:\n")
        for actionID in decision.actions {
            write("* \(model.action(actionID)?.label ?? actionID)\n")
            for rule in decision.rules where rule.action == actionID {
                write("  Begrundelse: \(rule.reason)\(rule.basis.isEmpty ? "" : " (\(rule.basis))")\n")
            }
        }
        if let override {
            write("Tilsidesat af dig: \(override.actions.map { model.action($0)?.label ?? $0 }.joined(separator: ", "))\n")
            write("  Begrundelse: \(override.reason)\n")
        }
        for warning in decision.warnings { write("Advarsel: \(warning)\n") }
    }

    /// Asks for the actions to use instead of the recommendation and the reason, with the same check as
    /// the screen (`checkOverride`: a mandatory rule's action cannot be removed). Nil when refused or left
    /// empty (the recommendation stands).
    private func askOverride(decision: Decision) throws -> (actions: [String], reason: String)? {
        let actions = model.actions.sorted { $0.severity > $1.severity }
        write("Tilsidesæt anbefalingen. Vælg de handlinger, du vil bruge i stedet (numre adskilt af komma eller mellemrum; tom linje fortryder):\n")
        for (index, action) in actions.enumerated() { write("   \(index + 1)) \(action.label)\n") }
        write("> ")
        guard let line = readLine() else { throw TUIError.inputEnded }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { write("Anbefalingen gælder.\n"); return nil }
        let options = actions.map { ChoiceOption(id: $0.id, label: $0.label) }
        guard case .success(.strings(let chosen)?) = Self.multichoice(trimmed, options: options) else {
            write("Fejl: Skriv tal fra 1 til \(actions.count) adskilt af komma eller mellemrum.\n")
            return nil
        }
        // The duty check first, so she is not asked for a reason that cannot help.
        if case .failure(let refusal) = model.checkOverride(actions: chosen, reason: "-", decision: decision) {
            write("Fejl: \(refusal.danishDescription)\n")
            return nil
        }
        write("Begrundelse (skal udfyldes):\n> ")
        guard let reasonLine = readLine() else { throw TUIError.inputEnded }
        let reason = reasonLine.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        switch model.checkOverride(actions: chosen, reason: reason, decision: decision) {
        case .failure(let refusal):
            write("Fejl: \(refusal.danishDescription)\n")
            return nil
        case .success(let ordered):
            return (ordered, reason)
        }
    }

    /// A multichoice answer: numbers separated by commas and/or spaces (`1,2`, `1 2`, `1, 2`).
    static func multichoice(_ line: String, options: [ChoiceOption]) -> Result<AnswerValue?, PlainProblem> {
        var ids: [String] = []
        for part in line.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }) {
            guard let index = Int(part), options.indices.contains(index - 1) else {
                return .failure(PlainProblem("Skriv tal fra 1 til \(options.count) adskilt af komma eller mellemrum."))
            }
            if !ids.contains(options[index - 1].id) { ids.append(options[index - 1].id) }
        }
        return .success(.strings(options.map(\.id).filter { ids.contains($0) }))
    }

    private func ask(_ question: QuestionView, number: Int, answers: Answers) throws -> AnswerValue? {
        while true {
            write("\(number). \(question.text)\(question.required ? " (skal besvares)" : "")\n")
            if !question.help.isEmpty { write("   Hjælp: \(question.help)\n") }
            switch question.input {
            case .choice(let options), .multichoice(let options):
                for (index, option) in options.enumerated() { write("   \(index + 1)) \(option.label)\n") }
                if case .multichoice = question.input { write("   Skriv numrene adskilt af komma eller mellemrum.\n") }
            case .yesno: write("   j = ja, n = nej\n")
            case .date: write("   dd-mm-åååå, tom linje = \(today.danish)\n")
            case .cpr: write("   DDMMÅÅ-SSSS\n")
            case .note: write("   Flere linjer; en tom linje afslutter noten.\n")
            default:
                if let value = question.defaultValue { write("   tom linje = \(question.display(value))\n") }
            }
            write("> ")
            guard let raw = readLine() else { throw TUIError.inputEnded }
            var line = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
            if case .note = question.input, !line.isEmpty {
                // A note takes lines until an empty line (or the end of input).
                var lines = [line]
                while let next = readLine() {
                    let text = next.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
                    if text.isEmpty { break }
                    lines.append(text)
                }
                line = lines.joined(separator: "\n")
            }
            let parsed = parse(line, for: question)
            switch parsed {
            case .failure(let problem):
                write("Fejl: \(problem.message)\n")
            case .success(nil) where question.required:
                write("Fejl: Dette spørgsmål skal besvares.\n")
            case .success(let answer):
                if let answer, let problem = model.problem(with: answer, for: question.id, answers: answers, today: today) {
                    write("Fejl: \(problem)\n")
                    continue
                }
                return answer
            }
        }
    }

    private func parse(_ line: String, for question: QuestionView) -> Result<AnswerValue?, PlainProblem> {
        if line.isEmpty {
            if case .date = question.input { return .success(.string(today.iso)) }
            if let value = question.defaultValue { return .success(value) }
            return .success(nil)
        }
        switch question.input {
        case .choice(let options):
            if let index = Int(line), options.indices.contains(index - 1) { return .success(.string(options[index - 1].id)) }
            if let option = options.first(where: { $0.id == line }) { return .success(.string(option.id)) }
            return .failure(PlainProblem("Skriv et tal fra 1 til \(options.count)."))
        case .multichoice(let options):
            return Self.multichoice(line, options: options)
        case .yesno:
            switch line.lowercased() {
            case "j", "ja": return .success(.bool(true))
            case "n", "nej": return .success(.bool(false))
            default: return .failure(PlainProblem("Svar j eller n."))
            }
        case .text, .note: return .success(.string(line))
        case .date:
            guard let date = LocalDate(typed: line) else {
                return .failure(PlainProblem("Skriv en gyldig dato som dd-mm-åååå, fx 20-11-2026."))
            }
            return .success(.string(date.iso))
        case .cpr:
            if let problem = CPRFormat.problem(in: line) { return .failure(PlainProblem(problem)) }
            return .success(.string(CPRFormat.normalized(line)))
        case .number:
            guard let value = Double(line.replacingOccurrences(of: ",", with: ".")) else {
                return .failure(PlainProblem("Skriv et tal, fx 3 eller 2,5."))
            }
            return .success(.number(value))
        }
    }
}

/// A Danish message about one plain-mode answer.
struct PlainProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
