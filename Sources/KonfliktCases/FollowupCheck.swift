import KonfliktCore
import KonfliktLog

/// The one rule for whether a follow-up may be recorded on a case; used by the review screen and by
/// `konflikt followup`, so both accept and refuse the same follow-ups.
///
/// - The action must be one of the case's actions in force.
/// - The status must be one of the action's statuses in the form (`FollowupStatus`).
/// - The date lies between the visit (else the screening day) and today, both included: nothing can be
///   followed up before the family was seen, or in the future.
/// - A status with `needs_note` (by default "ikke relevant") needs a note saying why.
/// - An action that is already closed (its latest follow-up has a status that closes it) may get a
///   second follow-up only with a note saying why: it corrects the earlier one (the latest by date
///   counts, both stay in the history). Without a note it is refused, so a closed action is not closed
///   twice by mistake. Steps that leave the action open (contact given, started) need no note.
public enum FollowupCheck {
    /// A Danish sentence when `body` may not be recorded on `item` today, else nil. Never names the CPR
    /// number or an answer.
    public static func problem(_ body: FollowupBody, on item: Case, today: LocalDate, form: Form?) -> Problem? {
        let label = form?.action(id: body.action)?.label ?? body.action
        guard item.effectiveActions.contains(body.action) || item.actions.contains(where: { $0.action == body.action })
        else {
            return .unknownAction("Screeningen har ikke handlingen \"\(body.action)\"; dens handlinger er: "
                                  + item.effectiveActions.joined(separator: ", ") + ".")
        }
        let statuses = form?.statuses(ofAction: body.action) ?? FollowupStatus.defaults(doneLabel: "Udført")
        guard let status = statuses.first(where: { $0.id == body.status }) else {
            return .unknownStatus("Status \"\(body.status)\" findes ikke for \(label). Gyldige statusser: "
                                  + statuses.map { "\($0.id) (\($0.shortLabel))" }.joined(separator: ", ") + ".")
        }
        let visit = item.visitDate ?? item.screeningDate
        if body.date > today {
            return .date("Datoen \(body.date.danish) ligger i fremtiden; brug en dato mellem besøget "
                         + "(\(visit.danish)) og i dag (\(today.danish)).")
        }
        if body.date < visit {
            return .date("Datoen \(body.date.danish) ligger før besøget (\(visit.danish)); brug en dato mellem "
                         + "besøget og i dag (\(today.danish)).")
        }
        let note = body.note.trimmingCharacters(in: .whitespacesAndNewlines)
        if status.needsNote, note.isEmpty {
            return .note("Skriv i noten, hvorfor status er \"\(status.shortLabel)\".")
        }
        if let state = item.actions.first(where: { $0.action == body.action }), state.status.closes, note.isEmpty {
            return .note("\(label) er allerede lukket (\(state.status.label)). En ny opfølgning retter den "
                         + "tidligere og kræver en note om hvorfor.")
        }
        return nil
    }

    /// Why a follow-up is refused, with the Danish sentence; the case tells which field is wrong.
    public enum Problem: Sendable, Hashable {
        /// The action is not one of the case's.
        case unknownAction(String)
        /// The status is not one of the action's statuses in the form.
        case unknownStatus(String)
        /// The date is outside the visit…today window.
        case date(String)
        /// A note is needed.
        case note(String)

        /// The Danish sentence.
        public var message: String {
            switch self {
            case .unknownAction(let text), .unknownStatus(let text), .date(let text), .note(let text): return text
            }
        }
    }

    /// Whether `action` of `item` is already closed by a follow-up.
    public static func isClosed(_ action: String, on item: Case) -> Bool {
        item.actions.first { $0.action == action }.map { $0.status.closes } ?? false
    }
}
