import KonfliktCore

/// A yes/no question: `j`/`n` (or 1/2) answer directly, ←/→ and space switch.
public struct YesNoField: FieldWidget {
    /// The answer, nil until given.
    public private(set) var value: Bool?

    /// Creates a field holding `value`.
    public init(value: Bool? = nil) { self.value = value }

    public var answer: AnswerValue? { value.map { .bool($0) } }

    public func validationError() -> String? { nil }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .bool(let value)? = answer { self.value = value } else { value = nil }
    }

    public func height(width: Int) -> Int { 1 }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        let yes = "\(value == true ? "(•)" : "( )") Ja (j)"
        let no = "\(value == false ? "(•)" : "( )") Nej (n)"
        let yesStyle: TextStyle = focused && value != false ? .highlight : (value == true ? .bold : .normal)
        let noStyle: TextStyle = focused && value == false ? .highlight : (value == false ? .bold : .normal)
        terminal.put(yes, row: row, column: column, style: yesStyle)
        terminal.put(no, row: row, column: column + DisplayWidth.of(yes) + 3, style: noStyle)
        return nil
    }

    public mutating func handle(_ key: Key) -> KeyResult {
        switch key {
        case .character("j"), .character("J"), .character("1"): value = true
        case .character("n"), .character("N"), .character("2"): value = false
        case .left, .up: value = true
        case .right, .down: value = false
        case .character(" "): value = !(value ?? false)
        default: return .ignored
        }
        return .handled
    }
}
