import KonfliktCore
import KonfliktLog

/// One column of the export table.
public struct ReportColumn: Sendable, Hashable {
    /// What a column counts.
    public enum Kind: Sendable, Hashable {
        /// Screenings.
        case screenings
        /// Screenings where `question` was answered `value` (a choice id, or `ja`/`nej` for yes/no).
        case answer(question: String, value: String)
        /// Screenings whose decision recommended `action`.
        case recommended(action: String)
        /// Screenings whose actions in force after an override include `action`.
        case final(action: String)
        /// Screenings where the health visitor overrode the recommendation.
        case overrides
        /// Screenings with the flagging `action` in force whose latest follow-up is `status`.
        case status(action: String, status: ReportStatus)
    }

    /// A stable machine id, e.g. `konfliktniveau.hoejt` (used as the key in JSON).
    public let id: String
    /// The short Danish header (CSV, HTML).
    public let header: String
    /// What the column counts.
    public let kind: Kind
}

/// Where a flagging action stands, from its latest follow-up: one status column each.
public enum ReportStatus: Sendable, Hashable {
    /// The latest follow-up has this status of the action's statuses in the form.
    case form(FollowupStatus)
    /// The latest follow-up has a status id the form does not know for the action (another form
    /// version): counted apart, and the action counts as open.
    case unknown
    /// No follow-up yet.
    case none

    /// The key in column ids: the status id, `ukendt` or `aaben`.
    public var id: String {
        switch self {
        case .form(let status): return status.id
        case .unknown: return FollowupStatus.unknownID
        case .none: return FollowupStatus.openID
        }
    }

    /// The short Danish label (the status's `report_label`, else its label).
    public var label: String {
        switch self {
        case .form(let status): return status.shortLabel
        case .unknown: return "ukendt status"
        case .none: return "ingen opfølgning endnu"
        }
    }

    /// The columns of an action with `statuses`: the form's statuses in form order, then unknown,
    /// then none.
    static func all(_ statuses: [FollowupStatus]) -> [ReportStatus] {
        statuses.map { .form($0) } + [.unknown, .none]
    }
}

/// A counted question: its columns and what the form says about it.
public struct ReportQuestion: Sendable {
    /// The question's id.
    public let id: String
    /// The short label (`report_label`, else the question text).
    public let label: String
    /// The full question text, for the legend.
    public let text: String
    /// Choice, multichoice or yes/no.
    public let kind: QuestionKind
    /// The answer values (choice ids, or `ja`/`nej`) with their labels, in form order.
    public let values: [(id: String, label: String)]
    /// The column index per value, in the same order.
    public let columns: [Int]
    /// Required and always shown: every screening answers it, so its columns add up to the screenings.
    public let alwaysAnswered: Bool
    /// The form's question (its `when`, `required`).
    public let question: Question
}

/// A form action with its columns.
public struct ReportAction: Sendable {
    /// The action's id.
    public let id: String
    /// The short label (`report_label`, else the label).
    public let label: String
    /// The full label, for the legend.
    public let fullLabel: String
    /// Whether it flags the case (then its follow-up statuses are counted).
    public let flags: Bool
    /// The recommended column.
    public let recommendedColumn: Int
    /// The final (after overrides) column.
    public let finalColumn: Int
    /// The statuses counted (flagging actions only), in column order (`ReportStatus.all`).
    public let statuses: [ReportStatus]
    /// The status columns (flagging actions only), one per entry of `statuses`.
    public let statusColumns: [Int]

    /// The status column of a follow-up with status `id` (nil: no follow-up yet); an id the action does
    /// not have goes to the unknown column.
    func statusColumn(_ id: String?) -> Int? {
        let wanted: ReportStatus
        if let id {
            wanted = statuses.first { if case .form(let status) = $0 { return status.id == id } else { return false } } ?? .unknown
        } else {
            wanted = .none
        }
        return statuses.firstIndex(of: wanted).map { statusColumns[$0] }
    }

    /// The column of the action's first closing status (the chart's "done"), if it has one.
    public var firstClosingColumn: Int? {
        statuses.firstIndex { if case .form(let status) = $0 { return status.closes } else { return false } }
            .map { statusColumns[$0] }
    }
}

/// The columns of an export, taken from a form: which questions are counted is decided by the form
/// file's `report: true`, so a new question gets its columns without code changes.
///
/// Columns in order: screenings; one per answer value of every `report: true` choice, multichoice
/// or yes/no question except the visit question (the rows); per action, recommended; per action,
/// final (after overrides); overrides; per flagging action, one per follow-up status of the action in
/// form order, then "ukendt status" and "ingen opfølgning endnu". Headers use the form's
/// `report_label`; the full texts go in the legend.
public struct ReportLayout: Sendable {
    /// The form's id; screenings of other forms are not counted.
    public let formID: String
    /// The form's title.
    public let formTitle: String
    /// The columns in order.
    public let columns: [ReportColumn]
    /// The id of the question with the `visit` role, if the form has one (without it every screening
    /// counts in the `ukendt` row).
    public let visitQuestion: String?
    /// The visit choice ids in form order (`2mdr`, `8mdr`): one row each.
    public let visits: [String]
    /// The visit choice labels, by id.
    public let visitLabels: [String: String]
    /// The id of the question with the `visit_date` role, if the form has one.
    public let dateQuestion: String?
    /// The counted questions in form order.
    public let questions: [ReportQuestion]
    /// The form's actions in form order.
    public let actions: [ReportAction]
    /// The index of the overrides column.
    public let overridesColumn: Int
    /// The form's rules (for the relations they make certain).
    let form: Form

    /// The layout for `form`. The visit and visit-date questions are found by their roles.
    public init(form: Form) {
        self.form = form
        formID = form.id
        formTitle = form.title
        let visitQuestion = form.field(role: .visit)?.id
        self.visitQuestion = visitQuestion
        dateQuestion = form.field(role: .visitDate)?.id
        let visitChoices = form.field(role: .visit)?.choices ?? []
        visits = visitChoices.map(\.id)
        visitLabels = Dictionary(visitChoices.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        var columns = [ReportColumn(id: "screeninger", header: "Screeninger", kind: .screenings)]
        var questions: [ReportQuestion] = []
        for question in form.questions where question.report && question.id != visitQuestion {
            let values: [(id: String, label: String)]
            switch question.kind {
            case .choice, .multichoice: values = question.choices.map { ($0.id, $0.label) }
            case .yesno: values = [("ja", "Ja"), ("nej", "Nej")]
            case .text, .date, .cpr, .number: continue
            }
            let label = question.reportLabel ?? question.text
            var indices: [Int] = []
            for value in values {
                indices.append(columns.count)
                columns.append(ReportColumn(id: "\(question.id).\(value.id)", header: "\(label): \(value.label)",
                                            kind: .answer(question: question.id, value: value.id)))
            }
            questions.append(ReportQuestion(id: question.id, label: label, text: question.text, kind: question.kind,
                                            values: values, columns: indices,
                                            alwaysAnswered: question.required && question.when == nil,
                                            question: question))
        }
        var recommended: [Int] = []
        for action in form.actions {
            recommended.append(columns.count)
            columns.append(ReportColumn(id: "anbefalet.\(action.id)", header: "Anbefalet: \(action.shortLabel)",
                                        kind: .recommended(action: action.id)))
        }
        var final: [Int] = []
        for action in form.actions {
            final.append(columns.count)
            columns.append(ReportColumn(id: "endelig.\(action.id)", header: "Endelig: \(action.shortLabel)",
                                        kind: .final(action: action.id)))
        }
        overridesColumn = columns.count
        columns.append(ReportColumn(id: "overstyret", header: "Anbefaling tilsidesat", kind: .overrides))
        var actions: [ReportAction] = []
        for (index, action) in form.actions.enumerated() {
            var statusColumns: [Int] = []
            let statuses = action.flags ? ReportStatus.all(action.statuses) : []
            for status in statuses {
                statusColumns.append(columns.count)
                columns.append(ReportColumn(id: "status.\(action.id).\(status.id)",
                                            header: "\(action.shortLabel): \(status.label)",
                                            kind: .status(action: action.id, status: status)))
            }
            actions.append(ReportAction(id: action.id, label: action.shortLabel, fullLabel: action.label,
                                        flags: action.flags, recommendedColumn: recommended[index],
                                        finalColumn: final[index], statuses: statuses, statusColumns: statusColumns))
        }
        self.columns = columns
        self.questions = questions
        self.actions = actions
    }

    /// The index of the column with `id`.
    public func column(id: String) -> Int? { columns.firstIndex { $0.id == id } }

    /// The column indices that `facts` counts (screenings included).
    func counted(_ facts: ScreeningFacts) -> [Int] {
        var result = [0]
        for question in questions {
            guard let chosen = facts.answers[question.id] else { continue }
            for (index, value) in question.values.enumerated() where chosen.contains(value.id) {
                result.append(question.columns[index])
            }
        }
        for action in actions {
            if facts.recommended.contains(action.id) { result.append(action.recommendedColumn) }
            if facts.final.contains(action.id) {
                result.append(action.finalColumn)
                if action.flags, let column = action.statusColumn(facts.statuses[action.id]) { result.append(column) }
            }
        }
        if facts.overridden { result.append(overridesColumn) }
        return result
    }
}
