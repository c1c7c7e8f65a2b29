import KonfliktCore

/// Which screenings to count and how to group them.
public struct ReportOptions: Sendable, Hashable {
    /// The period grouping.
    public var granularity: PeriodGranularity
    /// The first visit date counted (inclusive), if any.
    public var from: LocalDate?
    /// The last visit date counted (inclusive), if any.
    public var to: LocalDate?
    /// Only the total rows (`i alt`) are published, not the rows per visit.
    public var totalsOnly: Bool

    /// Options for a report.
    public init(granularity: PeriodGranularity = .quarter, from: LocalDate? = nil, to: LocalDate? = nil,
                totalsOnly: Bool = false) {
        self.granularity = granularity
        self.from = from
        self.to = to
        self.totalsOnly = totalsOnly
    }
}

/// One row of counts: a period (or all periods) and a visit (`2mdr`, `8mdr`, `ukendt`) or the total (`i alt`).
public struct ReportRow: Sendable, Hashable {
    /// The period label, e.g. `2026K1`, or `alle` for all periods together.
    public var period: String
    /// The visit id, `ukendt` (no known visit) or `i alt` (the period's total).
    public var visit: String
    /// One count per column of the layout.
    public var values: [Int]

    /// The row label of a period's total.
    public static let totalLabel = "i alt"
    /// The row label of screenings without a known visit.
    public static let unknownVisitLabel = "ukendt"
    /// The period label of the rows over all periods (only when there is more than one period).
    public static let allPeriodsLabel = "alle"

    /// Whether this is a total row (over visits).
    public var isTotal: Bool { visit == ReportRow.totalLabel }
    /// Whether this row covers all periods.
    public var isAllPeriods: Bool { period == ReportRow.allPeriodsLabel }
}

/// The counts before suppression, with what they cover. The CSV, JSON and HTML are all written from
/// this one table (after suppression), so they always show the same figures.
public struct ReportTable: Sendable {
    /// The columns.
    public var layout: ReportLayout
    /// The options the table was made with.
    public var options: ReportOptions
    /// Per period (ascending, gaps filled with zero rows): one row per visit, `ukendt` when the period
    /// has screenings without a known visit, then the total; with more than one period, the same rows
    /// for all periods together (period `alle`) at the end. With `totalsOnly`, only the total rows.
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

    /// The period labels in order (without `alle`).
    public var periods: [String] {
        var seen: [String] = []
        for row in rows where !row.isAllPeriods && seen.last != row.period { seen.append(row.period) }
        return seen
    }

    /// The table with only the total rows (`--totals-only`).
    public func totalsOnly() -> ReportTable {
        var copy = self
        copy.rows = rows.filter(\.isTotal)
        copy.options.totalsOnly = true
        return copy
    }
}

/// Counts screening facts into a table: the one place that decides which cell a screening counts in.
public struct ReportTableBuilder: Sendable {
    /// The columns.
    public let layout: ReportLayout
    /// The period grouping and date range.
    public let options: ReportOptions
    /// Per period key: one row of counts per visit, the last for `ukendt`.
    private var counts: [Int: [[Int]]] = [:]
    private var versions = Set<Int>()
    /// Screenings counted (inside the date range).
    public private(set) var counted = 0

    /// A builder for `layout` and `options`.
    public init(layout: ReportLayout, options: ReportOptions) {
        self.layout = layout
        self.options = options
    }

    /// Where a screening counts: its visit row (the last for `ukendt`), its columns and form version.
    struct Cells {
        var visitRow: Int
        var columns: [Int]
        var formVersion: Int
    }

    /// Where a screening with `facts` counts, whatever its date.
    func cells(of facts: ScreeningFacts) -> Cells {
        Cells(visitRow: visitRow(facts.visit), columns: layout.counted(facts), formVersion: facts.formVersion)
    }

    /// The row of `visit` in each period (the last for `ukendt`).
    func visitRow(_ visit: String?) -> Int {
        visit.flatMap { layout.visits.firstIndex(of: $0) } ?? layout.visits.count
    }

    /// The key of the period `date` counts in; nil outside the range.
    func period(of date: LocalDate) -> Int? {
        if let from = options.from, date < from { return nil }
        if let to = options.to, date > to { return nil }
        return options.granularity.key(of: date)
    }

    /// Counts `count` screenings with `facts` (nothing when their date is outside the range).
    public mutating func add(_ facts: ScreeningFacts, count: Int = 1) {
        guard let period = period(of: facts.date) else { return }
        add(cells(of: facts), period: period, count: count)
    }

    /// Counts `count` screenings in `cells` of the period with key `period` (inside the range).
    mutating func add(_ cells: Cells, period: Int, count: Int) {
        guard count > 0 else { return }
        let rows = layout.visits.count + 1, width = layout.columns.count
        counts[period, default: Array(repeating: Array(repeating: 0, count: width), count: rows)][cells.visitRow]
            .withUnsafeMutableBufferPointer { row in
                for column in cells.columns { row[column] += count }
            }
        versions.insert(cells.formVersion)
        counted += count
    }

    /// The table (see `ReportTable.rows`).
    public func table(dataFingerprint: String, otherFormScreenings: Int = 0, orphans: Int = 0) -> ReportTable {
        let width = layout.columns.count
        let zero = Array(repeating: 0, count: width)
        var rows: [ReportRow] = []
        var all = Array(repeating: zero, count: layout.visits.count + 1)
        var periodCount = 0
        if let first = counts.keys.min(), let last = counts.keys.max() {
            for period in first...last {
                periodCount += 1
                let table = counts[period] ?? Array(repeating: zero, count: layout.visits.count + 1)
                for (row, values) in table.enumerated() {
                    for column in 0..<width { all[row][column] += values[column] }
                }
                rows += Self.block(options.granularity.label(ofKey: period), table, visits: layout.visits)
            }
        }
        if periodCount > 1 { rows += Self.block(ReportRow.allPeriodsLabel, all, visits: layout.visits) }
        let table = ReportTable(layout: layout, options: options, rows: rows, formVersions: versions.sorted(),
                                dataFingerprint: dataFingerprint, screeningsCounted: counted,
                                otherFormScreenings: otherFormScreenings, orphans: orphans)
        return options.totalsOnly ? table.totalsOnly() : table
    }

    /// The rows of one period: one per visit, `ukendt` when it has screenings, then the total.
    private static func block(_ label: String, _ table: [[Int]], visits: [String]) -> [ReportRow] {
        var rows: [ReportRow] = []
        var total = Array(repeating: 0, count: table.first?.count ?? 0)
        for (row, values) in table.enumerated() {
            for column in values.indices { total[column] += values[column] }
            if row < visits.count {
                rows.append(ReportRow(period: label, visit: visits[row], values: values))
            } else if values[0] > 0 {
                rows.append(ReportRow(period: label, visit: ReportRow.unknownVisitLabel, values: values))
            }
        }
        rows.append(ReportRow(period: label, visit: ReportRow.totalLabel, values: total))
        return rows
    }
}
