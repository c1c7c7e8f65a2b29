import KonfliktCore
import KonfliktLog

/// What the export needs to know about one screening, with its corrections, override and follow-ups
/// already applied. The table is built from these alone (`ReportTableBuilder`), so the code that
/// folds log events into facts (`ReportAggregator` today, a case index later) can be swapped without
/// touching the table, the suppression or the writers.
///
/// Visits without a screening come in as answers like any other (the form's `screening_gennemfoert`
/// and `screening_ikke_aarsag`, marked `report: true`), so they need nothing of their own here.
public struct ScreeningFacts: Sendable, Hashable {
    /// The visit choice id (`2mdr`, `8mdr`), or nil when unknown.
    public var visit: String?
    /// The date that decides the period (the visit date).
    public var date: LocalDate
    /// The form version the screening was recorded with.
    public var formVersion: Int
    /// The answers to the form's `report: true` questions: the chosen choice ids (one for a choice
    /// question, any number for a multichoice question, `ja`/`nej` for a yes/no question).
    public var answers: [String: [String]]
    /// The actions the rules recommended for the answers in force.
    public var recommended: [String]
    /// The actions in force after an override (the override's, else the recommended ones).
    public var final: [String]
    /// Whether the health visitor overrode the recommendation.
    public var overridden: Bool
    /// Per action: the latest follow-up's status id, when there is one (an id the form does not know
    /// for the action is counted as `ukendt`).
    public var statuses: [String: String]

    /// Facts about one screening.
    public init(visit: String?, date: LocalDate, formVersion: Int, answers: [String: [String]],
                recommended: [String], final: [String]? = nil, overridden: Bool = false,
                statuses: [String: String] = [:]) {
        self.visit = visit
        self.date = date
        self.formVersion = formVersion
        self.answers = answers
        self.recommended = recommended
        self.final = final ?? recommended
        self.overridden = overridden
        self.statuses = statuses
    }
}
