import Foundation

/// One problem with submitted answers, naming the question; never contains the answer itself.
public struct AnswerProblem: Sendable, Hashable, CustomStringConvertible {
    /// The question's id (empty for problems with the whole input).
    public let questionID: String
    /// The problem in Danish.
    public let message: String

    public var description: String { questionID.isEmpty ? message : "\(questionID): \(message)" }
}

extension Form {
    /// The answers that count: in form order, a question is shown when its `when` holds for the
    /// answers of the shown questions before it; answers to questions not shown are dropped and
    /// their ids returned in `dropped`. Answers to unknown ids are dropped too.
    public func relevantAnswers(_ answers: Answers, today: LocalDate = .today()) -> (answers: Answers, dropped: [String]) {
        var relevant: Answers = [:]
        var dropped: [String] = []
        for question in questions {
            let shown = question.when?.holds(for: relevant, today: today) ?? true
            guard let value = answers[question.id] else { continue }
            if shown { relevant[question.id] = value } else { dropped.append(question.id) }
        }
        return (relevant, dropped)
    }

    /// The question's `hidden_text` when it is not shown although every question its `when` reads has
    /// a relevant answer (so the answers, not missing ones, hide it); nil otherwise.
    public func hiddenReason(_ question: Question, answers: Answers, today: LocalDate = .today()) -> String? {
        guard !question.hiddenText.isEmpty, let when = question.when else { return nil }
        let relevant = relevantAnswers(answers, today: today).answers
        guard when.referencedFields.allSatisfy({ relevant[$0] != nil }), !when.holds(for: relevant, today: today) else { return nil }
        return question.hiddenText
    }

    /// Whether `question` is shown given the answers so far.
    public func isShown(_ question: Question, answers: Answers, today: LocalDate = .today()) -> Bool {
        guard let when = question.when else { return true }
        return when.holds(for: relevantAnswers(answers, today: today).answers, today: today)
    }

    /// Checks one answer (nil for unanswered) against its question: type, choices, CPR, required,
    /// constraint. Returns the problem in Danish, or nil when the answer is fine.
    public func problem(with value: AnswerValue?, for question: Question, answers: Answers,
                        today: LocalDate = .today()) -> String? {
        guard let value, !Self.isBlank(value) else {
            return question.required ? "Skal besvares." : nil
        }
        switch (question.kind, value) {
        case (.choice, .string(let id)):
            if !question.choices.contains(where: { $0.id == id }) {
                return "Ugyldigt valg; brug en af: \(question.choices.map(\.id).joined(separator: ", "))."
            }
        case (.multichoice, .strings(let ids)):
            for id in ids where !question.choices.contains(where: { $0.id == id }) {
                return "'\(id)' er ikke et af valgene (\(question.choices.map(\.id).joined(separator: ", ")))."
            }
            if Set(ids).count != ids.count { return "Det samme valg står to gange." }
        case (.yesno, .bool), (.number, .number):
            break
        case (.text, .string(let text)):
            if text.count > InputLimits.textAnswerCharacters {
                return "Svaret er for langt (højst \(InputLimits.textAnswerCharacters) tegn)."
            }
            // The author's question (and any that takes the user's initials by default) holds initials.
            if question.role == .author || question.defaultValue == "$initialer", !Initials.isValid(text) {
                return Initials.problem
            }
        case (.date, .string(let text)):
            if LocalDate(iso: text) == nil { return "Ugyldig dato; brug ÅÅÅÅ-MM-DD." }
        case (.cpr, .string(let text)):
            if case .failure(let error) = CPRNumber.parse(text) { return error.problem.danish }
        default:
            return "Forkert type svar; forventede \(Self.expectedType(question.kind))."
        }
        if let constraint = question.constraint {
            var context = relevantAnswers(answers, today: today).answers
            context[question.id] = value
            if !constraint.holds(for: context, today: today) { return question.constraintMessage }
        }
        return nil
    }

    /// Every problem with `answers` as submitted for a decision: unknown ids, and for each shown
    /// question a missing required answer, a wrong type, an unknown choice, an invalid CPR or date,
    /// or a failed constraint. Answers to hidden questions are not problems (they are dropped).
    public func validate(_ answers: Answers, today: LocalDate = .today()) -> [AnswerProblem] {
        var problems: [AnswerProblem] = []
        for id in answers.keys.sorted() where question(id: id) == nil {
            problems.append(AnswerProblem(questionID: id, message: "Ukendt spørgsmål i formularen '\(self.id)'."))
        }
        let relevant = relevantAnswers(answers, today: today).answers
        for question in questions where question.when?.holds(for: relevant, today: today) ?? true {
            if let message = problem(with: answers[question.id], for: question, answers: answers, today: today) {
                problems.append(AnswerProblem(questionID: question.id, message: message))
            }
        }
        return problems
    }

    /// The recommendation for `answers`: every rule whose condition holds fires; the fired actions,
    /// most serious first; the default action when none fired; warnings for dropped answers and for a
    /// child whose age does not fit the visit. Call `validate` first; this does not reject.
    public func decide(_ answers: Answers, today: LocalDate = .today()) -> Decision {
        let (relevant, dropped) = relevantAnswers(answers, today: today)
        var fired: [FiredRule] = []
        for rule in rules where rule.when.holds(for: relevant, today: today) {
            fired.append(FiredRule(id: rule.id, action: rule.action, reason: rule.reason, basis: rule.basis))
        }
        // An action waits (is replaced by its waiting action) while an action it waits for fires too.
        let firedActions = Set(fired.map(\.action))
        for index in fired.indices {
            if let action = action(id: fired[index].action), let waiting = action.waitingAction,
               action.waitsFor.contains(where: firedActions.contains) {
                fired[index].action = waiting
            }
        }
        var actionIDs: [String] = []
        for rule in fired where !actionIDs.contains(rule.action) { actionIDs.append(rule.action) }
        if actionIDs.isEmpty { actionIDs = [defaultActionID] }
        let order = Dictionary(uniqueKeysWithValues: actions.enumerated().map { ($1.id, $0) })
        actionIDs.sort { a, b in
            let sa = action(id: a)?.severity ?? 0, sb = action(id: b)?.severity ?? 0
            return sa != sb ? sa > sb : (order[a] ?? 0) < (order[b] ?? 0)
        }
        var warnings = dropped.map { "Svaret på '\($0)' er ikke brugt, fordi spørgsmålet ikke vises med de øvrige svar." }
        warnings += VisitAge.warnings(form: self, answers: relevant)
        for warning in warningRules where warning.when.holds(for: relevant, today: today) {
            warnings.append(warning.text)
        }
        return Decision(form: id, formVersion: version, formFingerprint: fingerprint, actions: actionIDs,
                        flagged: actionIDs.contains { action(id: $0)?.flags ?? false },
                        rules: fired, warnings: warnings)
    }

    static func isBlank(_ value: AnswerValue) -> Bool {
        switch value {
        case .string(let s): return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .strings(let list): return list.isEmpty
        default: return false
        }
    }

    static func expectedType(_ kind: QuestionKind) -> String {
        switch kind {
        case .choice: return "et valg (tekst)"
        case .multichoice: return "en liste af valg"
        case .yesno: return "true eller false"
        case .text: return "en tekst"
        case .date: return "en dato som tekst ÅÅÅÅ-MM-DD"
        case .cpr: return "et CPR-nummer som tekst"
        case .number: return "et tal"
        }
    }
}

extension Form {
    /// The child and visit a screening is about (roles `child_cpr` and `visit`), for finding the same
    /// child screened twice at one visit; nil when either is missing.
    public func visitKey(_ answers: Answers) -> String? {
        guard let cpr = text(role: .childCPR, in: answers).flatMap(CPRNumber.init), let visit = text(role: .visit, in: answers)
        else { return nil }
        return "\(cpr.normalized)|\(visit)"
    }

    /// The warning when the child in `answers` was already screened at the same visit in one of
    /// `earlier` (answers of saved screenings); empty otherwise.
    public func alreadyScreenedWarnings(_ answers: Answers, earlier: [Answers]) -> [String] {
        guard let key = visitKey(answers), earlier.contains(where: { visitKey($0) == key }) else { return [] }
        return [alreadyScreenedWarning(answers)]
    }

    /// The warning that the child in `answers` was already screened at this visit (never with the CPR number).
    public func alreadyScreenedWarning(_ answers: Answers) -> String {
        let visit = field(role: .visit).flatMap { question in text(role: .visit, in: answers).map { question.label(ofChoice: $0) } } ?? "besøg"
        return "Barnet er allerede screenet ved et \(visit.lowercased()). Tjek, om det er en fejl; ret i så fald den første screening i stedet for at gemme en ny."
    }
}
