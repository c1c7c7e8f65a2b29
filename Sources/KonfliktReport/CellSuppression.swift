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
    /// Hidden cells a reader may still pin down from the zeros and the marks alone (no complementary cell
    /// can help; the export warns and suggests a coarser grouping).
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
///    range is one value. Then once more from the shown numbers alone (every hidden cell only known to
///    be 0 or more): a small cell fails when the shown numbers put it within 1…N−1 (the protection
///    interval of statistical disclosure control: the published figures must not show it is small).
///    Cells that fail even with every non-zero count hidden (pinned by the zeros and marks alone) are
///    left out: nothing can repair them; they are counted in `unresolved` and the export warns.
/// 3. Repair: for each failing cell, hide the smallest non-zero shown cell that shares a relation
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
        // No cell is above the largest screenings count; a reader may know that much.
        let ceiling = max(table.rows.map { $0.values.first ?? 0 }.max() ?? 0, threshold)
        // Cells a reader could pin even if every non-zero count were hidden (from the zeros and the marks
        // alone, e.g. four different answers in a row of four screenings are 1 each): no complementary
        // cell can help them, so they are not repaired, only counted (the export warns).
        let everything = table.rows.map { row in row.values.map { $0 == 0 ? CellMark.shown : $0 < threshold ? .small : .protecting } }
        let inherent = Set(BoundsAudit(relations: relations, byCell: byCell, marks: everything, value: value, minCell: threshold,
                                       ceiling: ceiling).failures(skipping: []))
        var unresolved = inherent
        while true {
            let audit = BoundsAudit(relations: relations, byCell: byCell, marks: marks, value: value, minCell: threshold,
                                    ceiling: ceiling)
            let failing = audit.failures(skipping: unresolved)
            guard !failing.isEmpty else { break }
            // Repair every failing cell found by this audit at once (then audit again): one more
            // hidden cell for each, unless an earlier repair in this round already touched its relations.
            var touched = Set<Int>()
            for cell in failing {
                let own = byCell[cell] ?? []
                if own.contains(where: touched.contains) { continue }
                guard let next = complement(for: cell, relations: relations, byCell: byCell, marks: marks, value: value,
                                            minCell: threshold) else {
                    unresolved.insert(cell)
                    continue
                }
                marks[next.row][next.column] = .protecting
                touched.formUnion(own)
                touched.formUnion(byCell[next] ?? [])
            }
        }
        let exposed = unresolved.filter { marks[$0.row][$0.column] != .shown }.count
        return SuppressedTable(table: table, minCell: threshold, marks: marks, unresolved: exposed)
    }

    /// The cell to hide for `failing`: a non-zero shown cell in its relations (equalities first), else in
    /// the relations of the hidden cells linked to it, searching outwards ring by ring. Within a ring the
    /// smallest cell with room to spare (at least 2N−1, so that it can move by N−1 and stay N or more)
    /// wins, else the largest; ties go to the first in table order.
    static func complement(for failing: CellPosition, relations: [LinearRelation], byCell: [CellPosition: [Int]],
                           marks: [[CellMark]], value: (CellPosition) -> Int, minCell: Int) -> CellPosition? {
        func best(in indices: [Int]) -> CellPosition? {
            for kind in [LinearRelation.Kind.equal, .atMost] {
                let candidates = indices.filter { relations[$0].kind == kind }
                    .flatMap { relations[$0].terms.map(\.cell) }
                    .filter { marks[$0.row][$0.column] == .shown && value($0) > 0 }
                let roomy = candidates.filter { value($0) >= 2 * minCell - 1 }
                if let found = roomy.min(by: { (value($0), $0.row, $0.column) < (value($1), $1.row, $1.column) }) { return found }
                if let found = candidates.min(by: { (-value($0), $0.row, $0.column) < (-value($1), $1.row, $1.column) }) { return found }
            }
            return nil
        }
        var seen: Set<CellPosition> = [failing]
        var ring: [CellPosition] = [failing]
        var usedRelations = Set<Int>()
        while !ring.isEmpty {
            let indices = ring.flatMap { byCell[$0] ?? [] }.filter { usedRelations.insert($0).inserted }
            if let found = best(in: indices) { return found }
            var next: [CellPosition] = []
            for index in indices {
                for term in relations[index].terms where marks[term.cell.row][term.cell.column] != .shown && seen.insert(term.cell).inserted {
                    next.append(term.cell)
                }
            }
            ring = next.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        }
        return nil
    }
}

/// Bounds propagation over the relations: what a reader can narrow each hidden cell to by adding and
/// subtracting published cells, repeated until nothing changes.
struct BoundsAudit {
    let relations: [LinearRelation]
    let byCell: [CellPosition: [Int]]
    let marks: [[CellMark]]
    let value: (CellPosition) -> Int
    let minCell: Int
    /// Every cell is at most this.
    let ceiling: Int

    /// The range of every hidden cell, with the marks or (`usingMarks` false) from the shown numbers alone.
    func ranges(usingMarks: Bool = true) -> [CellPosition: (lo: Int, hi: Int)] {
        var bounds: [CellPosition: (lo: Int, hi: Int)] = [:]
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let cell = CellPosition(row: row, column: column)
                if !usingMarks { bounds[cell] = (0, ceiling); continue }
                bounds[cell] = mark == .small ? (1, minCell - 1) : (minCell, ceiling)
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
                let lower = relation.kind == .equal ? target - (maxSum - ownMax) : Int.min / 4
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

    /// The hidden cells (table order) a reader can narrow too far, not counting `skipping`.
    func failures(skipping: Set<CellPosition>) -> [CellPosition] {
        let all = ranges()
        let ordered = all.keys.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        var result: [CellPosition] = []
        for cell in ordered where !skipping.contains(cell) {
            if let range = all[cell], range.lo >= range.hi { result.append(cell) }
        }
        let unmarked = ranges(usingMarks: false)
        for cell in ordered where !skipping.contains(cell) && marks[cell.row][cell.column] == .small {
            if let range = unmarked[cell], range.lo >= 1, range.hi <= minCell - 1, !result.contains(cell) { result.append(cell) }
        }
        return result
    }
}
