import KonfliktCore

/// One column of the export table.
public struct ReportColumn: Sendable, Hashable {
    /// What a column counts.
    public enum Kind: Sendable, Hashable {
        /// Screenings.
        case screenings
        /// Screenings where the parents were informed (the informed question answered yes).
        case informed
        /// Screenings where `question` was answered `value` (a choice id, or `ja`/`nej` for yes/no).
        case answer(question: String, value: String)
        /// Screenings whose decision recommended `action`.
        case recommended(action: String)
        /// Screenings where the health visitor overrode the recommendation.
        case overrides
        /// Screenings whose latest follow-up on `action` is `udfoert`.
        case followupDone(action: String)
    }

    /// A stable machine id, e.g. `konfliktniveau.hoejt` (used as the key in JSON).
    public let id: String
    /// The Danish header shown in the CSV.
    public let header: String
    /// What the column counts.
    public let kind: Kind
}

/// The columns of an export, taken from a form: which questions are counted is decided by the form
/// file's `report: true`, so a new question gets its columns without code changes.
///
/// Columns in order: screenings; informed; one per choice of every other `report: true` choice or
/// multichoice question (yes/no questions give `ja` and `nej`); one per action recommended; overrides;
/// one per flagging action for follow-ups `udfoert`. The visit question (`besoeg`) is the row
/// dimension, not a column. Text, date, CPR and number questions are never counted, even when marked.
public struct ReportLayout: Sendable {
    /// The form's id; screenings of other forms are not counted.
    public let formID: String
    /// The columns in order.
    public let columns: [ReportColumn]
    /// The visit question's id (`besoeg`).
    public let visitQuestion: String
    /// The visit choice ids in form order (`2mdr`, `8mdr`): one row each.
    public let visits: [String]
    /// The visit date question's id (`besoegsdato`).
    public let dateQuestion: String
    /// The choices of each single-choice question and the `ja`/`nej` of each yes/no question: their
    /// cells add up to the number who answered the question.
    public let answerGroups: [AnswerGroup]

    /// The question that gives the "informed" column.
    let informedQuestion: String
    /// Bit (column index) per question id and answer value; yes/no answers are `ja`/`nej`.
    let answerBits: [String: [String: Int]]
    /// Bit (column index) per recommended action id.
    let actionBits: [String: Int]
    /// Follow-up column index per flagging action id, and the action ids in column order.
    let followupColumns: [String: Int]
    /// The index of the overrides column.
    let overridesColumn: Int
    /// The index of the informed column.
    let informedColumn: Int

    /// The layout for `form`. The visit, visit-date and informed questions are named by id.
    public init(form: Form, visitQuestion: String = "besoeg", dateQuestion: String = "besoegsdato",
                informedQuestion: String = "informeret") {
        formID = form.id
        self.visitQuestion = visitQuestion
        self.dateQuestion = dateQuestion
        self.informedQuestion = informedQuestion
        visits = form.question(id: visitQuestion)?.choices.map(\.id) ?? []
        var columns: [ReportColumn] = [
            ReportColumn(id: "screeninger", header: "Screeninger", kind: .screenings),
            ReportColumn(id: "informeret", header: "Forældre informeret", kind: .informed),
        ]
        informedColumn = 1
        var answerBits: [String: [String: Int]] = [informedQuestion: ["ja": 1]]
        var groups: [AnswerGroup] = []
        for question in form.questions where question.report {
            guard question.id != visitQuestion, question.id != informedQuestion else { continue }
            let values: [(id: String, label: String)]
            switch question.kind {
            case .choice, .multichoice: values = question.choices.map { ($0.id, $0.label) }
            case .yesno: values = [("ja", "Ja"), ("nej", "Nej")]
            case .text, .date, .cpr, .number: continue
            }
            var group: [Int] = []
            var bits: [String: Int] = [:]
            for value in values {
                bits[value.id] = columns.count
                group.append(columns.count)
                columns.append(ReportColumn(id: "\(question.id).\(value.id)",
                                            header: "\(question.text): \(value.label)",
                                            kind: .answer(question: question.id, value: value.id)))
            }
            answerBits[question.id] = bits
            if question.kind != .multichoice {
                groups.append(AnswerGroup(question: question.id, columns: group,
                                          alwaysAnswered: question.required && question.when == nil))
            }
        }
        var actionBits: [String: Int] = [:]
        for action in form.actions {
            actionBits[action.id] = columns.count
            columns.append(ReportColumn(id: "anbefalet.\(action.id)", header: "Anbefalet: \(action.label)",
                                        kind: .recommended(action: action.id)))
        }
        overridesColumn = columns.count
        columns.append(ReportColumn(id: "overstyret", header: "Anbefaling overstyret", kind: .overrides))
        var followupColumns: [String: Int] = [:]
        for action in form.actions where action.flags {
            followupColumns[action.id] = columns.count
            columns.append(ReportColumn(id: "udfoert.\(action.id)", header: "Udført: \(action.label)",
                                        kind: .followupDone(action: action.id)))
        }
        self.columns = columns
        self.answerBits = answerBits
        self.actionBits = actionBits
        self.followupColumns = followupColumns
        answerGroups = groups
    }

    /// The bits (column indices) that `answers` and `actions` set.
    func bits(answers: Answers, actions: [String]) -> ColumnBits {
        var bits = ColumnBits()
        for (question, values) in answerBits {
            guard let answer = answers[question] else { continue }
            switch answer {
            case .string(let value): if let bit = values[value] { bits.insert(bit) }
            case .strings(let chosen): for value in chosen { if let bit = values[value] { bits.insert(bit) } }
            case .bool(let value): if let bit = values[value ? "ja" : "nej"] { bits.insert(bit) }
            case .number: break
            }
        }
        for action in actions { if let bit = actionBits[action] { bits.insert(bit) } }
        return bits
    }
}

/// The columns of one question's answers, which add up to the number who answered it.
public struct AnswerGroup: Sendable, Hashable {
    /// The question's id.
    public let question: String
    /// The column indices.
    public let columns: [Int]
    /// The question is required and always shown, so every screening answers it and the columns add
    /// up to the row's screenings. Otherwise the number who answered is not shown but may be worked
    /// out elsewhere, so it is treated as known.
    public let alwaysAnswered: Bool
}

/// A small set of column indices: one inline word, more words only for very wide forms.
struct ColumnBits: Sendable, Hashable {
    /// Columns 0–63.
    var low: UInt64 = 0
    /// Columns from 64 on, 64 per word; nil when none is set.
    var high: [UInt64]?

    mutating func insert(_ index: Int) {
        if index < 64 { low |= 1 << UInt64(index); return }
        let word = index / 64 - 1
        var words = high ?? []
        while words.count <= word { words.append(0) }
        words[word] |= 1 << UInt64(index % 64)
        high = words
    }

    func contains(_ index: Int) -> Bool {
        if index < 64 { return low & (1 << UInt64(index)) != 0 }
        let word = index / 64 - 1
        guard let high, word < high.count else { return false }
        return high[word] & (1 << UInt64(index % 64)) != 0
    }
}
