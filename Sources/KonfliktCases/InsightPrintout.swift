import Foundation
import KonfliktCore

/// The printout of `konflikt insight` (GDPR art. 15, right of access): everything recorded about one
/// child, for the lead to hand over. Per screening: the answers and recommendation in force, then each
/// correction in order with its reason, its complete answers (a changed answer with what it was before,
/// so the answers as first recorded can be read too) and the recommendation when it changed, then
/// each follow-up.
public enum InsightPrintout {
    /// The printout of `cases` (oldest first) about the child `cpr`, printed on `today`.
    public static func text(_ cases: [Case], cpr: CPRNumber, form: Form, today: LocalDate) -> String {
        var out = """
            Indsigt: alt registreret om barnet \(cpr.normalized)
            Udskrevet \(today.iso) fra konflikt. \(cases.count) screening(er).

            """
        if cases.isEmpty { out += "\nDer er ikke registreret noget om barnet.\n" }
        for (number, item) in cases.enumerated() {
            out += "\n=== Screening \(number + 1) af \(cases.count) ===\n"
            out += "Id: \(item.id.uuidString.lowercased())\n"
            out += "Registreret: \(item.timestamp) af \(item.author) (enhed \(item.device))\n"
            if let visit = item.visitDate { out += "Besøgsdato: \(visit.iso)\n" }
            out += "Formular: \(item.form) version \(item.formVersion)\n\n"
            out += JournalNote.text(form: form, answers: item.answers, decision: item.decision,
                                    override: item.override.map { ($0.actions, $0.reason) })
            if !item.corrections.isEmpty {
                out += "\nRettelser (svarene ovenfor er de gældende), ældste først:\n"
                out += corrections(item, form: form)
            }
            if !item.followups.isEmpty {
                out += "\nOpfølgning:\n"
                for followup in item.followups {
                    let action = form.action(id: followup.body.action)?.label ?? followup.body.action
                    out += "- \(followup.body.date.iso) \(action): \(form.statusShortLabel(followup.body.status, action: followup.body.action)) (registreret \(followup.timestamp) af \(followup.author))"
                    out += followup.body.note.isEmpty ? "\n" : "\n  \(followup.body.note)\n"
                }
            }
        }
        return out
    }

    /// Each correction of `item` in order, compared with the version before it (the screening's, then
    /// the previous correction's).
    static func corrections(_ item: Case, form: Form) -> String {
        var out = ""
        var before = item.recorded
        for (number, correction) in item.corrections.enumerated() {
            let version = correction.version
            out += "\nRettelse \(number + 1) af \(item.corrections.count): \(correction.timestamp) af \(correction.author)\n"
            out += "Begrundelse: \(correction.reason)\n"
            out += "Svar efter rettelsen (ændrede svar med det tidligere svar i parentes):\n"
            for question in form.questions {
                let now = version.answers[question.id]
                let earlier = before.answers[question.id]
                guard now != nil || earlier != nil else { continue }
                let text = question.text.trimmingCharacters(in: .whitespaces)
                let separator = text.hasSuffix("?") || text.hasSuffix(":") ? " " : ": "
                var line = "- \(text)\(separator)\(now.map { JournalNote.display($0, for: question) } ?? "–")"
                if now != earlier { line += " (før: \(earlier.map { JournalNote.display($0, for: question) } ?? "–"))" }
                out += line + "\n"
            }
            // Answers to questions the current form no longer has (an older form version): by id, as stored.
            let known = Set(form.questions.map(\.id))
            for id in Set(version.answers.keys).union(before.answers.keys).subtracting(known).sorted() {
                let now = version.answers[id].map(raw) ?? "–", earlier = before.answers[id].map(raw) ?? "–"
                out += "- \(id): \(now)" + (now == earlier ? "" : " (før: \(earlier))") + "\n"
            }
            if version.decision.actions != before.decision.actions {
                out += "Anbefaling efter rettelsen: \(labels(version.decision.actions, form: form)) "
                    + "(før: \(labels(before.decision.actions, form: form)))\n"
                for rule in version.decision.rules {
                    out += "  \(label(rule.action, form: form)): \(rule.reason)\(rule.basis.isEmpty ? "" : " (\(rule.basis))")\n"
                }
            } else {
                out += "Anbefalingen er uændret: \(labels(version.decision.actions, form: form)).\n"
            }
            if let override = version.override, override != before.override {
                out += "Tilsidesat med rettelsen: \(labels(override.actions, form: form)). Begrundelse: \(override.reason)\n"
            }
            // A correction without an override keeps the earlier one.
            before = CaseVersion(answers: version.answers, decision: version.decision,
                                 override: version.override ?? before.override)
        }
        return out
    }

    /// An answer as stored, for a question the form does not have.
    private static func raw(_ value: AnswerValue) -> String {
        switch value {
        case .string(let text): return text
        case .strings(let items): return items.joined(separator: ", ")
        case .bool(let flag): return flag ? "Ja" : "Nej"
        case .number(let number): return number.rounded() == number && abs(number) < 9e15 ? String(Int64(number)) : String(number)
        }
    }

    private static func label(_ action: String, form: Form) -> String { form.action(id: action)?.label ?? action }

    private static func labels(_ actions: [String], form: Form) -> String {
        actions.isEmpty ? "ingen handling" : actions.map { label($0, form: form) }.joined(separator: ", ")
    }
}
