import KonfliktCore

/// A multiple-choice list: ↑/↓ move, space toggles the option under the cursor, a number key
/// toggles that option.
public struct MultiChoiceField: FieldWidget {
    /// The options in order.
    public let options: [ChoiceOption]
    /// The indices of the chosen options.
    public private(set) var chosen: Set<Int>
    /// The option under the cursor.
    public private(set) var cursor = 0

    /// Creates a list with `selectedIDs` chosen.
    public init(options: [ChoiceOption], selectedIDs: [String] = []) {
        self.options = options
        chosen = Set(options.indices.filter { selectedIDs.contains(options[$0].id) })
    }

    /// An empty selection counts as no answer.
    public var answer: AnswerValue? {
        chosen.isEmpty ? nil : .strings(chosen.sorted().map { options[$0].id })
    }

    public func validationError() -> String? { nil }

    public mutating func setAnswer(_ answer: AnswerValue?) {
        if case .strings(let ids)? = answer {
            chosen = Set(options.indices.filter { ids.contains(options[$0].id) })
        } else {
            chosen = []
        }
    }

    public func height(width: Int) -> Int { options.count }

    @discardableResult
    public func draw(on terminal: Terminal, row: Int, column: Int, width: Int, focused: Bool) -> (row: Int, column: Int)? {
        for (index, option) in options.enumerated() {
            let mark = chosen.contains(index) ? "[x]" : "[ ]"
            let line = "\(mark) \(index + 1) \(option.label)"
            let style: TextStyle = focused && index == cursor ? .highlight : (chosen.contains(index) ? .bold : .normal)
            terminal.put(DisplayWidth.padded(line, to: min(width, DisplayWidth.of(line) + 1)), row: row + index, column: column, style: style)
        }
        return nil
    }

    public mutating func handle(_ key: Key) -> KeyResult {
        switch key {
        case .up: cursor = max(0, cursor - 1)
        case .down: cursor = min(options.count - 1, cursor + 1)
        case .character(" "): toggle(cursor)
        case .character(let character):
            guard let digit = character.wholeNumberValue, digit >= 1, digit <= options.count else { return .ignored }
            cursor = digit - 1
            toggle(cursor)
        default: return .ignored
        }
        return .handled
    }

    private mutating func toggle(_ index: Int) {
        if chosen.contains(index) { chosen.remove(index) } else { chosen.insert(index) }
    }
}
