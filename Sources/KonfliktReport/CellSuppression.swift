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
    /// Withheld, shown as `..`: it can be 0 or more. Every cell but the screenings of a row with fewer
    /// than N screenings, and the cells (zeros included) that the zeros and marks alone would give away.
    case withheld
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
    /// What a withheld cell shows.
    public static let withheldText = ".."

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
        case .withheld: return Self.withheldText
        }
    }

    /// Whether the cell is hidden.
    public func isHidden(row: Int, column: Int) -> Bool { marks[row][column] != .shown }
}

/// Small-cell suppression (Danmarks Statistik's rule for sensitive data), checked against everything
/// a reader knows (see docs/EXPORT.md).
///
/// 1. Withheld cells (`..`, 0 or more): every cell but the screenings of a row with 1…N−1 screenings.
///    Then every cell that could still be pinned from the zeros and the marks alone (audited as if every
///    non-zero count were hidden, so no complementary cell could help) is withheld itself; if it is
///    still pinned, the zeros in its relations are; if still, its whole row is. Repeated until no such
///    cell is left.
/// 2. Primary: elsewhere a count from 1 to N−1 is marked small (`<N`). Zeros and counts from N are shown.
/// 3. Audit: with every relation a reader knows (`ReportRelations`) and what the marks say (a small cell
///    is 1…N−1, an `x` cell is N or more, a withheld cell 0 or more), narrow every hidden cell's range by
///    propagating bounds through the relations (and the sums and differences of pairs of them) until
///    nothing changes. A hidden cell fails when its range is one value (a withheld cell narrowed to 0
///    reveals only a zero, which is shown everywhere else, and does not fail). Then once more from the
///    shown numbers alone (every hidden cell only known to be 0 or more): a small cell fails when the
///    shown numbers put it within 1…N (the protection interval 1…N−1 of statistical disclosure control,
///    with one value of slack because bounds propagation sees less than an exact solver).
/// 4. Repair: for each failing cell, hide a non-zero shown cell that shares a relation with it as `x`
///    (see `complement`), and audit again. Zeros are only ever withheld (`..`), never marked `x`.
public enum CellSuppression {
    /// The table with its cells marked as described.
    public static func apply(to table: ReportTable, minCell: Int) -> SuppressedTable {
        let threshold = max(minCell, 2)
        let relations = ReportRelations.relations(in: table)
        var byCell: [CellPosition: [Int]] = [:]
        for (index, relation) in relations.enumerated() {
            for term in relation.terms { byCell[term.cell, default: []].append(index) }
        }
        let value = { (cell: CellPosition) in table.rows[cell.row].values[cell.column] }
        // No cell is above the largest screenings count; a reader may know that much.
        let ceiling = max(table.rows.map { $0.values.first ?? 0 }.max() ?? 0, threshold)
        // Withheld (`..`, 0 or more): every cell but the screenings of a row with 1…N−1 screenings. Then
        // cells a reader could pin even if every non-zero count were hidden (from the zeros and the marks
        // alone, e.g. four periods of `<5` adding up to `alle` = `<5` are 1 each): no complementary cell
        // can help, so such a cell is withheld itself; if it is still pinned, the zeros in its relations
        // are; if still, its row is. Repeated until no such cell is left.
        var marks = table.rows.map { row in
            primaryMarks(row.values, withheld: row.values[0] > 0 && row.values[0] < threshold, threshold: threshold)
        }
        /// Publishes less about `cells`: withholds those not withheld yet; else the zeros in their relations;
        /// else their rows. False when there is nothing left to withhold.
        func withhold(_ cells: Set<CellPosition>) -> Bool {
            let own = cells.filter { marks[$0.row][$0.column] != .withheld }
            if !own.isEmpty {
                for cell in own { marks[cell.row][cell.column] = .withheld }
                return true
            }
            var zeros = Set<CellPosition>()
            for cell in cells {
                for index in byCell[cell] ?? [] {
                    // (A row without screenings is known to be all zeros: nothing to withhold there.)
                    for term in relations[index].terms where marks[term.cell.row][term.cell.column] == .shown
                        && value(term.cell) == 0 && table.rows[term.cell.row].values[0] > 0 {
                        zeros.insert(term.cell)
                    }
                }
            }
            if !zeros.isEmpty {
                for cell in zeros { marks[cell.row][cell.column] = .withheld }
                return true
            }
            var changed = false
            for row in Set(cells.map(\.row)) where table.rows[row].values[0] > 0 {
                for column in 1..<marks[row].count where marks[row][column] != .withheld {
                    marks[row][column] = .withheld
                    changed = true
                }
            }
            return changed
        }
        var inherent: Set<CellPosition> = []
        while true {
            let everything = marks.enumerated().map { index, row in
                row.enumerated().map { $1 == .shown && table.rows[index].values[$0] > 0 ? CellMark.protecting : $1 }
            }
            inherent = Set(BoundsAudit(relations: relations, byCell: byCell, marks: everything, value: value, minCell: threshold,
                                       ceiling: ceiling).failures(skipping: []))
            guard !inherent.isEmpty, withhold(inherent) else { break }
        }
        var unresolved = inherent
        while true {
            let audit = BoundsAudit(relations: relations, byCell: byCell, marks: marks, value: value, minCell: threshold,
                                    ceiling: ceiling)
            let failing = audit.failures(skipping: unresolved)
            guard !failing.isEmpty else { break }
            // Repair every failing cell found by this audit at once (then audit again): one more
            // hidden cell for each, unless an earlier repair in this round already touched its relations.
            // A cell with no shown non-zero cell around it is withheld instead, as above.
            var touched = Set<Int>()
            var stuck = Set<CellPosition>()
            for cell in failing {
                let own = byCell[cell] ?? []
                if own.contains(where: touched.contains) { continue }
                guard let next = complement(for: cell, relations: relations, byCell: byCell, marks: marks, value: value,
                                            minCell: threshold) else {
                    stuck.insert(cell)
                    continue
                }
                marks[next.row][next.column] = .protecting
                touched.formUnion(own)
                touched.formUnion(byCell[next] ?? [])
            }
            if !stuck.isEmpty && !withhold(stuck) { unresolved.formUnion(stuck) }
        }
        let exposed = unresolved.filter { marks[$0.row][$0.column] != .shown }.count
        return SuppressedTable(table: table, minCell: threshold, marks: marks, unresolved: exposed)
    }

    /// The marks before any complementary cell: a row with 1…N−1 screenings shows `<N` for them and
    /// withholds every other cell; elsewhere 1…N−1 is `<N` and the rest is shown.
    static func primaryMarks(_ values: [Int], withheld: Bool, threshold: Int) -> [CellMark] {
        values.enumerated().map { column, value in
            if withheld && column > 0 { return .withheld }
            return value > 0 && value < threshold ? .small : .shown
        }
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
/// subtracting published cells, repeated until nothing changes. Besides the relations themselves it
/// uses the sum or difference of every two relations that share a hidden cell when that leaves fewer
/// hidden cells (e.g. "high + won't say = 7" and "violence answers = high + won't say − 5" give
/// "violence answers = 2", which bounds alone do not see).
struct BoundsAudit {
    let relations: [LinearRelation]
    let byCell: [CellPosition: [Int]]
    let marks: [[CellMark]]
    let value: (CellPosition) -> Int
    let minCell: Int
    /// Every cell is at most this.
    let ceiling: Int

    /// A relation over hidden cells only (shown cells folded into the constant): Σ c·x (= or ≤) k.
    struct Reduced {
        var terms: [CellPosition: Int]
        var equal: Bool
        var constant: Int
    }

    /// The relations over hidden cells, with the pairwise combinations described above.
    func reduced() -> [Reduced] {
        var result: [Reduced] = []
        for relation in relations {
            var terms: [CellPosition: Int] = [:]
            var constant = relation.constant
            for term in relation.terms {
                if marks[term.cell.row][term.cell.column] == .shown {
                    constant -= term.coefficient * value(term.cell)
                } else {
                    terms[term.cell, default: 0] += term.coefficient
                }
            }
            terms = terms.filter { $0.value != 0 }
            if !terms.isEmpty { result.append(Reduced(terms: terms, equal: relation.kind == .equal, constant: constant)) }
        }
        let originals = result.count
        // Pairs already combined, as i·count + j (a set of two-element arrays cost most of the export's
        // time at a million events: an allocation and an array hash per pair).
        let pairBase = result.count + 1
        var seen = Set<Int>()
        for round in 0..<1 {
            var byHidden: [CellPosition: [Int]] = [:]
            for (index, relation) in result.enumerated() { for cell in relation.terms.keys { byHidden[cell, default: []].append(index) } }
            var combined: [Reduced] = []
            for (cell, indices) in byHidden.sorted(by: { ($0.key.row, $0.key.column) < ($1.key.row, $1.key.column) }) {
                for i in indices {
                    for j in indices where j != i && (round == 0 || i >= originals || j >= originals) && seen.insert(i * pairBase + j).inserted {
                        let a = result[i], b = result[j]
                        guard let ca = a.terms[cell], let cb = b.terms[cell], abs(ca) == abs(cb) else { continue }
                        // b + sign·a cancels `cell`; an inequality can only be added, an equality with either sign.
                        let sign = ca == cb ? -1 : 1
                        guard a.equal || sign == 1 else { continue }
                        var terms = b.terms
                        for (other, coefficient) in a.terms { terms[other, default: 0] += sign * coefficient }
                        terms = terms.filter { $0.value != 0 }
                        guard !terms.isEmpty, terms.count < max(a.terms.count, b.terms.count) else { continue }
                        combined.append(Reduced(terms: terms, equal: a.equal && b.equal, constant: b.constant + sign * a.constant))
                    }
                }
            }
            result += combined
        }
        return result
    }

    /// The range of every hidden cell, with the marks or (`usingMarks` false) from the shown numbers alone.
    func ranges(usingMarks: Bool = true) -> [CellPosition: (lo: Int, hi: Int)] {
        var bounds: [CellPosition: (lo: Int, hi: Int)] = [:]
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let cell = CellPosition(row: row, column: column)
                if !usingMarks { bounds[cell] = (0, ceiling); continue }
                switch mark {
                case .small: bounds[cell] = (1, minCell - 1)
                case .withheld: bounds[cell] = (0, ceiling)
                case .protecting, .shown: bounds[cell] = (minCell, ceiling)
                }
            }
        }
        let relations = reduced()
        var uses: [CellPosition: [Int]] = [:]
        for (index, relation) in relations.enumerated() { for cell in relation.terms.keys { uses[cell, default: []].append(index) } }
        var queue = Array(relations.indices.reversed())
        var queued = Set(queue)
        var steps = 0
        while let index = queue.popLast(), steps < 400_000 {
            queued.remove(index)
            steps += 1
            let relation = relations[index]
            var minSum = 0, maxSum = 0
            for (cell, c) in relation.terms {
                guard let range = bounds[cell] else { continue }
                minSum += c > 0 ? c * range.lo : c * range.hi
                maxSum += c > 0 ? c * range.hi : c * range.lo
            }
            for (cell, c) in relation.terms {
                guard let range = bounds[cell] else { continue }
                let ownMin = c > 0 ? c * range.lo : c * range.hi
                let ownMax = c > 0 ? c * range.hi : c * range.lo
                // c·x ≤ k − (minSum − ownMin); with equality also c·x ≥ k − (maxSum − ownMax).
                let upper = relation.constant - (minSum - ownMin)
                let lower = relation.constant - (maxSum - ownMax)
                var lo = range.lo, hi = range.hi
                if c > 0 {
                    hi = min(hi, Self.floorDivide(upper, c))
                    if relation.equal { lo = max(lo, Self.ceilDivide(lower, c)) }
                } else {
                    lo = max(lo, Self.ceilDivide(upper, c))
                    if relation.equal { hi = min(hi, Self.floorDivide(lower, c)) }
                }
                if lo > range.lo || hi < range.hi, lo <= hi {
                    bounds[cell] = (lo, hi)
                    for other in uses[cell] ?? [] where !queued.contains(other) {
                        queue.append(other)
                        queued.insert(other)
                    }
                }
            }
        }
        return bounds
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func ceilDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) == (b < 0)) ? q + 1 : q
    }

    /// The hidden cells (table order) a reader can narrow too far, not counting `skipping`.
    func failures(skipping: Set<CellPosition>) -> [CellPosition] {
        let all = ranges()
        let ordered = all.keys.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        var result: [CellPosition] = []
        for cell in ordered where !skipping.contains(cell) {
            // A withheld cell worked out to be 0 reveals a zero, which is shown everywhere else.
            if let range = all[cell], range.lo >= range.hi, !(marks[cell.row][cell.column] == .withheld && range.hi == 0) {
                result.append(cell)
            }
        }
        let unmarked = ranges(usingMarks: false)
        for cell in ordered where !skipping.contains(cell) && marks[cell.row][cell.column] == .small {
            // One value of slack above N−1: bounds propagation is weaker than solving exactly.
            if let range = unmarked[cell], range.lo >= 1, range.hi <= minCell, !result.contains(cell) { result.append(cell) }
        }
        return result
    }
}
