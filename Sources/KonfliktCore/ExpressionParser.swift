/// What a field looks like to the expression checker.
public struct ExpressionField: Sendable {
    /// The question's kind.
    public let kind: QuestionKind
    /// The choice ids of a choice or multichoice question.
    public let choices: [String]

    /// Creates a field description.
    public init(kind: QuestionKind, choices: [String] = []) {
        self.kind = kind
        self.choices = choices
    }
}

/// A problem in an expression, at a character offset into its source.
public struct ExpressionProblem: Error, Sendable, Equatable {
    /// Offset (in characters) into the expression's source.
    public let offset: Int
    /// The problem in Danish.
    public let message: String
}

/// Parses and type-checks expressions against a form's fields.
public enum ExpressionParser {
    /// The longest expression accepted, in characters.
    public static let maximumLength = 4000
    /// The deepest nesting of parentheses and `not` accepted.
    public static let maximumDepth = 32

    /// Parses `source` and checks it against `fields`; returns the expression or every problem found
    /// (a syntax error stops at the first one). Expressions longer than `maximumLength` or nested
    /// deeper than `maximumDepth` are rejected; `and`/`or` chains are parsed in a loop, not by
    /// recursion per term, so no expression can exhaust the stack.
    public static func parse(_ source: String, fields: [String: ExpressionField]) -> (expression: Expression?, problems: [ExpressionProblem]) {
        let characters = Array(source)
        guard characters.count <= maximumLength else {
            return (nil, [ExpressionProblem(offset: maximumLength,
                                            message: "Udtrykket er for langt (\(characters.count) tegn; højst \(maximumLength)).")])
        }
        var lexer = Lexer(characters)
        let tokens: [Token]
        do { tokens = try lexer.tokens() } catch let problem as ExpressionProblem {
            return (nil, [problem])
        } catch { return (nil, [ExpressionProblem(offset: 0, message: "Ugyldigt udtryk.")]) }
        var parser = Parser(tokens: tokens)
        let raw: RawNode
        do {
            raw = try parser.parseExpression()
            if parser.peek.kind != .end {
                throw ExpressionProblem(offset: parser.peek.offset, message: "Uventet \(parser.peek.describe) efter udtrykket.")
            }
        } catch let problem as ExpressionProblem {
            return (nil, [problem])
        } catch { return (nil, [ExpressionProblem(offset: 0, message: "Ugyldigt udtryk.")]) }
        var checker = Checker(fields: fields)
        let node = checker.condition(raw)
        if !checker.problems.isEmpty { return (nil, checker.problems) }
        return (Expression(source: source, root: node), [])
    }
}

// MARK: - Tokens

private enum TokenKind: Equatable {
    case identifier(String), string(String), number(Double)
    case op(String)
    case end
}

private struct Token {
    let kind: TokenKind
    let offset: Int

    var describe: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .string(let s): return "tekst \"\(s)\""
        case .number(let n): return "tal \(n)"
        case .op(let o): return "'\(o)'"
        case .end: return "slutning"
        }
    }
}

private struct Lexer {
    let chars: [Character]
    var index = 0

    init(_ chars: [Character]) { self.chars = chars }

    mutating func tokens() throws -> [Token] {
        var result: [Token] = []
        while index < chars.count {
            let c = chars[index]
            if c.isWhitespace { index += 1; continue }
            let start = index
            if c.isLetter || c == "_" {
                var name = ""
                while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" {
                    name.append(chars[index]); index += 1
                }
                result.append(Token(kind: .identifier(name), offset: start))
            } else if c.isNumber || (c == "-" && index + 1 < chars.count && chars[index + 1].isNumber) {
                var text = String(c); index += 1
                while index < chars.count, chars[index].isNumber || chars[index] == "." {
                    text.append(chars[index]); index += 1
                }
                guard let value = Double(text) else {
                    throw ExpressionProblem(offset: start, message: "Ugyldigt tal '\(text)'.")
                }
                result.append(Token(kind: .number(value), offset: start))
            } else if c == "\"" || c == "'" {
                index += 1
                var text = ""
                while index < chars.count, chars[index] != c { text.append(chars[index]); index += 1 }
                guard index < chars.count else {
                    throw ExpressionProblem(offset: start, message: "Teksten mangler sit afsluttende \(c).")
                }
                index += 1
                result.append(Token(kind: .string(text), offset: start))
            } else {
                let two = index + 1 < chars.count ? String([c, chars[index + 1]]) : ""
                if ["==", "!=", "<=", ">="].contains(two) {
                    result.append(Token(kind: .op(two), offset: start)); index += 2
                } else if "<>()[],".contains(c) {
                    result.append(Token(kind: .op(String(c)), offset: start)); index += 1
                } else if c == "=" {
                    throw ExpressionProblem(offset: start, message: "Brug '==' til at sammenligne, ikke '='.")
                } else {
                    throw ExpressionProblem(offset: start, message: "Uventet tegn '\(c)'.")
                }
            }
        }
        result.append(Token(kind: .end, offset: chars.count))
        return result
    }
}

// MARK: - Raw syntax tree

private indirect enum RawNode {
    case and([RawNode]), or([RawNode]), not(RawNode, Int)
    case compare(RawOperand, ComparisonOperator, RawOperand, Int)
    case isIn(RawOperand, [(String, Int)], Int)
    case call(String, [RawOperand], Int)
    case operand(RawOperand)
}

private enum RawOperand {
    case identifier(String, Int)
    case literal(ExpressionLiteral, Int)

    var offset: Int {
        switch self { case .identifier(_, let o), .literal(_, let o): return o }
    }
}

private struct Parser {
    let tokens: [Token]
    var index = 0

    init(tokens: [Token]) { self.tokens = tokens }

    var peek: Token { tokens[index] }

    mutating func advance() -> Token { let t = tokens[index]; if index < tokens.count - 1 { index += 1 }; return t }

    func isKeyword(_ word: String) -> Bool { peek.kind == .identifier(word) }

    mutating func expect(_ op: String) throws {
        guard peek.kind == .op(op) else {
            throw ExpressionProblem(offset: peek.offset, message: "Forventede '\(op)', fandt \(peek.describe).")
        }
        _ = advance()
    }

    /// Nesting of parentheses and `not` at the current token.
    var depth = 0

    mutating func enter(_ token: Token) throws {
        depth += 1
        guard depth <= ExpressionParser.maximumDepth else {
            throw ExpressionProblem(offset: token.offset,
                                    message: "Udtrykket er for dybt indlejret (højst \(ExpressionParser.maximumDepth) niveauer af parenteser og 'not').")
        }
    }

    mutating func parseExpression() throws -> RawNode {
        var terms = [try parseAnd()]
        while isKeyword("or") { _ = advance(); terms.append(try parseAnd()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func parseAnd() throws -> RawNode {
        var terms = [try parseNot()]
        while isKeyword("and") { _ = advance(); terms.append(try parseNot()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func parseNot() throws -> RawNode {
        if isKeyword("not") {
            let t = advance()
            try enter(t)
            defer { depth -= 1 }
            return .not(try parseNot(), t.offset)
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> RawNode {
        if peek.kind == .op("(") {
            try enter(advance())
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expect(")")
            return inner
        }
        if case .identifier(let name) = peek.kind, ["contains", "answered"].contains(name),
           tokens[index + 1].kind == .op("(") {
            let start = advance().offset
            _ = advance()
            var arguments: [RawOperand] = [try parseOperand()]
            while peek.kind == .op(",") { _ = advance(); arguments.append(try parseOperand()) }
            try expect(")")
            return .call(name, arguments, start)
        }
        let left = try parseOperand()
        if case .op(let op) = peek.kind, let comparison = ComparisonOperator(rawValue: op) {
            let opToken = advance()
            return .compare(left, comparison, try parseOperand(), opToken.offset)
        }
        if isKeyword("in") {
            let inToken = advance()
            try expect("[")
            var values: [(String, Int)] = []
            if peek.kind != .op("]") {
                repeat {
                    if peek.kind == .op(",") { _ = advance() }
                    guard case .string(let s) = peek.kind else {
                        throw ExpressionProblem(offset: peek.offset, message: "En liste efter 'in' må kun indeholde tekster i anførselstegn.")
                    }
                    values.append((s, advance().offset))
                } while peek.kind == .op(",")
            }
            try expect("]")
            return .isIn(left, values, inToken.offset)
        }
        return .operand(left)
    }

    mutating func parseOperand() throws -> RawOperand {
        let token = advance()
        switch token.kind {
        case .string(let s): return .literal(.string(s), token.offset)
        case .number(let n): return .literal(.number(n), token.offset)
        case .identifier("true"): return .literal(.bool(true), token.offset)
        case .identifier("false"): return .literal(.bool(false), token.offset)
        case .identifier("today"): return .literal(.today, token.offset)
        case .identifier(let name) where ["and", "or", "not", "in"].contains(name):
            throw ExpressionProblem(offset: token.offset, message: "Forventede et felt eller en værdi, fandt '\(name)'.")
        case .identifier(let name): return .identifier(name, token.offset)
        case .op, .end:
            throw ExpressionProblem(offset: token.offset, message: "Forventede et felt eller en værdi, fandt \(token.describe).")
        }
    }
}

// MARK: - Type checking

private enum ValueType: Equatable {
    case choice(String), multichoice(String), bool, text, date, number, string, today

    var danish: String {
        switch self {
        case .choice: return "et valg"
        case .multichoice: return "et flervalg"
        case .bool: return "ja/nej"
        case .text: return "en tekst"
        case .date: return "en dato"
        case .number: return "et tal"
        case .string: return "en tekst"
        case .today: return "en dato"
        }
    }
}

private struct Checker {
    let fields: [String: ExpressionField]
    var problems: [ExpressionProblem] = []

    init(fields: [String: ExpressionField]) { self.fields = fields }

    mutating func fail(_ offset: Int, _ message: String) { problems.append(ExpressionProblem(offset: offset, message: message)) }

    mutating func field(_ name: String, _ offset: Int) -> ExpressionField? {
        guard let field = fields[name] else {
            fail(offset, "Ukendt felt '\(name)'.")
            return nil
        }
        return field
    }

    mutating func condition(_ node: RawNode) -> ExpressionNode {
        switch node {
        case .and(let terms): return .and(terms.map { condition($0) })
        case .or(let terms): return .or(terms.map { condition($0) })
        case .not(let a, _): return .not(condition(a))
        case .operand(.identifier(let name, let offset)):
            guard let field = field(name, offset) else { return .constant(false) }
            guard field.kind == .yesno else {
                fail(offset, "Feltet '\(name)' er ikke et ja/nej-felt og kan ikke stå alene som betingelse; sammenlign det med en værdi.")
                return .constant(false)
            }
            return .truth(name)
        case .operand(.literal(.bool(let value), _)): return .constant(value)
        case .operand(let operand):
            fail(operand.offset, "En værdi alene er ikke en betingelse.")
            return .constant(false)
        case .call(let name, let arguments, let offset):
            return call(name, arguments, offset)
        case .isIn(let operand, let values, let offset):
            guard case .identifier(let name, let fieldOffset) = operand else {
                fail(operand.offset, "Venstre side af 'in' skal være et felt.")
                return .constant(false)
            }
            guard let field = field(name, fieldOffset) else { return .constant(false) }
            switch field.kind {
            case .choice:
                for (value, valueOffset) in values where !field.choices.contains(value) {
                    fail(valueOffset, "'\(value)' er ikke et af valgene for '\(name)' (\(field.choices.joined(separator: ", "))).")
                }
            case .text, .cpr: break
            default:
                fail(offset, "'in' kan kun bruges på valg- og tekstfelter; '\(name)' er \(QuestionKindText.of(field.kind)).")
            }
            return .isIn(field: name, values: values.map(\.0))
        case .compare(let left, let op, let right, let offset):
            let leftType = type(of: left), rightType = type(of: right)
            guard let l = leftType, let r = rightType else { return .constant(false) }
            if case .literal = left, case .literal = right {
                fail(offset, "En sammenligning skal indeholde mindst ét felt.")
                return .constant(false)
            }
            checkCompatible(l, r, left: left, right: right, offset: offset)
            if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) {
                let ordered: Set<String> = ["date", "number"]
                if !ordered.contains(orderKind(l)) || !ordered.contains(orderKind(r)) {
                    fail(offset, "'\(op.rawValue)' kan kun sammenligne tal eller datoer.")
                }
            }
            return .compare(operand(left), op, operand(right))
        }
    }

    func orderKind(_ t: ValueType) -> String {
        switch t {
        case .date, .today: return "date"
        case .number: return "number"
        default: return "other"
        }
    }

    func operand(_ raw: RawOperand) -> Operand {
        switch raw {
        case .identifier(let name, _): return .field(name)
        case .literal(let literal, _): return .literal(literal)
        }
    }

    mutating func type(of operand: RawOperand) -> ValueType? {
        switch operand {
        case .identifier(let name, let offset):
            guard let field = field(name, offset) else { return nil }
            switch field.kind {
            case .choice: return .choice(name)
            case .multichoice: return .multichoice(name)
            case .yesno: return .bool
            case .text, .cpr: return .text
            case .date: return .date
            case .number: return .number
            }
        case .literal(.string(let s), _): return LocalDate(iso: s) != nil ? .today : .string
        case .literal(.number, _): return .number
        case .literal(.bool, _): return .bool
        case .literal(.today, _): return .today
        }
    }

    mutating func checkCompatible(_ l: ValueType, _ r: ValueType, left: RawOperand, right: RawOperand, offset: Int) {
        // Put the field on the left.
        var (a, b, aRaw, bRaw) = (l, r, left, right)
        if case .literal = left { (a, b, aRaw, bRaw) = (r, l, right, left) }
        switch (a, b) {
        case (.choice(let name), .string), (.choice(let name), .today):
            if case .literal(.string(let value), let valueOffset) = bRaw,
               let choices = fields[name]?.choices, !choices.contains(value) {
                fail(valueOffset, "'\(value)' er ikke et af valgene for '\(name)' (\(choices.joined(separator: ", "))).")
            }
        case (.choice(let x), .choice(let y)):
            if fields[x]?.choices != fields[y]?.choices {
                fail(offset, "'\(x)' og '\(y)' har forskellige valg og kan ikke sammenlignes.")
            }
        case (.text, .string), (.text, .text), (.text, .today), (.bool, .bool), (.number, .number),
             (.date, .date), (.date, .today):
            break
        default:
            _ = aRaw
            fail(offset, "Kan ikke sammenligne \(a.danish) med \(b.danish).")
        }
    }

    mutating func call(_ name: String, _ arguments: [RawOperand], _ offset: Int) -> ExpressionNode {
        switch name {
        case "answered":
            guard arguments.count == 1, case .identifier(let field, let fieldOffset) = arguments[0] else {
                fail(offset, "answered(...) tager præcis ét felt.")
                return .constant(false)
            }
            _ = self.field(field, fieldOffset)
            return .answered(field)
        default: // contains
            guard arguments.count == 2, case .identifier(let fieldName, let fieldOffset) = arguments[0],
                  case .literal(.string(let value), let valueOffset) = arguments[1] else {
                fail(offset, "contains(...) tager et flervalgsfelt og en tekst, fx contains(deltagere, \"far\").")
                return .constant(false)
            }
            guard let field = field(fieldName, fieldOffset) else { return .constant(false) }
            guard field.kind == .multichoice else {
                fail(fieldOffset, "contains(...) kræver et flervalgsfelt; '\(fieldName)' er \(QuestionKindText.of(field.kind)).")
                return .constant(false)
            }
            if !field.choices.contains(value) {
                fail(valueOffset, "'\(value)' er ikke et af valgene for '\(fieldName)' (\(field.choices.joined(separator: ", "))).")
            }
            return .contains(field: fieldName, value: value)
        }
    }
}

/// Danish names of question kinds for messages.
enum QuestionKindText {
    static func of(_ kind: QuestionKind) -> String {
        switch kind {
        case .choice: return "et valgfelt"
        case .multichoice: return "et flervalgsfelt"
        case .yesno: return "et ja/nej-felt"
        case .text: return "et tekstfelt"
        case .date: return "et datofelt"
        case .cpr: return "et CPR-felt"
        case .number: return "et talfelt"
        }
    }
}
