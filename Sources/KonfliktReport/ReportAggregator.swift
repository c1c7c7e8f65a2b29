import Crypto
import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// Which screenings to count and how to group them.
public struct ReportOptions: Sendable, Hashable {
    /// The period grouping.
    public var granularity: PeriodGranularity
    /// The first visit date counted (inclusive), if any.
    public var from: LocalDate?
    /// The last visit date counted (inclusive), if any.
    public var to: LocalDate?

    /// Options for a report.
    public init(granularity: PeriodGranularity = .quarter, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.granularity = granularity
        self.from = from
        self.to = to
    }
}

/// One row of counts: a period and a visit (`2mdr`, `8mdr`, `ukendt`) or the period's total (`i alt`).
public struct ReportRow: Sendable, Hashable {
    /// The period label, e.g. `2026K1`.
    public var period: String
    /// The visit id, `ukendt` (no known visit) or `i alt` (the period's total).
    public var visit: String
    /// One count per column of the layout.
    public var values: [Int]

    /// The row label of a period's total.
    public static let totalLabel = "i alt"
    /// The row label of screenings without a known visit.
    public static let unknownVisitLabel = "ukendt"

    /// Whether this is a period's total row.
    public var isTotal: Bool { visit == ReportRow.totalLabel }
}

/// The counts before suppression, with what they cover.
public struct ReportTable: Sendable {
    /// The columns.
    public var layout: ReportLayout
    /// The options the table was made with.
    public var options: ReportOptions
    /// Per period (ascending, gaps filled with zero rows): one row per visit, `ukendt` when the period
    /// has screenings without a known visit, then the total.
    public var rows: [ReportRow]
    /// The form versions of the counted screenings, ascending.
    public var formVersions: [Int]
    /// SHA-256 (hex) over the data directory's files and head hashes (see docs/EXPORT.md).
    public var dataFingerprint: String
    /// Screenings counted.
    public var screeningsCounted: Int
    /// Screenings of other forms, not counted.
    public var otherFormScreenings: Int
    /// Corrections and follow-ups whose screening is not in the log, not counted.
    public var orphans: Int

    /// The period labels in order.
    public var periods: [String] {
        var seen: [String] = []
        for row in rows where seen.last != row.period { seen.append(row.period) }
        return seen
    }
}

/// Counts the screenings of a case index into the export's table: each record holds the answers,
/// actions and follow-up statuses in force (see `CaseRules`), so counting is one pass over records.
public enum ReportAggregator {
    /// The counts of `store`'s screenings for `layout` and `options`.
    public static func table(_ store: CaseStore, layout: ReportLayout, options: ReportOptions) -> ReportTable {
        let index = store.index
        let schema = index.schema
        // Column per kept answer-value bit and per action bit.
        var answerColumns: [(bit: Int, column: Int)] = []
        for (question, values) in layout.answerBits {
            for (value, column) in values {
                if let bit = schema.answerBit(question: question, value: value) { answerColumns.append((bit, column)) }
            }
        }
        var actionColumns: [(bit: Int, column: Int)] = []
        for (action, column) in layout.actionBits {
            if let bit = schema.actionBit(action) { actionColumns.append((bit, column)) }
        }
        var followupColumns: [(bit: Int, column: Int)] = []
        for (action, column) in layout.followupColumns {
            if let bit = schema.actionBit(action) { followupColumns.append((bit, column)) }
        }
        let width = layout.columns.count
        let visitRows = layout.visits.count + 1 // the last is `ukendt`
        let from = options.from.map { Int32(clamping: $0.dayNumber) }
        let to = options.to.map { Int32(clamping: $0.dayNumber) }
        var counts: [Int: [[Int]]] = [:]
        var periodOfDay: [Int32: Int] = [:]
        var versions = Set<Int>()
        var counted = 0, otherForm = 0
        for record in index.records {
            if record.isOtherForm { otherForm += 1; continue }
            let day = record.startDay
            if let from, day < from { continue }
            if let to, day > to { continue }
            let period: Int
            if let known = periodOfDay[day] { period = known } else {
                period = options.granularity.key(of: LocalDate(dayNumber: Int(day)))
                periodOfDay[day] = period
            }
            let visit = record.visit >= 0 && Int(record.visit) < layout.visits.count ? Int(record.visit) : layout.visits.count
            counted += 1
            versions.insert(Int(record.formVersion))
            var table = counts.removeValue(forKey: period)
                ?? Array(repeating: Array(repeating: 0, count: width), count: visitRows)
            table[visit][0] += 1
            for (bit, column) in answerColumns where record.answers.contains(bit) { table[visit][column] += 1 }
            for (bit, column) in actionColumns where record.recommended & (1 << UInt64(bit)) != 0 { table[visit][column] += 1 }
            for (bit, column) in followupColumns where record.done & (1 << UInt64(bit)) != 0 { table[visit][column] += 1 }
            if record.isOverridden { table[visit][layout.overridesColumn] += 1 }
            counts[period] = table
        }
        var rows: [ReportRow] = []
        if let first = counts.keys.min(), let last = counts.keys.max() {
            for period in first...last {
                let label = options.granularity.label(ofKey: period)
                let table = counts[period] ?? Array(repeating: Array(repeating: 0, count: width), count: visitRows)
                var total = Array(repeating: 0, count: width)
                for (row, values) in table.enumerated() {
                    for column in 0..<width { total[column] += values[column] }
                    if row < layout.visits.count {
                        rows.append(ReportRow(period: label, visit: layout.visits[row], values: values))
                    } else if values[0] > 0 {
                        rows.append(ReportRow(period: label, visit: ReportRow.unknownVisitLabel, values: values))
                    }
                }
                rows.append(ReportRow(period: label, visit: ReportRow.totalLabel, values: total))
            }
        }
        return ReportTable(layout: layout, options: options, rows: rows, formVersions: versions.sorted(),
                           dataFingerprint: fingerprint(index.files), screeningsCounted: counted,
                           otherFormScreenings: otherForm, orphans: index.orphanCount)
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
