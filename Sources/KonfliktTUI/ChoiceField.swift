import KonfliktCore

/// One option of a choice question: the id stored in the answers and the Danish label shown.
public struct ChoiceOption: Sendable, Hashable {
    /// The id stored in the answers.
    public var id: String
    /// The label shown.
    public var label: String

    /// Creates an option.
    public init(id: String, label: String) {
        self.id = id
        self.label = label
    }
}

/// A single-choice list: ↑/↓ move and select, a number key picks that option directly.
public struct ChoiceField: FieldWidget {
    /// The options in order.
    public let options: [ChoiceOption]
    /// The index of the chosen option.
    public private(set) var selected: Int?

    /// Creates a list with `selectedID` chosen (nothing when nil or unknown).
    public init(options: [ChoiceOption], selectedID: String? = nil) {
        self.options = options
        selected = options.firstIndex { $0.id == selectedID }
    }

    public var answer: AnswerValue? { selected.map { .string(options[$0].id) } }

    public func validationError() -> String? { nil }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .string(let id)? = answer { selected = options.firstIndex { $0.id == id } } else { selected = nil }
    }

    public func height(width: Int) -> Int { options.count }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        for (index, option) in options.enumerated() {
            let mark = index == selected ? "(•)" : "( )"
            let line = "\(mark) \(index + 1) \(option.label)"
            let style: TextStyle = focused && index == (selected ?? 0) ? .highlight : (index == selected ? .bold : .normal)
            terminal.put(DisplayWidth.padded(line, to: min(width, DisplayWidth.of(line) + 1)), row: row + index, column: column, style: style)
        }
        return nil
    }

    public mutating func handle(_ key: Key) -> KeyResult {
        switch key {
        case .up:
            selected = max(0, (selected ?? 1) - 1)
        case .down:
            selected = selected.map { min(options.count - 1, $0 + 1) } ?? 0
        case .character(" "):
            if selected == nil { selected = 0 }
        case .character(let character):
            guard let digit = character.wholeNumberValue, digit >= 1, digit <= options.count else { return .ignored }
            selected = digit - 1
        default:
            return .ignored
        }
        return .handled
    }
}
