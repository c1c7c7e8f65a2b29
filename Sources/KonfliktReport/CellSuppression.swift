/// The position of one cell: row index and column index of a `ReportTable`.
public struct CellPosition: Sendable, Hashable {
    /// The row index.
    public var row: Int
    /// The column index.
    public var column: Int

    /// A cell position.
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// Cells whose values add up to a total a reader knows or may know. With `total` the total is a
/// shown cell of the table; without it the total is a number that is not shown but may be worked
/// out elsewhere (e.g. how many answered a question), so it is treated as known.
public struct ProtectedGroup: Sendable, Hashable {
    /// The parts.
    public var parts: [CellPosition]
    /// The total cell, when the table shows it.
    public var total: CellPosition?

    /// Every cell of the group (parts and the shown total).
    public var members: [CellPosition] { total.map { parts + [$0] } ?? parts }
}

/// A table with small cells hidden.
public struct SuppressedTable: Sendable {
    /// The counts (including the hidden ones, which must never be written).
    public var table: ReportTable
    /// The threshold N: counts 1…N−1 are hidden.
    public var minCell: Int
    /// Per row, per column: whether the cell is hidden.
    public var suppressed: [[Bool]]

    /// What a hidden cell shows, e.g. `<5`.
    public var suppressedText: String { "<\(minCell)" }

    /// The cell as shown: the count, or nil when hidden.
    public func shown(row: Int, column: Int) -> Int? {
        suppressed[row][column] ? nil : table.rows[row].values[column]
    }
}

/// Small-cell suppression (Danmarks Statistik's rule for sensitive data).
///
/// Primary: a count from 1 to N−1 is hidden; zeros are shown. Secondary: in every protected group
/// (see `groups(in:)`), when exactly one member is hidden it could be worked out by subtraction, so
/// one more member is hidden: the smallest non-zero one that is still shown (a zero only when no
/// non-zero member is left; ties go to the first in table order). This repeats over all groups until
/// nothing changes, so hiding a cell in one group protects it in the other groups too.
public enum CellSuppression {
    /// The table with its cells hidden as described.
    public static func apply(to table: ReportTable, minCell: Int) -> SuppressedTable {
        let threshold = max(minCell, 1)
        var hidden = table.rows.map { row in row.values.map { $0 > 0 && $0 < threshold } }
        let groups = groups(in: table)
        var changed = true
        while changed {
            changed = false
            for group in groups {
                let members = group.members
                let count = members.reduce(0) { $0 + (hidden[$1.row][$1.column] ? 1 : 0) }
                guard count == 1 else { continue }
                let candidates = members.filter { !hidden[$0.row][$0.column] }
                let value = { (cell: CellPosition) in table.rows[cell.row].values[cell.column] }
                let nonZero = candidates.filter { value($0) > 0 }
                let pool = nonZero.isEmpty ? candidates : nonZero
                guard let next = pool.min(by: { value($0) < value($1) }) else { continue }
                hidden[next.row][next.column] = true
                changed = true
            }
        }
        return SuppressedTable(table: table, minCell: threshold, suppressed: hidden)
    }

    /// The protected groups of `table`:
    /// - per period and column, the visit rows (`2mdr`, `8mdr`, `ukendt`) with the period's total row
    ///   as the shown total;
    /// - per row, the choices of each single-choice question and the `ja`/`nej` of each yes/no
    ///   question: with the row's screenings as the shown total when the question is required and
    ///   always shown, else with the number who answered as a total that is not shown but treated as
    ///   known (it may be worked out from other cells).
    public static func groups(in table: ReportTable) -> [ProtectedGroup] {
        var groups: [ProtectedGroup] = []
        var parts: [Int] = []
        for (index, row) in table.rows.enumerated() {
            if row.isTotal {
                for column in table.layout.columns.indices {
                    groups.append(ProtectedGroup(parts: parts.map { CellPosition(row: $0, column: column) },
                                                 total: CellPosition(row: index, column: column)))
                }
                parts = []
            } else {
                parts.append(index)
            }
        }
        for index in table.rows.indices {
            for group in table.layout.answerGroups {
                let parts = group.columns.map { CellPosition(row: index, column: $0) }
                if group.alwaysAnswered {
                    groups.append(ProtectedGroup(parts: parts, total: CellPosition(row: index, column: 0)))
                } else if parts.count >= 2 {
                    groups.append(ProtectedGroup(parts: parts, total: nil))
                }
            }
        }
        return groups
    }
}
