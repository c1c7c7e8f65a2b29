import Crypto
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// Turns the case index's records into `ScreeningFacts` and counts them with a `ReportTableBuilder`.
/// This is the only part of the export that knows the case index; the table, the suppression and the
/// writers see facts only. Each record already holds the answers, recommended and in-force actions and
/// follow-up statuses in force (see `CaseRules`), so this is one pass over records.
public enum ReportAggregator {
    /// Calls `body` with the facts of every screening of the index's form and how many screenings
    /// share them; returns how many screenings of other forms were skipped. `group` gives the part of
    /// the date the caller counts by (its period), or nil to leave the screening out: screenings with
    /// the same group and the same counted facts are counted together, so the table is built from a
    /// few thousand facts instead of one per screening.
    @discardableResult
    public static func facts(_ store: CaseStore, layout: ReportLayout, group: (LocalDate) -> Int?,
                             _ body: (ScreeningFacts, Int) -> Void) -> Int {
        let schema = store.index.schema
        let counted = Set(layout.questions.map(\.id))
        var countedAnswers = AnswerBits()
        for (bit, key) in schema.answerValues.enumerated() where counted.contains(key.question) {
            if bit < 64 { countedAnswers.low |= 1 << UInt64(bit) } else { countedAnswers.high |= 1 << UInt64(bit - 64) }
        }
        var otherForm = 0
        var groupOfDay: [Int32: Int?] = [:]
        var groups: [TallyKey: (first: Int, count: Int)] = [:]
        let records = store.index.records
        for (position, record) in records.enumerated() {
            if record.isOtherForm { otherForm += 1; continue }
            let day = record.startDay
            let period: Int?
            if let known = groupOfDay[day] { period = known } else {
                period = group(LocalDate(dayNumber: Int(day)))
                groupOfDay[day] = period
            }
            guard let period else { continue }
            let key = TallyKey(period: period, visit: record.visit, formVersion: record.formVersion,
                               answersLow: record.answers.low & countedAnswers.low,
                               answersHigh: record.answers.high & countedAnswers.high,
                               recommended: record.recommended, inForce: record.inForce, tracked: record.tracked,
                               statuses: record.statuses,
                               overridden: record.isOverridden)
            groups[key, default: (position, 0)].count += 1
        }
        for (_, group) in groups {
            body(facts(of: records[group.first], schema: schema, countedAnswers: countedAnswers), group.count)
        }
        return otherForm
    }

    /// The facts of one screening's record.
    static func facts(of record: CaseRecord, schema: CaseSchema, countedAnswers: AnswerBits) -> ScreeningFacts {
        var answers: [String: [String]] = [:]
        for (bit, key) in schema.answerValues.enumerated() where record.answers.contains(bit) && countedAnswers.contains(bit) {
            answers[key.question, default: []].append(key.value)
        }
        var statuses: [String: String] = [:]
        for (bit, action) in schema.actions.enumerated() where record.tracked & (1 << UInt64(bit)) != 0 {
            let status = record.status(ofBit: bit, schema: schema)
            if status.id != nil { statuses[action] = status.key }
        }
        let visit = record.visit >= 0 && Int(record.visit) < schema.visits.count ? schema.visits[Int(record.visit)] : nil
        return ScreeningFacts(visit: visit, date: LocalDate(dayNumber: Int(record.startDay)),
                              formVersion: Int(record.formVersion), answers: answers,
                              recommended: schema.actions(in: record.recommended), final: schema.actions(in: record.inForce),
                              overridden: record.isOverridden, statuses: statuses)
    }

    /// What the table counts of a screening, apart from its facts' date: the period it falls in.
    private struct TallyKey: Hashable {
        var period: Int
        var visit: Int8
        var formVersion: Int32
        var answersLow: UInt64, answersHigh: UInt64
        var recommended: UInt64, inForce: UInt64, tracked: UInt64
        var statuses: StatusCodes
        var overridden: Bool
    }

    /// The counts of `store`'s screenings for `layout` and `options`.
    public static func table(_ store: CaseStore, layout: ReportLayout, options: ReportOptions) -> ReportTable {
        var builder = ReportTableBuilder(layout: layout, options: options)
        let otherForm = facts(store, layout: layout, group: { date in
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
