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
        write("\n== Opsummering ==\n")
        for banner in model.banners(for: decision.actions) { write("!!! \(banner)\n") }
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
        for warning in decision.warnings { write("Advarsel: \(warning)\n") }
        while true {
            write("Gem screeningen? (j/n)\n> ")
            guard let line = readLine() else { throw TUIError.inputEnded }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "j", "ja":
                let submission = ScreeningSubmission(answers: relevant, decision: decision)
                try save(submission)
                write("Gemt.\n")
                for guidance in model.guidance(for: submission.finalActions, decision: decision) {
                    for instruction in guidance.instructions { write("\(guidance.label): \(instruction)\n") }
                    for info in guidance.familyInfo { write("Til familien: \(info)\n") }
                    if !guidance.resources.isEmpty {
                        write("Hjælp: \(guidance.resources.map(\.contactLine).joined(separator: "; "))\n")
                    }
                }
                if let note = model.journalNote(answers: relevant, decision: decision, overrideActions: nil, overrideReason: nil) {
                    write("\n== Journalnotat ==\n\(note)")
                }
                return submission
            case "n", "nej":
                write("Ikke gemt.\n")
                return nil
            default:
                write("Svar j eller n.\n")
            }
        }
    }

    private func ask(_ question: QuestionView, number: Int, answers: Answers) throws -> AnswerValue? {
        while true {
            write("\(number). \(question.text)\(question.required ? " (skal besvares)" : "")\n")
            if !question.help.isEmpty { write("   Hjælp: \(question.help)\n") }
            switch question.input {
            case .choice(let options), .multichoice(let options):
                for (index, option) in options.enumerated() { write("   \(index + 1)) \(option.label)\n") }
                if case .multichoice = question.input { write("   Skriv numrene adskilt af komma.\n") }
            case .yesno: write("   j = ja, n = nej\n")
            case .date: write("   dd-mm-åååå, tom linje = \(today.danish)\n")
            case .cpr: write("   DDMMÅÅ-SSSS\n")
            default:
                if let value = question.defaultValue { write("   tom linje = \(question.display(value))\n") }
            }
            write("> ")
            guard let raw = readLine() else { throw TUIError.inputEnded }
            let line = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
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
            var ids: [String] = []
            for part in line.split(separator: ",") {
                guard let index = Int(part.trimmingCharacters(in: .whitespaces)), options.indices.contains(index - 1) else {
                    return .failure(PlainProblem("Skriv tal fra 1 til \(options.count) adskilt af komma."))
                }
                if !ids.contains(options[index - 1].id) { ids.append(options[index - 1].id) }
            }
            return .success(.strings(options.map(\.id).filter { ids.contains($0) }))
        case .yesno:
            switch line.lowercased() {
            case "j", "ja": return .success(.bool(true))
            case "n", "nej": return .success(.bool(false))
            default: return .failure(PlainProblem("Svar j eller n."))
            }
        case .text, .note: return .success(.string(line))
        case .date:
            guard let date = LocalDate(danish: line) else {
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
