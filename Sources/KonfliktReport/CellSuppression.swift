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

/// How a cell is published.
public enum CellMark: Sendable, Hashable {
    /// The count is shown (zeros always are).
    case shown
    /// A true count from 1 to N−1, shown as `<N`.
    case small
    /// Hidden so that a small cell cannot be worked out, shown as `x`; always N or more.
    case protecting
}

/// A table with small cells hidden.
public struct SuppressedTable: Sendable {
    /// The counts (including the hidden ones, which must never be written).
    public var table: ReportTable
    /// The threshold N: counts 1…N−1 are hidden.
    public var minCell: Int
    /// Per row, per column: how the cell is published.
    public var marks: [[CellMark]]
    /// Hidden cells the algorithm could not make undeterminable (should be none; reported as a warning).
    public var unresolved: Int

    /// What a small cell shows, e.g. `<5`.
    public var smallText: String { "<\(minCell)" }
    /// What a protecting cell shows.
    public static let protectingText = "x"

    /// The cell as shown: the count, or nil when hidden.
    public func shown(row: Int, column: Int) -> Int? {
        marks[row][column] == .shown ? table.rows[row].values[column] : nil
    }

    /// The cell's text: the count, `<N` or `x`.
    public func text(row: Int, column: Int) -> String {
        switch marks[row][column] {
        case .shown: return String(table.rows[row].values[column])
        case .small: return smallText
        case .protecting: return Self.protectingText
        }
    }

    /// Whether the cell is hidden.
    public func isHidden(row: Int, column: Int) -> Bool { marks[row][column] != .shown }
}

/// Small-cell suppression (Danmarks Statistik's rule for sensitive data), checked against everything
/// a reader knows (see docs/EXPORT.md).
///
/// 1. Primary: a count from 1 to N−1 is marked small (`<N`). Zeros and counts from N are shown.
/// 2. Audit: with every relation a reader knows (`ReportRelations`) and what the marks say (a small cell
///    is 1…N−1, an `x` cell is N or more, since zeros are never hidden), narrow every hidden cell's range
///    by propagating bounds through the relations until nothing changes. A hidden cell fails when its
///    range is one value, and a small cell also fails when the other cells alone (its own mark left
///    out) put it within 1…N−1.
/// 3. Repair: for the first failing cell, hide the smallest non-zero shown cell that shares a relation
///    with it (equalities first; ties: the first in table order) as `x`, and audit again. Zeros are
///    never hidden.
public enum CellSuppression {
    /// The table with its cells marked as described.
    public static func apply(to table: ReportTable, minCell: Int) -> SuppressedTable {
        let threshold = max(minCell, 2)
        var marks = table.rows.map { row in row.values.map { $0 > 0 && $0 < threshold ? CellMark.small : .shown } }
        let relations = ReportRelations.relations(in: table)
        var byCell: [CellPosition: [Int]] = [:]
        for (index, relation) in relations.enumerated() {
            for term in relation.terms { byCell[term.cell, default: []].append(index) }
        }
        let value = { (cell: CellPosition) in table.rows[cell.row].values[cell.column] }
        var unresolved = Set<CellPosition>()
        while true {
            let audit = BoundsAudit(relations: relations, byCell: byCell, marks: marks, value: value, minCell: threshold)
            guard let failing = audit.firstFailure(skipping: unresolved) else { break }
            guard let next = complement(for: failing, relations: relations, byCell: byCell, marks: marks, value: value) else {
                unresolved.insert(failing)
                continue
            }
            marks[next.row][next.column] = .protecting
        }
        return SuppressedTable(table: table, minCell: threshold, marks: marks, unresolved: unresolved.count)
    }

    /// The cell to hide for `failing`: the smallest non-zero shown cell in its relations (equalities
    /// first), else in the relations of the hidden cells it shares a relation with.
    static func complement(for failing: CellPosition, relations: [LinearRelation], byCell: [CellPosition: [Int]],
                           marks: [[CellMark]], value: (CellPosition) -> Int) -> CellPosition? {
        func best(in indices: [Int]) -> CellPosition? {
            for kind in [LinearRelation.Kind.equal, .atMost] {
                let candidates = indices.filter { relations[$0].kind == kind }
                    .flatMap { relations[$0].terms.map(\.cell) }
                    .filter { marks[$0.row][$0.column] == .shown && value($0) > 0 }
                if let found = candidates.min(by: { (value($0), $0.row, $0.column) < (value($1), $1.row, $1.column) }) {
                    return found
                }
            }
            return nil
        }
        let own = byCell[failing] ?? []
        if let found = best(in: own) { return found }
        let neighbours = Set(own.flatMap { relations[$0].terms.map(\.cell) }).filter { marks[$0.row][$0.column] != .shown }
        return best(in: neighbours.sorted { ($0.row, $0.column) < ($1.row, $1.column) }.flatMap { byCell[$0] ?? [] })
    }
}

/// Bounds propagation over the relations: what a reader can narrow each hidden cell to by adding and
/// subtracting published cells, repeated until nothing changes.
struct BoundsAudit {
    static let unbounded = 1 << 40
    let relations: [LinearRelation]
    let byCell: [CellPosition: [Int]]
    let marks: [[CellMark]]
    let value: (CellPosition) -> Int
    let minCell: Int

    /// The range of every hidden cell, with `relaxed` (if any) known only to be ≥ 0.
    func ranges(relaxing relaxed: CellPosition? = nil) -> [CellPosition: (lo: Int, hi: Int)] {
        var bounds: [CellPosition: (lo: Int, hi: Int)] = [:]
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let cell = CellPosition(row: row, column: column)
                if cell == relaxed { bounds[cell] = (0, Self.unbounded); continue }
                bounds[cell] = mark == .small ? (1, minCell - 1) : (minCell, Self.unbounded)
            }
        }
        var queue = Array(Set(bounds.keys.flatMap { byCell[$0] ?? [] })).sorted()
        var queued = Set(queue)
        var steps = 0
        while let index = queue.popLast(), steps < 200_000 {
            queued.remove(index)
            steps += 1
            let relation = relations[index]
            // Σ c·x (= or ≤) k: split into known part and hidden terms.
            var known = 0, minSum = 0, maxSum = 0
            var hidden: [(cell: CellPosition, coefficient: Int)] = []
            for term in relation.terms {
                if let range = bounds[term.cell] {
                    hidden.append((term.cell, term.coefficient))
                    minSum += term.coefficient > 0 ? range.lo : -range.hi
                    maxSum += term.coefficient > 0 ? range.hi : -range.lo
                } else {
                    known += term.coefficient * value(term.cell)
                }
            }
            let target = relation.constant - known
            for (cell, coefficient) in hidden {
                guard let range = bounds[cell] else { continue }
                let ownMin = coefficient > 0 ? range.lo : -range.hi
                let ownMax = coefficient > 0 ? range.hi : -range.lo
                // c·x ≤ target − (minSum − ownMin); with equality also c·x ≥ target − (maxSum − ownMax).
                let upper = target - (minSum - ownMin)
                let lower = relation.kind == .equal ? target - (maxSum - ownMax) : -Self.unbounded
                var lo = range.lo, hi = range.hi
                if coefficient > 0 {
                    hi = min(hi, upper)
                    if relation.kind == .equal { lo = max(lo, lower) }
                } else {
                    lo = max(lo, -upper)
                    if relation.kind == .equal { hi = min(hi, -lower) }
                }
                if lo > range.lo || hi < range.hi, lo <= hi {
                    bounds[cell] = (lo, hi)
                    for other in byCell[cell] ?? [] where !queued.contains(other) {
                        queue.append(other)
                        queued.insert(other)
                    }
                }
            }
        }
        return bounds
    }

    /// The first hidden cell (table order) a reader can narrow too far, not counting `skipping`.
    func firstFailure(skipping: Set<CellPosition>) -> CellPosition? {
        let all = ranges()
        let ordered = all.keys.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        for cell in ordered where !skipping.contains(cell) {
            if let range = all[cell], range.lo >= range.hi { return cell }
        }
        for cell in ordered where !skipping.contains(cell) && marks[cell.row][cell.column] == .small {
            if let range = ranges(relaxing: cell)[cell], range.lo >= 1, range.hi <= minCell - 1 { return cell }
        }
        return nil
    }
}
