import Foundation
@testable import KonfliktReport

/// An exact oracle for what a reader can work out from a published table: a small integer program per
/// hidden cell, solved by SciPy's `milp` (HiGHS, branch and bound, exact for integers) in a Python
/// process. The hidden cells are integer unknowns (a small cell 1…N−1, an `x` cell N or more, every cell
/// at most the largest screenings count), the shown cells are constants, the relations are linear; the
/// oracle looks for another value of every hidden cell besides the true one. Written apart from the library's audit, on purpose.
struct ExactOracle {
    /// Per hidden cell: whether a reader can pin it to one value (with everything published, marks
    /// included), whether that holds even when every non-zero count is hidden (zeros and marks alone),
    /// and for a small cell whether the shown numbers alone (marks left out) put it within 1…N−1.
    struct Verdict: Sendable {
        var cell: CellPosition
        var truth: Int
        var small: Bool
        var withheld: Bool
        var pinned: Bool
        var pinnedByZerosAndMarks: Bool
        var smallFromShownNumbers: Bool
    }

    static let script = #"""
import json, sys
import numpy as np
from scipy.optimize import milp, LinearConstraint, Bounds
problem = json.load(sys.stdin)
class Model:
    def __init__(self, p, lo, hi):
        n = len(p["variables"])
        rows = []; lower = []; upper = []
        for terms, equal, rhs in p["constraints"]:
            row = np.zeros(n)
            for v, k in terms: row[v] += k
            rows.append(row); upper.append(rhs); lower.append(rhs if equal else -np.inf)
        self.cons = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
        self.bounds = Bounds(lo, hi); self.n = n; self.integrality = np.ones(n)
    def extreme(self, i, sign):
        c = np.zeros(self.n); c[i] = sign
        r = milp(c, constraints=self.cons, integrality=self.integrality, bounds=self.bounds)
        if not r.success: raise SystemExit("milp failed: " + r.message)
        return int(round(r.x[i]))
    def other_value(self, i, truth):
        # Another integer value besides the truth (which is feasible): the minimum, else the maximum.
        return self.extreme(i, 1) < truth or self.extreme(i, -1) > truth
a = problem["actual"]; z = problem["zerosOnly"]
n = len(a["variables"]); N = a["minCell"]
marked = Model(a, a["lo"], a["hi"])
pinned = [i for i in range(n) if not marked.other_value(i, a["truth"][i])]
unmarked = Model(a, [0] * n, [a["ceiling"]] * n)
inside = [i for i in range(n) if a["small"][i] and unmarked.extreme(i, 1) >= 1 and unmarked.extreme(i, -1) <= N - 1]
zi = {tuple(v): j for j, v in enumerate(z["variables"])}
zeros = Model(z, z["lo"], z["hi"])
zeros_pinned = [i for i in pinned if not zeros.other_value(zi[tuple(a["variables"][i])], a["truth"][i])]
print(json.dumps({"pinned": pinned, "inside": inside, "zerosPinned": zeros_pinned}))
"""#

    struct Problem: Encodable {
        var variables: [[Int]]
        var truth: [Int]
        var minCell: Int
        var lo: [Int]
        var hi: [Int]
        var small: [Bool]
        var ceiling: Int
        var constraints: [Constraint]
    }

    /// One relation over hidden cells: terms (variable, coefficient), equal, right-hand side.
    struct Constraint: Encodable {
        var terms: [[Int]]
        var equal: Bool
        var rhs: Int
        func encode(to encoder: Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(terms)
            try container.encode(equal)
            try container.encode(rhs)
        }
    }

    static func problem(_ table: SuppressedTable, relations: [LinearRelation]) -> Problem {
        let ceiling = max(table.table.rows.map { $0.values.first ?? 0 }.max() ?? 0, table.minCell)
        var cells: [CellPosition] = []
        var problem = Problem(variables: [], truth: [], minCell: table.minCell, lo: [], hi: [], small: [], ceiling: ceiling, constraints: [])
        for (r, row) in table.marks.enumerated() {
            for (c, mark) in row.enumerated() where mark != .shown {
                cells.append(CellPosition(row: r, column: c))
                problem.variables.append([r, c])
                problem.truth.append(table.table.rows[r].values[c])
                problem.lo.append(mark == .small ? 1 : mark == .withheld ? 0 : table.minCell)
                problem.hi.append(mark == .small ? table.minCell - 1 : ceiling)
                problem.small.append(mark == .small)
            }
        }
        let index = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1, $0) })
        for relation in relations {
            var rhs = relation.constant
            var terms: [[Int]] = []
            for term in relation.terms {
                if let variable = index[term.cell] { terms.append([variable, term.coefficient]) }
                else { rhs -= term.coefficient * table.table.rows[term.cell.row].values[term.cell.column] }
            }
            if !terms.isEmpty { problem.constraints.append(Constraint(terms: terms, equal: relation.kind == .equal, rhs: rhs)) }
        }
        return problem
    }

    /// The verdict on every hidden cell of `table`.
    static func verdicts(_ table: SuppressedTable, relations: [LinearRelation]) throws -> [Verdict] {
        var everything = table
        everything.marks = table.table.rows.enumerated().map { index, row in
            row.values.enumerated().map { column, value in
                table.marks[index][column] == .withheld ? .withheld : value == 0 ? .shown : value < table.minCell ? .small : .protecting
            }
        }
        struct Input: Encodable { var actual: Problem; var zerosOnly: Problem }
        let actual = problem(table, relations: relations)
        let input = try JSONEncoder().encode(Input(actual: actual, zerosOnly: problem(everything, relations: relations)))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OracleError(message: String(decoding: error, as: UTF8.self))
        }
        struct Output: Decodable { var pinned: [Int]; var inside: [Int]; var zerosPinned: [Int] }
        let decoded = try JSONDecoder().decode(Output.self, from: output)
        let pinned = Set(decoded.pinned), inside = Set(decoded.inside), zerosPinned = Set(decoded.zerosPinned)
        return actual.variables.enumerated().map { i, position in
            Verdict(cell: CellPosition(row: position[0], column: position[1]), truth: actual.truth[i], small: actual.small[i],
                    withheld: table.marks[position[0]][position[1]] == .withheld,
                    pinned: pinned.contains(i), pinnedByZerosAndMarks: zerosPinned.contains(i),
                    smallFromShownNumbers: inside.contains(i))
        }
    }

    struct OracleError: Error, CustomStringConvertible {
        var message: String
        var description: String { "the oracle failed (is python3-scipy installed? scripts/install-deps installs it): \(message)" }
    }
}
