import Foundation
@testable import KonfliktReport

/// An exact solver for what a reader can work out from a published table: the hidden cells are
/// integer unknowns (a small cell 1…N−1, an `x` cell N or more), the shown cells are constants, and
/// the relations are linear. `feasible` searches the whole space (interval narrowing to prune, then
/// splitting domains down to single values, where every relation is checked exactly), so a `false`
/// is a proof and a `true` comes with a witness. Written apart from the library's audit, on purpose.
struct ExactOracle {
    struct Constraint {
        var terms: [(variable: Int, coefficient: Int)]
        var equal: Bool
        var rhs: Int
    }

    let cells: [CellPosition]
    let index: [CellPosition: Int]
    let truth: [Int]
    let lower: [Int]
    let upper: [Int]
    let constraints: [Constraint]
    let component: [Int]
    /// No cell is above the largest screenings count.
    let ceiling: Int

    init(_ table: SuppressedTable, relations: [LinearRelation]) {
        let ceiling = max(table.table.rows.map { $0.values.first ?? 0 }.max() ?? 0, table.minCell)
        self.ceiling = ceiling
        var cells: [CellPosition] = []
        var lower: [Int] = [], upper: [Int] = [], truth: [Int] = []
        for (r, row) in table.marks.enumerated() {
            for (c, mark) in row.enumerated() where mark != .shown {
                cells.append(CellPosition(row: r, column: c))
                truth.append(table.table.rows[r].values[c])
                lower.append(mark == .small ? 1 : table.minCell)
                upper.append(mark == .small ? table.minCell - 1 : ceiling)
            }
        }
        let index = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1, $0) })
        var constraints: [Constraint] = []
        for relation in relations {
            var rhs = relation.constant
            var terms: [(Int, Int)] = []
            for term in relation.terms {
                if let variable = index[term.cell] { terms.append((variable, term.coefficient)) }
                else { rhs -= term.coefficient * table.table.rows[term.cell.row].values[term.cell.column] }
            }
            if !terms.isEmpty { constraints.append(Constraint(terms: terms, equal: relation.kind == .equal, rhs: rhs)) }
        }
        // Connected components (union-find over shared constraints).
        var parent = Array(cells.indices)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        for constraint in constraints {
            guard let first = constraint.terms.first?.variable else { continue }
            for term in constraint.terms.dropFirst() { parent[find(term.variable)] = find(first) }
        }
        self.cells = cells
        self.index = index
        self.truth = truth
        self.lower = lower
        self.upper = upper
        self.constraints = constraints
        self.component = cells.indices.map { find($0) }
    }

    /// Whether some table consistent with everything published has `cell` within `range`; with
    /// `marks` false, from the shown numbers alone (every hidden cell only known to be ≥ 0). Nil when
    /// the search gave up (too large).
    func feasible(_ cell: CellPosition, in range: ClosedRange<Int>, marks: Bool = true) -> Bool? {
        guard let variable = index[cell] else { return false }
        let part = component[variable]
        let members = cells.indices.filter { component[$0] == part }
        let local = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        let localConstraints = constraints.filter { local[$0.terms[0].variable] != nil }.map { constraint in
            Constraint(terms: constraint.terms.map { (local[$0.variable] ?? 0, $0.coefficient) }, equal: constraint.equal, rhs: constraint.rhs)
        }
        var lo = members.map { lower[$0] }, hi = members.map { upper[$0] }
        let me = local[variable] ?? 0
        if !marks { lo = lo.map { _ in 0 }; hi = hi.map { _ in ceiling } }
        lo[me] = max(lo[me], range.lowerBound)
        hi[me] = min(hi[me], range.upperBound)
        var budget = 200_000
        return search(&lo, &hi, localConstraints, &budget)
    }

    /// Exhaustive search; nil when the budget ran out.
    private func search(_ lo: inout [Int], _ hi: inout [Int], _ constraints: [Constraint], _ budget: inout Int) -> Bool? {
        budget -= 1
        if budget < 0 { return nil }
        guard narrow(&lo, &hi, constraints) else { return false }
        var pick = -1, width = Int.max
        for v in lo.indices where hi[v] > lo[v] && hi[v] - lo[v] < width { pick = v; width = hi[v] - lo[v] }
        if pick < 0 {
            return constraints.allSatisfy { c in
                let sum = c.terms.reduce(0) { $0 + $1.coefficient * lo[$1.variable] }
                return c.equal ? sum == c.rhs : sum <= c.rhs
            }
        }
        let mid = lo[pick] + (hi[pick] - lo[pick]) / 2
        var (lo1, hi1) = (lo, hi)
        hi1[pick] = mid
        switch search(&lo1, &hi1, constraints, &budget) {
        case true?: return true
        case nil: return nil
        case false?: break
        }
        var (lo2, hi2) = (lo, hi)
        lo2[pick] = mid + 1
        return search(&lo2, &hi2, constraints, &budget)
    }

    /// Interval narrowing; false when some domain becomes empty.
    private func narrow(_ lo: inout [Int], _ hi: inout [Int], _ constraints: [Constraint]) -> Bool {
        var changed = true
        var rounds = 0
        while changed && rounds < 60 {
            changed = false
            rounds += 1
            for c in constraints {
                var minSum = 0, maxSum = 0
                for t in c.terms {
                    minSum += t.coefficient > 0 ? t.coefficient * lo[t.variable] : t.coefficient * hi[t.variable]
                    maxSum += t.coefficient > 0 ? t.coefficient * hi[t.variable] : t.coefficient * lo[t.variable]
                }
                if minSum > c.rhs || (c.equal && maxSum < c.rhs) { return false }
                for t in c.terms {
                    let v = t.variable
                    let ownMin = t.coefficient > 0 ? t.coefficient * lo[v] : t.coefficient * hi[v]
                    let ownMax = t.coefficient > 0 ? t.coefficient * hi[v] : t.coefficient * lo[v]
                    let most = c.rhs - (minSum - ownMin)          // coefficient·x ≤ most
                    let least = c.equal ? c.rhs - (maxSum - ownMax) : Int.min / 4 // coefficient·x ≥ least
                    var newLo = lo[v], newHi = hi[v]
                    if t.coefficient > 0 { newHi = min(newHi, most); newLo = max(newLo, least) }
                    else { newLo = max(newLo, -most); newHi = min(newHi, -least) }
                    if newLo > newHi { return false }
                    if newLo != lo[v] || newHi != hi[v] {
                        lo[v] = newLo; hi[v] = newHi; changed = true
                        minSum = 0; maxSum = 0
                        for u in c.terms {
                            minSum += u.coefficient > 0 ? u.coefficient * lo[u.variable] : u.coefficient * hi[u.variable]
                            maxSum += u.coefficient > 0 ? u.coefficient * hi[u.variable] : u.coefficient * lo[u.variable]
                        }
                    }
                }
            }
        }
        return true
    }
}
