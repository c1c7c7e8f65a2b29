import Foundation

/// The plain-text journal note for one screening, which the health visitor copies into the
/// municipality's journal system: the visit, whether the screening question was asked, the answers
/// as sentences, the recommendation with reasons and basis, any override, what to do next and what
/// the family was told. Every text comes from the form; the child's CPR number is left out (the
/// note goes into the child's own journal).
public enum JournalNote {
    /// The note for `answers` (the shown ones) and `decision`; `override` when the health visitor
    /// chose other actions.
    public static func text(form: Form, answers: Answers, decision: Decision,
                            override: (actions: [String], reason: String)? = nil) -> String {
        let texts = form.journalTexts
        var lines: [String] = []
        // The visit.
        var heading = texts.heading
        if let visitQuestion = form.field(role: .visit), let visit = form.text(role: .visit, in: answers) {
            heading += " — " + visitQuestion.label(ofChoice: visit)
        }
        if let date = form.visitDate(in: answers) { heading += " " + date.danish }
        lines.append(heading)
        if form.wasScreened(answers) {
            lines.append(texts.asked)
        } else {
            var reason = ""
            if let question = form.field(role: .notScreenedReason), case .string(let id)? = answers[question.id] {
                reason = " " + question.label(ofChoice: id) + "."
            }
            lines.append(texts.notAsked + reason)
        }
        // The answers as sentences, without the roles already said (and never the CPR number).
        let left: Set<FieldRole> = [.visit, .visitDate, .childCPR, .author, .screened, .notScreenedReason]
        var answerLines: [String] = []
        for question in form.questions {
            if let role = question.role, left.contains(role) { continue }
            guard let answer = answers[question.id] else {
                if let reason = form.hiddenReason(question, answers: answers) { answerLines.append("- \(reason)") }
                continue
            }
            let text = question.text.trimmingCharacters(in: .whitespaces)
            let separator = text.hasSuffix("?") || text.hasSuffix(":") ? " " : ": "
            answerLines.append("- \(text)\(separator)\(display(answer, for: question))")
        }
        if !answerLines.isEmpty {
            lines.append("")
            lines.append("\(texts.answers):")
            lines += answerLines
        }
        // The recommendation.
        lines.append("")
        lines.append("\(texts.recommendation):")
        for actionID in decision.actions {
            lines.append("- " + (form.action(id: actionID)?.label ?? actionID))
            for rule in decision.rules where rule.action == actionID {
                lines.append("  Begrundelse: \(rule.reason)\(rule.basis.isEmpty ? "" : " (\(rule.basis))")")
            }
        }
        let finalActions = override?.actions ?? decision.actions
        if let override {
            lines.append("")
            lines.append("\(texts.override): " + override.actions.map { form.action(id: $0)?.label ?? $0 }.joined(separator: ", ") + ".")
            lines.append("  Begrundelse: \(override.reason)")
        }
        // What happens next and what the family was told.
        let guidance = form.guidance(for: finalActions, decision: decision)
        let instructions = unique(guidance.flatMap(\.instructions))
        if !instructions.isEmpty {
            lines.append("")
            lines.append("\(texts.instruction):")
            lines += instructions.map { "- " + $0 }
        }
        let family = unique(guidance.flatMap(\.familyInfo))
        if !family.isEmpty {
            lines.append("")
            lines.append("\(texts.family):")
            lines += family.map { "- " + $0 }
        }
        let resources = unique(guidance.flatMap(\.resources).map(\.contactLine))
        if !resources.isEmpty {
            lines.append("")
            lines.append("\(texts.resources): " + resources.joined(separator: "; ") + ".")
        }
        if let author = form.text(role: .author, in: answers) {
            lines.append("")
            lines.append("\(texts.author): \(author)")
        }
        return lines.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n") + "\n"
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// How an answer reads in the note ("Højt.", "Ja.", "20-11-2026.", "Mor, Far.").
    public static func display(_ answer: AnswerValue, for question: Question) -> String {
        switch answer {
        case .bool(let value): return value ? "Ja." : "Nej."
        case .string(let text):
            if question.kind == .choice { return question.label(ofChoice: text) + "." }
            if question.kind == .date, let date = LocalDate(iso: text) { return date.danish + "." }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.hasSuffix(".") ? trimmed : trimmed + "."
        case .strings(let ids): return ids.map { question.label(ofChoice: $0) }.joined(separator: ", ") + "."
        case .number(let value):
            return (value.rounded() == value ? String(Int64(value)) : String(value).replacingOccurrences(of: ".", with: ",")) + "."
        }
    }
}
