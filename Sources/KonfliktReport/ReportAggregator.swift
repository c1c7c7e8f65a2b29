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
    /// Calls `body` with the facts of every screening of the index's form and how many screenings
    /// share them; returns how many screenings of other forms were skipped. `group` gives the part of
    /// the date the caller counts by (its period), or nil to leave the screening out: screenings with
    /// the same group and the same counted facts are counted together, so the table is built from a
    /// few thousand facts instead of one per screening. Throws when the index must be read again from
    /// the log and cannot be (only for a store opened with a scope without the tallies).
    @discardableResult
    public static func facts(_ store: CaseStore, layout: ReportLayout, group: (LocalDate) -> Int?,
                             _ body: (ScreeningFacts, Int) -> Void) throws -> Int {
        var store = store
        let schema = store.index.schema
        let counted = Set(layout.questions.map(\.id))
        var countedAnswers = AnswerBits()
        for (bit, key) in schema.answerValues.enumerated() where counted.contains(key.question) {
            if bit < 64 { countedAnswers.low |= 1 << UInt64(bit) } else { countedAnswers.high |= 1 << UInt64(bit - 64) }
        }
        var groupOfDay: [Int32: Int?] = [:]
        // Per period and counted facts: the first key met (its day gives the facts' date) and the count.
        var groups: [PeriodTally: (first: TallyKey, count: Int)] = [:]
        let otherForm = try store.tallies { key, count in
            let period: Int?
            if let known = groupOfDay[key.day] { period = known } else {
                period = group(LocalDate(dayNumber: Int(key.day)))
                groupOfDay[key.day] = period
            }
            guard let period else { return }
            var counts = key
            counts.day = 0
            counts.answers.low &= countedAnswers.low
            counts.answers.high &= countedAnswers.high
            groups[PeriodTally(period: period, key: counts), default: (key, 0)].count += count
        }
        for (_, group) in groups {
            body(facts(of: group.first, schema: schema, countedAnswers: countedAnswers), group.count)
        }
        return otherForm
    }

    /// The facts of the screenings with tally key `key`.
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

    /// What the table counts of a screening: the period its day falls in and its tally key without the
    /// day, with only the counted answers.
    private struct PeriodTally: Hashable {
        var period: Int
        var key: TallyKey
    }

    /// The counts of `store`'s screenings for `layout` and `options`.
    public static func table(_ store: CaseStore, layout: ReportLayout, options: ReportOptions) throws -> ReportTable {
        var builder = ReportTableBuilder(layout: layout, options: options)
        let otherForm = try facts(store, layout: layout, group: { date in
            if let from = options.from, date < from { return nil }
            if let to = options.to, date > to { return nil }
            return options.granularity.key(of: date)
        }, { builder.add($0, count: $1) })
        return builder.table(dataFingerprint: fingerprint(store.index.files), otherFormScreenings: otherForm,
                             orphans: store.index.orphanCount)
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
