import KonfliktCore

/// A linear relation between cells of a published table that a reader knows:
/// `Σ coefficient × cell` equals (or is at most) `constant`.
public struct LinearRelation: Sendable, Hashable {
    /// Equal to, or at most, the constant.
    public enum Kind: Sendable, Hashable {
        /// `Σ = constant`.
        case equal
        /// `Σ ≤ constant`.
        case atMost
    }

    /// One cell with its coefficient (+1 or −1).
    public struct Term: Sendable, Hashable {
        /// The cell.
        public var cell: CellPosition
        /// Its coefficient.
        public var coefficient: Int
    }

    /// The terms.
    public var terms: [Term]
    /// Equal or at most.
    public var kind: Kind
    /// The right-hand side.
    public var constant: Int
    /// Why the reader knows it (for the docs and test failures).
    public var reason: String

    /// Whether the relation holds for `value`.
    func holds(_ value: (CellPosition) -> Int) -> Bool {
        let sum = terms.reduce(0) { $0 + $1.coefficient * value($1.cell) }
        return kind == .equal ? sum == constant : sum <= constant
    }
}

/// The relations between the cells of a table that anyone who reads the export and the form knows.
/// Suppression must leave every hidden cell undetermined under all of them together.
///
/// 1. Visit rows add up to the period's total row (per column).
/// 2. Periods add up to the rows for all periods (per visit and column).
/// 3. Per row, the answer values of a single-choice or yes/no question add up to the number who
///    answered it: the screenings when it is required and always shown. Else its `when` bounds that
///    number by counted cells: a value of a counted question that always shows it gives "at least that
///    cell" (when the question is required); when it is shown only through such values, "at most their
///    sum". For `when: konfliktniveau != "lavt"` the two make an equality.
/// 4. Per row, what the rules make certain: a rule that fires on a value of a counted question alone
///    (`vold_mellem_foraeldre == "ja"` → report) gives "recommended ≥ that value's cell"; an action
///    whose every rule needs a value of one counted question (`interesse_gruppeforloeb == "begge" and
///    …` → course) gives "recommended ≤ those values' cells". Found by evaluating the rules over the
///    values of the fields they read, never by reading their text.
/// 5. Per row and action, final and recommended differ by at most the overrides.
/// 6. Per row and flagging action, the follow-up statuses add up to the final action.
/// 7. Every cell is at most its row's screenings.
///
/// A relation is only listed when it holds for the true counts (an older form version may break one).
public enum ReportRelations {
    /// The relations of `table`'s published rows.
    public static func relations(in table: ReportTable) -> [LinearRelation] {
        let layout = table.layout
        let rows = table.rows
        var result: [LinearRelation] = []
        func cell(_ row: Int, _ column: Int) -> CellPosition { CellPosition(row: row, column: column) }
        func term(_ row: Int, _ column: Int, _ coefficient: Int = 1) -> LinearRelation.Term {
            .init(cell: cell(row, column), coefficient: coefficient)
        }
        let width = layout.columns.count

        // 1. Visits add up to the total, per period.
        var blocks: [(period: String, rows: [Int])] = []
        for (index, row) in rows.enumerated() {
            if blocks.last?.period == row.period { blocks[blocks.count - 1].rows.append(index) } else { blocks.append((row.period, [index])) }
        }
        for block in blocks {
            let parts = block.rows.filter { !rows[$0].isTotal }
            guard let total = block.rows.first(where: { rows[$0].isTotal }), !parts.isEmpty else { continue }
            for column in 0..<width {
                result.append(LinearRelation(terms: parts.map { term($0, column) } + [term(total, column, -1)],
                                             kind: .equal, constant: 0, reason: "besøg i alt \(block.period)"))
            }
        }
        // 2. Periods add up to all periods, per visit.
        if let all = blocks.first(where: { $0.period == ReportRow.allPeriodsLabel }) {
            for allRow in all.rows {
                let parts = rows.indices.filter { !rows[$0].isAllPeriods && rows[$0].visit == rows[allRow].visit }
                guard !parts.isEmpty else { continue }
                for column in 0..<width {
                    result.append(LinearRelation(terms: parts.map { term($0, column) } + [term(allRow, column, -1)],
                                                 kind: .equal, constant: 0, reason: "perioder i alt \(rows[allRow].visit)"))
                }
            }
        }
        // 3–7 per row.
        let ruleRelations = RuleAnalysis.relations(layout: layout)
        for index in rows.indices {
            for question in layout.questions where question.kind != .multichoice {
                let parts = question.columns.map { term(index, $0) }
                if question.alwaysAnswered {
                    result.append(LinearRelation(terms: parts + [term(index, 0, -1)], kind: .equal, constant: 0,
                                                 reason: "svar på \(question.id) = screeninger"))
                    continue
                }
                if let hiddenBy = RuleAnalysis.hiddenBy(question, layout: layout) {
                    // Shown to every screening except those with these values: answered = screenings − them.
                    result.append(LinearRelation(terms: parts + hiddenBy.columns.map { term(index, $0) } + [term(index, 0, -1)],
                                                 kind: hiddenBy.required ? .equal : .atMost, constant: 0,
                                                 reason: "svar på \(question.id) = screeninger uden dem, det ikke stilles til"))
                }
                for bound in RuleAnalysis.answeredBounds(question, layout: layout) {
                    let shown = bound.columns.map { term(index, $0, bound.atLeast ? 1 : -1) }
                    result.append(LinearRelation(terms: shown + parts.map { .init(cell: $0.cell, coefficient: bound.atLeast ? -1 : 1) },
                                                 kind: .atMost, constant: 0, reason: "svar på \(question.id) og dets when"))
                }
            }
            for relation in ruleRelations {
                result.append(LinearRelation(terms: relation.terms.map { term(index, $0.column, $0.coefficient) },
                                             kind: .atMost, constant: 0, reason: relation.reason))
            }
            for action in layout.actions {
                for sign in [1, -1] {
                    result.append(LinearRelation(terms: [term(index, action.finalColumn, sign), term(index, action.recommendedColumn, -sign),
                                                         term(index, layout.overridesColumn, -1)],
                                                 kind: .atMost, constant: 0, reason: "endelig og anbefalet \(action.id)"))
                }
                if !action.statusColumns.isEmpty {
                    result.append(LinearRelation(terms: action.statusColumns.map { term(index, $0) } + [term(index, action.finalColumn, -1)],
                                                 kind: .equal, constant: 0, reason: "opfølgning \(action.id)"))
                }
            }
            for column in 1..<width {
                result.append(LinearRelation(terms: [term(index, column), term(index, 0, -1)], kind: .atMost, constant: 0,
                                             reason: "højst screeningerne"))
            }
        }
        return result.filter { relation in relation.holds { rows[$0.row].values[$0.column] } }
    }
}

/// What the form's `when`s and rules make certain, found by evaluating them.
enum RuleAnalysis {
    /// A relation within one row: `Σ coefficient × column ≤ 0`.
    struct RowRelation {
        var terms: [(column: Int, coefficient: Int)]
        var reason: String
    }

    /// For a question whose `when` reads one counted single-choice or yes/no question `p` and holds when
    /// `p` is unanswered: the columns of `p`'s values that hide it (`when: not (screening_gennemfoert ==
    /// false)` → the "Nej" column), and whether the question must be answered when shown.
    static func hiddenBy(_ question: ReportQuestion, layout: ReportLayout) -> (columns: [Int], required: Bool)? {
        guard let when = question.question.when, when.referencedFields.count == 1, let field = when.referencedFields.first,
              let shownBy = layout.questions.first(where: { $0.id == field }), shownBy.kind != .multichoice,
              let table = truthTable(when, form: layout.form),
              table.contains(where: { $0.assignment[field] == nil && $0.holds }) else { return nil }
        let columns = shownBy.values.enumerated().filter { value in
            table.contains { $0.assignment[field] == value.element.id && !$0.holds }
        }.map { shownBy.columns[$0.offset] }
        return (columns, question.question.required)
    }

    /// What a question's `when` says about how many answered it, as bounds by counted cells:
    /// `atLeast` (answered ≥ Σ columns) or not (answered ≤ Σ columns).
    static func answeredBounds(_ question: ReportQuestion, layout: ReportLayout) -> [(atLeast: Bool, columns: [Int])] {
        guard let when = question.question.when, let table = truthTable(when, form: layout.form) else { return [] }
        var result: [(Bool, [Int])] = []
        var sureByField: [String: Set<String>] = [:]
        var upperColumns: [Int] = []
        for shownBy in layout.questions where shownBy.kind != .multichoice && shownBy.id != question.id
            && when.referencedFields.contains(shownBy.id) {
            let sure = shownBy.values.enumerated().filter { value in
                table.filter { $0.assignment[shownBy.id] == value.element.id }.allSatisfy(\.holds)
            }
            guard !sure.isEmpty else { continue }
            sureByField[shownBy.id] = Set(sure.map(\.element.id))
            let columns = sure.map { shownBy.columns[$0.offset] }
            upperColumns += columns
            if question.question.required { result.append((true, columns)) }
        }
        // At most: when every way of showing it goes through one of those values.
        let covered = table.filter(\.holds).allSatisfy { row in
            sureByField.contains { field, values in row.assignment[field].map(values.contains) ?? false }
        }
        if covered, !upperColumns.isEmpty { result.append((false, upperColumns)) }
        return result
    }

    /// The rule relations of `layout`'s form (see `ReportRelations`).
    static func relations(layout: ReportLayout) -> [RowRelation] {
        let form = layout.form
        var result: [RowRelation] = []
        let counted = Dictionary(layout.questions.filter { $0.kind != .multichoice }.map { ($0.id, $0) },
                                 uniquingKeysWith: { a, _ in a })
        for action in layout.actions {
            let rules = form.rules.filter { $0.action == action.id }
            guard !rules.isEmpty else { continue }
            // Per rule and counted question: the values it can fire with, when it never fires without one.
            var perRule: [[String: Set<String>]?] = []
            for rule in rules {
                guard let table = truthTable(rule.when, form: form) else { perRule.append(nil); continue }
                var here: [String: Set<String>] = [:]
                for (field, question) in counted where rule.when.referencedFields.contains(field) {
                    // Lower bound: values for which the rule always fires.
                    let sure = question.values.enumerated().filter { value in
                        table.filter { $0.assignment[field] == value.element.id }.allSatisfy(\.holds)
                    }.map { question.columns[$0.offset] }
                    if !sure.isEmpty {
                        result.append(RowRelation(terms: sure.map { ($0, 1) } + [(action.recommendedColumn, -1)],
                                                  reason: "regel \(rule.id): \(field) giver \(action.id)"))
                    }
                    // Upper bound: the rule never fires without one of these values.
                    if !table.contains(where: { $0.holds && $0.assignment[field] == nil }) {
                        here[field] = Set(table.filter(\.holds).compactMap { $0.assignment[field] })
                    }
                }
                perRule.append(here)
            }
            var possible: [String: Set<String>]? = nil
            for here in perRule {
                guard let here else { possible = [:]; break }
                guard let current = possible else { possible = here; continue }
                var merged: [String: Set<String>] = [:]
                for (field, values) in here { if let old = current[field] { merged[field] = old.union(values) } }
                possible = merged
            }
            guard action.id != form.defaultActionID else { continue }
            for (field, values) in possible ?? [:] {
                guard let question = counted[field] else { continue }
                let columns = question.values.enumerated().filter { values.contains($0.element.id) }.map { question.columns[$0.offset] }
                result.append(RowRelation(terms: [(action.recommendedColumn, 1)] + columns.map { ($0, -1) },
                                          reason: "\(action.id) kun ved \(field)"))
            }
        }
        return result
    }

    /// The rule's value for every combination of the values of the fields it reads (absent included for
    /// a field that may be unanswered), or nil when a field is not a choice or yes/no question or there
    /// are too many combinations.
    static func truthTable(_ expression: Expression, form: Form) -> [(assignment: [String: String], holds: Bool)]? {
        var fields: [(id: String, values: [String?], kind: QuestionKind)] = []
        var size = 1
        for field in expression.referencedFields.sorted() {
            guard let question = form.question(id: field) else { return nil }
            var values: [String?]
            switch question.kind {
            case .choice: values = question.choices.map(\.id)
            case .yesno: values = ["ja", "nej"]
            default: return nil
            }
            if !(question.required && question.when == nil) { values.append(nil) }
            size *= values.count
            guard size <= 4096 else { return nil }
            fields.append((field, values, question.kind))
        }
        var result: [(assignment: [String: String], holds: Bool)] = []
        for combination in 0..<size {
            var rest = combination
            var assignment: [String: String] = [:]
            var answers: Answers = [:]
            for field in fields {
                let value = field.values[rest % field.values.count]
                rest /= field.values.count
                if let value {
                    assignment[field.id] = value
                    answers[field.id] = answer(value, field.kind)
                }
            }
            result.append((assignment, expression.holds(for: answers, today: today)))
        }
        return result
    }

    private static let today = LocalDate(year: 2000, month: 1, day: 1) ?? LocalDate(dayNumber: 0)

    private static func answer(_ value: String, _ kind: QuestionKind) -> AnswerValue {
        kind == .yesno ? .bool(value == "ja") : .string(value)
    }
}
