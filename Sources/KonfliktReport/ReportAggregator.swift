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
    /// Calls `body` with the facts of every screening of the index's form; returns how many screenings
    /// of other forms were skipped.
    @discardableResult
    public static func facts(_ store: CaseStore, layout: ReportLayout, _ body: (ScreeningFacts) -> Void) -> Int {
        let schema = store.index.schema
        let counted = Set(layout.questions.map(\.id))
        let answerValues = schema.answerValues.enumerated().filter { counted.contains($0.element.question) }
        var otherForm = 0
        for record in store.index.records {
            if record.isOtherForm { otherForm += 1; continue }
            var answers: [String: [String]] = [:]
            for (bit, key) in answerValues where record.answers.contains(bit) { answers[key.question, default: []].append(key.value) }
            var statuses: [String: FollowupStatus] = [:]
            for (bit, action) in schema.actions.enumerated() where record.tracked & (1 << UInt64(bit)) != 0 {
                switch record.status(ofBit: bit) {
                case .done: statuses[action] = .udfoert
                case .declined: statuses[action] = .afvist
                case .notRelevant: statuses[action] = .ikkeRelevant
                case .open: break
                }
            }
            let visit = record.visit >= 0 && Int(record.visit) < schema.visits.count ? schema.visits[Int(record.visit)] : nil
            body(ScreeningFacts(visit: visit, date: LocalDate(dayNumber: Int(record.startDay)), formVersion: Int(record.formVersion),
                                answers: answers, recommended: schema.actions(in: record.recommended),
                                final: schema.actions(in: record.inForce), overridden: record.isOverridden,
                                statuses: statuses))
        }
        return otherForm
    }

    /// The counts of `store`'s screenings for `layout` and `options`.
    public static func table(_ store: CaseStore, layout: ReportLayout, options: ReportOptions) -> ReportTable {
        var builder = ReportTableBuilder(layout: layout, options: options)
        let otherForm = facts(store, layout: layout) { builder.add($0) }
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
