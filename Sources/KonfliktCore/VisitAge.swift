/// Whether the child's age (from the CPR number) fits the visit: a warning, never a block.
///
/// Bounds, in days of age at the visit date: the 2-month visit 21–135 days (3 weeks to about 4½
/// months), the 8-month visit 180–335 days (about 6 to 11 months). Visits are often moved, so the
/// bounds are generous; outside them the health visitor is asked to check the visit and the CPR.
enum VisitAge {
    static let bounds: [String: ClosedRange<Int>] = ["2mdr": 21...135, "8mdr": 180...335]

    /// The ids of the questions the check reads; a form without them gets no age warning.
    static let visitField = "besoeg", dateField = "besoegsdato", cprField = "barn_cpr"

    static func warnings(form: Form, answers: Answers) -> [String] {
        guard case .string(let visit)? = answers[visitField],
              case .string(let dateText)? = answers[dateField], let visitDate = LocalDate(iso: dateText),
              case .string(let cprText)? = answers[cprField], let cpr = CPRNumber(cprText),
              let range = bounds[visit] else { return [] }
        let age = cpr.birthDate.days(until: visitDate)
        let label = form.question(id: visitField)?.label(ofChoice: visit) ?? visit
        if age < 0 {
            return ["Barnets fødselsdato (fra CPR-nummeret) ligger efter besøgsdatoen. Kontrollér CPR-nummer og dato."]
        }
        if !range.contains(age) {
            let months = Double(age) / 30.44
            let ageText = age < 60 ? "\(age / 7) uger" : String(format: "%.1f måneder", months).replacingOccurrences(of: ".", with: ",")
            return ["Barnet er \(ageText) gammelt. Det passer ikke til et \(label.lowercased()); kontrollér besøg og CPR-nummer."]
        }
        return []
    }
}

import Foundation
