import Foundation

/// Whether the child's age (from the CPR number) fits the visit: a warning, never a block.
///
/// The form declares the windows on the choices of its `visit` question (`min_age_days`,
/// `max_age_days`; the shipped form: 2-month visit 21–135 days, 8-month visit 180–335 days). Visits
/// are often moved, so the windows are generous; outside them the health visitor is asked to check the
/// visit and the CPR number. A form without the roles `visit`, `visit_date` and `child_cpr`, or a
/// visit without a window, gets no age warning.
enum VisitAge {
    static func warnings(form: Form, answers: Answers) -> [String] {
        guard let visitQuestion = form.field(role: .visit),
              let visit = form.text(role: .visit, in: answers),
              let range = visitQuestion.choices.first(where: { $0.id == visit })?.ageDays,
              let visitDate = form.visitDate(in: answers),
              let cprText = form.text(role: .childCPR, in: answers), let cpr = CPRNumber(cprText) else { return [] }
        let age = cpr.birthDate.days(until: visitDate)
        let label = visitQuestion.label(ofChoice: visit)
        if age < 0 {
            return ["Barnets fødselsdato (fra CPR-nummeret) ligger efter besøgsdatoen. Kontrollér CPR-nummer og dato."]
        }
        // Far beyond every visit's window (twice the latest) the two dates cannot both be right: an age in
        // years would only hide that (issue 15: "Barnet er 1208,0 måneder gammelt").
        let latest = visitQuestion.choices.compactMap { $0.ageDays?.upperBound }.max() ?? range.upperBound
        if age > 2 * latest {
            return ["Barnets fødselsdato (fra CPR-nummeret) og besøgsdatoen passer ikke sammen: barnet ville være "
                    + "mere end \(2 * latest / 30) måneder gammelt ved et \(label.lowercased()). Kontrollér CPR-nummer og dato."]
        }
        if !range.contains(age) {
            let months = Double(age) / 30.44
            let ageText = age < 60 ? "\(age / 7) uger" : String(format: "%.1f måneder", months).replacingOccurrences(of: ".", with: ",")
            return ["Barnet er \(ageText) gammelt. Det passer ikke til et \(label.lowercased()); kontrollér besøg og CPR-nummer."]
        }
        return []
    }
}
