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
    /// Cells are numbered `row · width + column` (see `cellNumber`), terms sorted by cell, no zeros.
    struct Reduced {
        var terms: [(cell: Int, coefficient: Int)]
        var equal: Bool
        var constant: Int

        /// The coefficient of `cell`, if the relation has it.
        func coefficient(of cell: Int) -> Int? {
            var low = 0, high = terms.count - 1
            while low <= high {
                let middle = (low + high) / 2
                if terms[middle].cell == cell { return terms[middle].coefficient }
                if terms[middle].cell < cell { low = middle + 1 } else { high = middle - 1 }
            }
            return nil
        }
    }

    /// The widest row: cells are numbered `row · width + column`, so the audit works on arrays, not on
    /// dictionaries keyed by position (hashing positions was most of an export's time). Worked out once:
    /// `cellNumber` is called for every term of every relation.
    let width: Int

    init(relations: [LinearRelation], byCell: [CellPosition: [Int]], marks: [[CellMark]], value: @escaping (CellPosition) -> Int,
         minCell: Int, ceiling: Int) {
        self.relations = relations
        self.byCell = byCell
        self.marks = marks
        self.value = value
        self.minCell = minCell
        self.ceiling = ceiling
        var width = 0
        for row in marks { width = max(width, row.count) }
        self.width = width
    }

    func cellNumber(_ cell: CellPosition) -> Int { cell.row * width + cell.column }

    /// `a` + `sign`·`b`, both sorted by cell, without zero terms.
    static func combine(_ a: [(cell: Int, coefficient: Int)], _ b: [(cell: Int, coefficient: Int)],
                        sign: Int) -> [(cell: Int, coefficient: Int)] {
        var result: [(cell: Int, coefficient: Int)] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].cell < b[j].cell) {
                result.append(a[i]); i += 1
            } else if i == a.count || b[j].cell < a[i].cell {
                result.append((b[j].cell, sign * b[j].coefficient)); j += 1
            } else {
                let sum = a[i].coefficient + sign * b[j].coefficient
                if sum != 0 { result.append((a[i].cell, sum)) }
                i += 1; j += 1
            }
        }
        return result
    }

    /// The relations over hidden cells, with the pairwise combinations described above.
    func reduced() -> [Reduced] {
        var result: [Reduced] = []
        for relation in relations {
            var terms: [(cell: Int, coefficient: Int)] = []
            var constant = relation.constant
            for term in relation.terms {
                if marks[term.cell.row][term.cell.column] == .shown {
                    constant -= term.coefficient * value(term.cell)
                } else {
                    terms.append((cellNumber(term.cell), term.coefficient))
                }
            }
            terms.sort { $0.cell < $1.cell }
            terms = Self.combine([], terms, sign: 1)       // merges repeated cells, drops zeros
            if !terms.isEmpty { result.append(Reduced(terms: terms, equal: relation.kind == .equal, constant: constant)) }
        }
        let count = result.count
        var byHidden: [Int: [Int]] = [:]
        for (index, relation) in result.enumerated() { for term in relation.terms { byHidden[term.cell, default: []].append(index) } }
        // Pairs already combined, as i·count + j (room made for all of them at once: growing the set
        // was a fifth of an export's time).
        var seen = Set<Int>()
        seen.reserveCapacity(byHidden.values.reduce(0) { $0 + $1.count * ($1.count - 1) })
        var combined: [Reduced] = []
        for (cell, indices) in byHidden.sorted(by: { $0.key < $1.key }) {
            for i in indices {
                for j in indices where j != i && seen.insert(i * count + j).inserted {
                    let a = result[i], b = result[j]
                    guard let ca = a.coefficient(of: cell), let cb = b.coefficient(of: cell), abs(ca) == abs(cb) else { continue }
                    // b + sign·a cancels `cell`; an inequality can only be added, an equality with either sign.
                    let sign = ca == cb ? -1 : 1
                    guard a.equal || sign == 1 else { continue }
                    let terms = Self.combine(b.terms, a.terms, sign: sign)
                    guard !terms.isEmpty, terms.count < max(a.terms.count, b.terms.count) else { continue }
                    combined.append(Reduced(terms: terms, equal: a.equal && b.equal, constant: b.constant + sign * a.constant))
                }
            }
        }
        return result + combined
    }

    /// The range of every hidden cell, with the marks or (`usingMarks` false) from the shown numbers alone.
    func ranges(usingMarks: Bool = true, relations given: [Reduced]? = nil) -> [CellPosition: (lo: Int, hi: Int)] {
        let width = self.width
        let size = marks.count * width
        var hidden = [Bool](repeating: false, count: size)
        var low = [Int](repeating: 0, count: size), high = [Int](repeating: 0, count: size)
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let cell = row * width + column
                hidden[cell] = true
                let range: (Int, Int)
                if !usingMarks { range = (0, ceiling) } else {
                    switch mark {
                    case .small: range = (1, minCell - 1)
                    case .withheld: range = (0, ceiling)
                    case .protecting, .shown: range = (minCell, ceiling)
                    }
                }
                (low[cell], high[cell]) = range
            }
        }
        let relations = given ?? reduced()
        var uses = [[Int]](repeating: [], count: size)
        for (index, relation) in relations.enumerated() { for term in relation.terms { uses[term.cell].append(index) } }
        var queue = Array(relations.indices.reversed())
        var queued = [Bool](repeating: true, count: relations.count)
        var steps = 0
        while let index = queue.popLast(), steps < 400_000 {
            queued[index] = false
            steps += 1
            let relation = relations[index]
            var minSum = 0, maxSum = 0
            for (cell, c) in relation.terms where hidden[cell] {
                minSum += c > 0 ? c * low[cell] : c * high[cell]
                maxSum += c > 0 ? c * high[cell] : c * low[cell]
            }
            for (cell, c) in relation.terms where hidden[cell] {
                let rangeLo = low[cell], rangeHi = high[cell]
                let ownMin = c > 0 ? c * rangeLo : c * rangeHi
                let ownMax = c > 0 ? c * rangeHi : c * rangeLo
                // c·x ≤ k − (minSum − ownMin); with equality also c·x ≥ k − (maxSum − ownMax).
                let upper = relation.constant - (minSum - ownMin)
                let lower = relation.constant - (maxSum - ownMax)
                var lo = rangeLo, hi = rangeHi
                if c > 0 {
                    hi = min(hi, Self.floorDivide(upper, c))
                    if relation.equal { lo = max(lo, Self.ceilDivide(lower, c)) }
                } else {
                    lo = max(lo, Self.ceilDivide(upper, c))
                    if relation.equal { hi = min(hi, Self.floorDivide(lower, c)) }
                }
                if lo > rangeLo || hi < rangeHi, lo <= hi {
                    low[cell] = lo
                    high[cell] = hi
                    for other in uses[cell] where !queued[other] {
                        queue.append(other)
                        queued[other] = true
                    }
                }
            }
        }
        var bounds: [CellPosition: (lo: Int, hi: Int)] = [:]
        for cell in 0..<size where hidden[cell] {
            bounds[CellPosition(row: cell / width, column: cell % width)] = (low[cell], high[cell])
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
        // The reduced relations depend only on which cells are hidden: made once for both audits.
        let relations = reduced()
        let all = ranges(relations: relations)
        let ordered = all.keys.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        var result: [CellPosition] = []
        for cell in ordered where !skipping.contains(cell) {
            // A withheld cell worked out to be 0 reveals a zero, which is shown everywhere else.
            if let range = all[cell], range.lo >= range.hi, !(marks[cell.row][cell.column] == .withheld && range.hi == 0) {
                result.append(cell)
            }
        }
        let unmarked = ranges(usingMarks: false, relations: relations)
        for cell in ordered where !skipping.contains(cell) && marks[cell.row][cell.column] == .small {
            // One value of slack above N−1: bounds propagation is weaker than solving exactly.
            if let range = unmarked[cell], range.lo >= 1, range.hi <= minCell, !result.contains(cell) { result.append(cell) }
        }
        return result
    }
}
