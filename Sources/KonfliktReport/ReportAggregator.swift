import Crypto
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// Turns the case index's tallies into `ScreeningFacts` and counts them with a `ReportTableBuilder`.
/// This is the only part of the export that knows the case index; the table, the suppression and the
/// writers see facts only. Each record already holds the answers, recommended and in-force actions and
/// follow-up statuses in force (see `CaseRules`), and the index gives them as tally keys with counts
/// (`CaseStore.tallies`): from its records, or from the tallies saved with it and the screenings folded
/// since. Either way this is one pass over (key, count) pairs.
public enum ReportAggregator {
    /// The counts of `store`'s screenings for `layout` and `options`. One pass over the index's (tally
    /// key, count) pairs (tens of thousands at 1,000,000 events): each key's day gives its period (worked
    /// out once per day), and the rest of the key, with only the counted answers, the cells it counts in
    /// (once per distinct rest, put together from the cells of its answers and those of its actions, each
    /// worked out once). Throws when the index must be read again from the log and cannot be (only for a
    /// store opened with a scope without the tallies).
    public static func table(_ store: CaseStore, layout: ReportLayout, options: ReportOptions) throws -> ReportTable {
        var store = store
        let schema = store.index.schema
        let counted = Set(layout.questions.map(\.id))
        var countedAnswers = AnswerBits()
        for (bit, key) in schema.answerValues.enumerated() where counted.contains(key.question) {
            if bit < 64 { countedAnswers.low |= 1 << UInt64(bit) } else { countedAnswers.high |= 1 << UInt64(bit - 64) }
        }
        var builder = ReportTableBuilder(layout: layout, options: options)
        // The saved tallies come sorted by day: the last day's period is nearly always the one asked for.
        var periodOfDay: [Int32: Int?] = [:]
        var lastDay: Int32 = .min, lastPeriod: Int? = nil
        var cellsOfKey: [TallyKey: ReportTableBuilder.Cells] = [:]
        // `ReportLayout.counted` counts answers and actions apart: the columns of a key are those of its
        // answers alone followed by those of its actions alone (without the screenings column again).
        var answerColumns: [AnswerBits: [Int]] = [:]
        var actionColumns: [TallyKey: [Int]] = [:]
        func columns(of key: TallyKey) -> [Int] {
            var actions = key
            actions.answers = AnswerBits()
            actions.visit = -1
            actions.formVersion = 0
            var answers = key
            (answers.recommended, answers.inForce, answers.tracked, answers.overridden) = (0, 0, 0, false)
            let ofAnswers = answerColumns[key.answers] ?? layout.counted(facts(of: answers, schema: schema, countedAnswers: countedAnswers))
            answerColumns[key.answers] = ofAnswers
            let ofActions = actionColumns[actions] ?? layout.counted(facts(of: actions, schema: schema, countedAnswers: countedAnswers))
            actionColumns[actions] = ofActions
            return ofAnswers + ofActions.dropFirst()
        }
        let otherForm = try store.tallies { key, count in
            let period: Int?
            if key.day == lastDay { period = lastPeriod } else if let known = periodOfDay[key.day] { period = known } else {
                period = builder.period(of: LocalDate(dayNumber: Int(key.day)))
                periodOfDay[key.day] = period
            }
            (lastDay, lastPeriod) = (key.day, period)
            guard let period else { return }
            var rest = key
            rest.day = 0
            rest.answers.low &= countedAnswers.low
            rest.answers.high &= countedAnswers.high
            let cells: ReportTableBuilder.Cells
            if let known = cellsOfKey[rest] { cells = known } else {
                let visit = rest.visit >= 0 && Int(rest.visit) < schema.visits.count ? schema.visits[Int(rest.visit)] : nil
                cells = ReportTableBuilder.Cells(visitRow: builder.visitRow(visit), columns: columns(of: rest),
                                                 formVersion: Int(rest.formVersion))
                cellsOfKey[rest] = cells
            }
            builder.add(cells, period: period, count: count)
        }
        return builder.table(dataFingerprint: fingerprint(store.index.files), otherFormScreenings: otherForm,
                             orphans: store.index.orphanCount)
    }

    /// The facts of the screenings with tally key `key` (its day gives their date).
    static func facts(of key: TallyKey, schema: CaseSchema, countedAnswers: AnswerBits) -> ScreeningFacts {
        var answers: [String: [String]] = [:]
        for (bit, value) in schema.answerValues.enumerated() where key.answers.contains(bit) && countedAnswers.contains(bit) {
            answers[value.question, default: []].append(value.value)
        }
        var statuses: [String: String] = [:]
        for (bit, action) in schema.actions.enumerated() where key.tracked & (1 << UInt64(bit)) != 0 {
            let status = key.status(ofBit: bit, schema: schema)
            if status.id != nil { statuses[action] = status.key }
        }
        let visit = key.visit >= 0 && Int(key.visit) < schema.visits.count ? schema.visits[Int(key.visit)] : nil
        return ScreeningFacts(visit: visit, date: LocalDate(dayNumber: Int(key.day)),
                              formVersion: Int(key.formVersion), answers: answers,
                              recommended: schema.actions(in: key.recommended), final: schema.actions(in: key.inForce),
                              overridden: key.overridden, statuses: statuses)
    }

    /// SHA-256 (hex) over `<file name> <head hash>\n` for every file with a readable event, sorted by name.
    static func fingerprint(_ files: [FileMark]) -> String {
        var hasher = SHA256()
        for file in files.sorted(by: { $0.name < $1.name }) where !file.headHash.isEmpty {
            hasher.update(data: Data("\(file.name) \(file.headHash)\n".utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
