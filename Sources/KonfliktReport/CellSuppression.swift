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
/// 4. Repair: for every failing cell of the audit, hide a non-zero shown cell that shares a relation with
///    it as `x` (see `complement`), and audit again. Zeros are only ever withheld (`..`), never marked `x`.
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
            inherent = Set(BoundsAudit(relations: relations, marks: everything, value: value, minCell: threshold,
                                       ceiling: ceiling).failures(skipping: []))
            guard !inherent.isEmpty, withhold(inherent) else { break }
        }
        var unresolved = inherent
        while true {
            let audit = BoundsAudit(relations: relations, marks: marks, value: value, minCell: threshold,
                                    ceiling: ceiling)
            let failing = audit.failures(skipping: unresolved)
            guard !failing.isEmpty else { break }
            // Repair every failing cell found by this audit at once (then audit again): one more hidden
            // cell for each, chosen with the marks as the earlier repairs of this round left them. (Until
            // 2026-12-01 a cell was skipped when an earlier repair of the round had touched its relations;
            // that took ten times the rounds and, chasing one pinned cell after another, hid more cells.)
            // A cell with no shown non-zero cell around it is withheld instead, as above.
            var stuck = Set<CellPosition>()
            var repaired = false
            for cell in failing {
                guard let next = complement(for: cell, relations: relations, byCell: byCell, marks: marks, value: value,
                                            minCell: threshold) else {
                    stuck.insert(cell)
                    continue
                }
                marks[next.row][next.column] = .protecting
                repaired = true
            }
            // A stuck cell may be safe after this round's repairs: withheld only when none was made.
            if !repaired && !stuck.isEmpty && !withhold(stuck) { unresolved.formUnion(stuck) }
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
///
/// An export audits the table once for every round of repairs (8–21 rounds for tables of 10–80 rows and
/// 80 columns, twice each), so the audit works on flat arrays: cells are numbered `row · width + column`,
/// the relations over hidden cells are one array of terms with offsets, and which relations use a cell
/// is a table of offsets too. No dictionary, set or per-relation array is made in the loops.
struct BoundsAudit {
    let relations: [LinearRelation]
    let marks: [[CellMark]]
    let value: (CellPosition) -> Int
    let minCell: Int
    /// Every cell is at most this.
    let ceiling: Int
    /// The widest row (see `cellNumber`), worked out once.
    let width: Int

    /// Relations over hidden cells only (shown cells folded into the constant): Σ c·x (= or ≤) k, one
    /// after another. Relation `r`'s terms are `cells[start[r]..<start[r + 1]]` with `coefficients` at
    /// the same places, sorted by cell, no zeros.
    struct Reduced {
        var start: [Int] = [0]
        var cells: [Int] = []
        var coefficients: [Int] = []
        var equal: [Bool] = []
        var constants: [Int] = []

        /// How many relations.
        var count: Int { equal.count }

        /// The places of relation `r`'s terms.
        func terms(_ r: Int) -> Range<Int> { start[r]..<start[r + 1] }

        /// The coefficient of `cell` in relation `r`, if it has it (binary search).
        func coefficient(of cell: Int, in r: Int) -> Int? {
            var low = start[r], high = start[r + 1] - 1
            while low <= high {
                let middle = (low + high) / 2
                if cells[middle] == cell { return coefficients[middle] }
                if cells[middle] < cell { low = middle + 1 } else { high = middle - 1 }
            }
            return nil
        }

        /// The first cell relations `a` and `b` share (both are sorted by cell).
        func firstShared(_ a: Int, _ b: Int) -> Int? {
            var i = start[a], j = start[b]
            let endA = start[a + 1], endB = start[b + 1]
            while i < endA && j < endB {
                if cells[i] == cells[j] { return cells[i] }
                if cells[i] < cells[j] { i += 1 } else { j += 1 }
            }
            return nil
        }

        /// The terms of `b + sign·a` in cell order (a cell in both merged, zeros dropped), one by one.
        func forEachCombined(_ b: Int, _ a: Int, sign: Int, _ body: (_ cell: Int, _ coefficient: Int) -> Void) {
            var i = start[b], j = start[a]
            let endB = start[b + 1], endA = start[a + 1]
            while i < endB || j < endA {
                if j == endA || (i < endB && cells[i] < cells[j]) {
                    body(cells[i], coefficients[i]); i += 1
                } else if i == endB || cells[j] < cells[i] {
                    body(cells[j], sign * coefficients[j]); j += 1
                } else {
                    let sum = coefficients[i] + sign * coefficients[j]
                    if sum != 0 { body(cells[i], sum) }
                    i += 1; j += 1
                }
            }
        }

        /// How many terms `b + sign·a` has, without making it.
        func combinedCount(_ b: Int, _ a: Int, sign: Int) -> Int {
            var n = 0
            forEachCombined(b, a, sign: sign) { _, _ in n += 1 }
            return n
        }

        /// Appends `b + sign·a` of `source` as a new relation.
        mutating func appendCombined(_ b: Int, _ a: Int, sign: Int, of source: Reduced, equal isEqual: Bool) {
            source.forEachCombined(b, a, sign: sign) { cell, coefficient in
                cells.append(cell)
                coefficients.append(coefficient)
            }
            start.append(cells.count)
            equal.append(isEqual)
            constants.append(source.constants[b] + sign * source.constants[a])
        }

        /// Appends a relation with `terms`.
        mutating func append(_ terms: [(cell: Int, coefficient: Int)], equal isEqual: Bool, constant: Int) {
            for term in terms {
                cells.append(term.cell)
                coefficients.append(term.coefficient)
            }
            start.append(cells.count)
            equal.append(isEqual)
            constants.append(constant)
        }

        /// Appends every relation of `other` after this one's.
        mutating func append(contentsOf other: Reduced) {
            let offset = cells.count
            cells.append(contentsOf: other.cells)
            coefficients.append(contentsOf: other.coefficients)
            start.append(contentsOf: other.start.dropFirst().map { $0 + offset })
            equal.append(contentsOf: other.equal)
            constants.append(contentsOf: other.constants)
        }

        /// Per cell (of `size`), the relations that have it, in relation order: relation numbers
        /// `list[offsets[cell]..<offsets[cell + 1]]`, each once.
        func uses(size: Int) -> (offsets: [Int], list: [Int]) {
            var offsets = [Int](repeating: 0, count: size + 1)
            for r in 0..<count {
                var previous = -1
                for place in terms(r) where cells[place] != previous {
                    offsets[cells[place] + 1] += 1
                    previous = cells[place]
                }
            }
            for cell in 0..<size { offsets[cell + 1] += offsets[cell] }
            var fill = offsets
            var list = [Int](repeating: 0, count: offsets[size])
            for r in 0..<count {
                var previous = -1
                for place in terms(r) where cells[place] != previous {
                    list[fill[cells[place]]] = r
                    fill[cells[place]] += 1
                    previous = cells[place]
                }
            }
            return (offsets, list)
        }
    }

    init(relations: [LinearRelation], marks: [[CellMark]], value: @escaping (CellPosition) -> Int, minCell: Int, ceiling: Int) {
        self.relations = relations
        self.marks = marks
        self.value = value
        self.minCell = minCell
        self.ceiling = ceiling
        var width = 0
        for row in marks { width = max(width, row.count) }
        self.width = width
    }

    /// How many cell numbers there are.
    var size: Int { marks.count * width }

    func cellNumber(_ cell: CellPosition) -> Int { cell.row * width + cell.column }

    /// The relations over hidden cells, followed by the pairwise combinations described above: for two
    /// relations whose first shared hidden cell has coefficients of the same size, `b ± a` when that
    /// cancels the cell and leaves fewer hidden cells than either (an inequality is only ever added).
    func reduced() -> Reduced {
        var base = Reduced()
        var terms: [(cell: Int, coefficient: Int)] = []
        for relation in relations {
            terms.removeAll(keepingCapacity: true)
            var constant = relation.constant
            for term in relation.terms {
                if marks[term.cell.row][term.cell.column] == .shown {
                    constant -= term.coefficient * value(term.cell)
                } else {
                    terms.append((cellNumber(term.cell), term.coefficient))
                }
            }
            terms.sort { $0.cell < $1.cell }
            if !terms.isEmpty { base.append(terms, equal: relation.kind == .equal, constant: constant) }
        }
        let uses = base.uses(size: size)
        var combined = Reduced()
        for cell in 0..<size where uses.offsets[cell + 1] - uses.offsets[cell] > 1 {
            let sharing = uses.list[uses.offsets[cell]..<uses.offsets[cell + 1]]
            // The cheap tests first (the same tests as ever, in another order): most pairs fail on the
            // coefficients or the sign before the two relations are walked.
            let coefficients = sharing.map { base.coefficient(of: cell, in: $0) ?? 0 }
            for (x, i) in sharing.enumerated() {
                let ca = coefficients[x], iEqual = base.equal[i]
                for (y, j) in sharing.enumerated() where j != i {
                    let cb = coefficients[y]
                    guard abs(ca) == abs(cb) else { continue }
                    // b + sign·a cancels `cell`; an inequality can only be added, an equality with either sign.
                    let sign = ca == cb ? -1 : 1
                    guard iEqual || sign == 1 else { continue }
                    // Each pair once, at the first cell the two share.
                    guard base.firstShared(i, j) == cell else { continue }
                    let n = base.combinedCount(j, i, sign: sign)
                    guard n > 0, n < max(base.terms(i).count, base.terms(j).count) else { continue }
                    combined.appendCombined(j, i, sign: sign, of: base, equal: iEqual && base.equal[j])
                }
            }
        }
        base.append(contentsOf: combined)
        return base
    }

    /// The range of every cell (by cell number; meaningful for hidden cells), with the marks or
    /// (`usingMarks` false) from the shown numbers alone.
    func ranges(usingMarks: Bool = true, relations given: Reduced? = nil,
                uses known: (offsets: [Int], list: [Int])? = nil) -> (low: [Int], high: [Int]) {
        let width = self.width
        let size = self.size
        var low = [Int](repeating: 0, count: size), high = [Int](repeating: 0, count: size)
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let cell = row * width + column
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
        let uses = known ?? relations.uses(size: size)
        // Every term of a reduced relation is a hidden cell. The loop runs a few dozen times an export on
        // thousands of relations, so it reads the arrays through buffer pointers
        // (indices all come from the relations themselves).
        relations.cells.withUnsafeBufferPointer { cells in
            relations.coefficients.withUnsafeBufferPointer { coefficients in
                relations.start.withUnsafeBufferPointer { start in
                    uses.offsets.withUnsafeBufferPointer { offsets in
                        uses.list.withUnsafeBufferPointer { list in
                            low.withUnsafeMutableBufferPointer { low in
                                high.withUnsafeMutableBufferPointer { high in
                                    Self.propagate(Propagation(cells: cells, coefficients: coefficients, start: start,
                                                               constants: relations.constants, equal: relations.equal,
                                                               offsets: offsets, list: list), low: low, high: high)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (low, high)
    }

    /// The reduced relations and which relations use each cell, as `propagate` reads them.
    struct Propagation {
        let cells: UnsafeBufferPointer<Int>, coefficients: UnsafeBufferPointer<Int>, start: UnsafeBufferPointer<Int>
        let constants: [Int], equal: [Bool]
        let offsets: UnsafeBufferPointer<Int>, list: UnsafeBufferPointer<Int>
    }

    /// Narrows `low`/`high` through the relations until nothing changes (or 400,000 steps): each relation
    /// bounds each of its cells by the others' bounds; a relation is looked at again when one of its cells
    /// narrows. The result does not depend on the order (every step only narrows, and only as far as the
    /// relation allows), which is taken depth first.
    static func propagate(_ p: Propagation, low: UnsafeMutableBufferPointer<Int>, high: UnsafeMutableBufferPointer<Int>) {
        let count = p.constants.count
        var queued = [Bool](repeating: true, count: count)
        var queue = Array((0..<count).reversed())
        var steps = 0
        while let index = queue.popLast(), steps < 400_000 {
            queued[index] = false
            steps += 1
            let first = p.start[index], end = p.start[index + 1]
            var minSum = 0, maxSum = 0
            for place in first..<end {
                let cell = p.cells[place], c = p.coefficients[place]
                minSum += c > 0 ? c * low[cell] : c * high[cell]
                maxSum += c > 0 ? c * high[cell] : c * low[cell]
            }
            let constant = p.constants[index], isEqual = p.equal[index]
            for place in first..<end {
                let cell = p.cells[place], c = p.coefficients[place]
                let rangeLo = low[cell], rangeHi = high[cell]
                let ownMin = c > 0 ? c * rangeLo : c * rangeHi
                let ownMax = c > 0 ? c * rangeHi : c * rangeLo
                // c·x ≤ k − (minSum − ownMin); with equality also c·x ≥ k − (maxSum − ownMax).
                let upper = constant - (minSum - ownMin)
                let lower = constant - (maxSum - ownMax)
                var lo = rangeLo, hi = rangeHi
                if c > 0 {
                    hi = min(hi, floorDivide(upper, c))
                    if isEqual { lo = max(lo, ceilDivide(lower, c)) }
                } else {
                    lo = max(lo, ceilDivide(upper, c))
                    if isEqual { hi = min(hi, floorDivide(lower, c)) }
                }
                if lo > rangeLo || hi < rangeHi, lo <= hi {
                    low[cell] = lo
                    high[cell] = hi
                    for position in p.offsets[cell]..<p.offsets[cell + 1] {
                        let other = p.list[position]
                        if !queued[other] {
                            queue.append(other)
                            queued[other] = true
                        }
                    }
                }
            }
        }
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
        let uses = relations.uses(size: size)
        let all = ranges(relations: relations, uses: uses)
        var hidden: [(cell: Int, position: CellPosition)] = []
        for (row, line) in marks.enumerated() {
            for (column, mark) in line.enumerated() where mark != .shown {
                let position = CellPosition(row: row, column: column)
                if skipping.isEmpty || !skipping.contains(position) { hidden.append((row * width + column, position)) }
            }
        }
        var result: [CellPosition] = []
        var failed = [Bool](repeating: false, count: size)
        for (cell, position) in hidden {
            // A withheld cell worked out to be 0 reveals a zero, which is shown everywhere else.
            if all.low[cell] >= all.high[cell], !(marks[position.row][position.column] == .withheld && all.high[cell] == 0) {
                result.append(position)
                failed[cell] = true
            }
        }
        let unmarked = ranges(usingMarks: false, relations: relations, uses: uses)
        for (cell, position) in hidden where marks[position.row][position.column] == .small && !failed[cell] {
            // One value of slack above N−1: bounds propagation is weaker than solving exactly.
            if unmarked.low[cell] >= 1, unmarked.high[cell] <= minCell { result.append(position) }
        }
        return result
    }
}
