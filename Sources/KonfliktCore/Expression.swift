/// A parsed, type-checked condition of the form language (`when`, `constraint`, rules).
///
/// Semantics: an absent answer (a question not shown or not answered) makes every comparison that
/// involves it false — `!=` too; `answered(x)` tests presence. Expressions have no side effects.
public struct Expression: Sendable {
    /// The source text as written in the form.
    public let source: String
    let root: ExpressionNode

    /// The field ids the expression reads.
    public var referencedFields: Set<String> { root.fields }

    /// Whether the expression holds for `answers`. `today` is the date the literal `today` means.
    public func holds(for answers: Answers, today: LocalDate) -> Bool {
        root.evaluate(answers, today: today)
    }
}

/// A literal value in an expression.
enum ExpressionLiteral: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case today
}

/// A comparison operator.
enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// An operand of a comparison: a field or a literal.
enum Operand: Sendable {
    case field(String)
    case literal(ExpressionLiteral)
}

/// The expression tree (after type checking).
indirect enum ExpressionNode: Sendable {
    /// Every term holds (a chain `a and b and c` is one node, so long chains need no deep recursion).
    case and([ExpressionNode])
    /// At least one term holds.
    case or([ExpressionNode])
    case not(ExpressionNode)
    case compare(Operand, ComparisonOperator, Operand)
    case isIn(field: String, values: [String])
    case contains(field: String, value: String)
    case answered(String)
    /// A yes/no field used on its own: true when answered yes.
    case truth(String)
    case constant(Bool)

    var fields: Set<String> {
        switch self {
        case .and(let terms), .or(let terms): return terms.reduce(into: Set<String>()) { $0.formUnion($1.fields) }
        case .not(let a): return a.fields
        case .compare(let l, _, let r):
            var set = Set<String>()
            if case .field(let f) = l { set.insert(f) }
            if case .field(let f) = r { set.insert(f) }
            return set
        case .isIn(let f, _), .contains(let f, _), .answered(let f), .truth(let f): return [f]
        case .constant: return []
        }
    }

    func evaluate(_ answers: Answers, today: LocalDate) -> Bool {
        switch self {
        case .and(let terms): return terms.allSatisfy { $0.evaluate(answers, today: today) }
        case .or(let terms): return terms.contains { $0.evaluate(answers, today: today) }
        case .not(let a): return !a.evaluate(answers, today: today)
        case .answered(let f): return answers[f] != nil
        case .truth(let f): return answers[f] == .bool(true)
        case .constant(let value): return value
        case .isIn(let f, let values):
            guard case .string(let value)? = answers[f] else { return false }
            return values.contains(value)
        case .contains(let f, let value):
            guard case .strings(let values)? = answers[f] else { return false }
            return values.contains(value)
        case .compare(let l, let op, let r):
            guard let left = Self.value(of: l, answers, today), let right = Self.value(of: r, answers, today) else {
                return false
            }
            return Self.compare(left, op, right)
        }
    }

    private enum Value { case string(String), number(Double), bool(Bool), date(LocalDate), strings([String]) }

    private static func value(of operand: Operand, _ answers: Answers, _ today: LocalDate) -> Value? {
        switch operand {
        case .literal(.string(let s)): return LocalDate(iso: s).map(Value.date) ?? .string(s)
        case .literal(.number(let n)): return .number(n)
        case .literal(.bool(let b)): return .bool(b)
        case .literal(.today): return .date(today)
        case .field(let f):
            switch answers[f] {
            case nil: return nil
            case .string(let s)?: return LocalDate(iso: s).map(Value.date) ?? .string(s)
            case .strings(let s)?: return .strings(s)
            case .bool(let b)?: return .bool(b)
            case .number(let n)?: return .number(n)
            }
        }
    }

    private static func compare(_ l: Value, _ op: ComparisonOperator, _ r: Value) -> Bool {
        let order: Int?
        var equal: Bool
        switch (l, r) {
        case (.string(let a), .string(let b)): equal = a == b; order = nil
        case (.bool(let a), .bool(let b)): equal = a == b; order = nil
        case (.number(let a), .number(let b)): equal = a == b; order = a < b ? -1 : (a > b ? 1 : 0)
        case (.date(let a), .date(let b)): equal = a == b; order = a < b ? -1 : (a > b ? 1 : 0)
        case (.strings(let a), .strings(let b)): equal = Set(a) == Set(b); order = nil
        default: return false
        }
        switch op {
        case .equal: return equal
        case .notEqual: return !equal
        case .less: return order.map { $0 < 0 } ?? false
        case .lessOrEqual: return order.map { $0 <= 0 } ?? false
        case .greater: return order.map { $0 > 0 } ?? false
        case .greaterOrEqual: return order.map { $0 >= 0 } ?? false
        }
    }
}
