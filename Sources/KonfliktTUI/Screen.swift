/// One screen of the program: it reacts to one key at a time, draws itself on any `Terminal`, and says
/// when it is done. Every screen runs in the same loop (`run(on:)`) and draws through the same
/// `Frame`, so the header, the footer, the message line, scrolling and "window too small" behave the
/// same everywhere.
public protocol Screen: AnyObject {
    /// Reacts to one key (never called while the window is too small, except for quitting).
    func handle(_ key: Key)
    /// Draws the whole screen and refreshes the terminal.
    func draw(on terminal: Terminal)
    /// Whether the screen has ended (the loop stops).
    var isDone: Bool { get }
}

extension Screen {
    /// The one run loop: draws, then hands keys to `handle` until the screen is done or input ends.
    /// While the window is too small nothing is shown but the "too small" text, so no key but quitting
    /// (`Frame.acceptsWhileTooSmall`) may act on the hidden screen.
    public func run(on terminal: Terminal) {
        draw(on: terminal)
        while !isDone, let key = terminal.readKey() {
            if Frame.accepts(key, size: terminal.size) { handle(key) }
            draw(on: terminal)
        }
    }
}

/// A message shown above the footer: wrapped, never cut.
public struct ScreenMessage: Sendable, Equatable {
    /// The text (Danish).
    public var text: String
    /// How it is drawn (`.error`, `.success`, `.dim`).
    public var style: TextStyle

    /// A message.
    public init(_ text: String, _ style: TextStyle) {
        self.text = text
        self.style = style
    }
}

/// One line of scrollable text with its style.
public typealias StyledLine = (String, TextStyle)

/// The shared frame of every screen: the header row, the body, the message lines and the footer at the
/// bottom, the "window too small" text, and a scrolling body whose hint has a row of its own.
public struct Frame {
    /// The terminal drawn on.
    public let terminal: Terminal
    /// Its size.
    public let size: TerminalSize
    /// The first row of the body.
    public let top: Int
    /// The row after the body's last row (the message or the footer starts here).
    public let bottom: Int

    /// The text shown instead of a screen when the window is smaller than `TerminalSize.minimum`.
    public static func tooSmallText(_ size: TerminalSize) -> String {
        "Vinduet er for lille (\(size.columns)×\(size.rows)). Gør det mindst "
            + "\(TerminalSize.minimum.columns)×\(TerminalSize.minimum.rows) tegn. Ctrl-C afslutter."
    }

    /// Whether `key` may reach the screen at `size`: every key while the window is large enough; while
    /// it is too small only a resize and Ctrl-C (quit), because the screen the key would act on is hidden.
    public static func accepts(_ key: Key, size: TerminalSize) -> Bool {
        size.isLargeEnough || key == .resize || key == .ctrl("c")
    }

    /// The footer's rows at `columns`: one, or two when its text does not fit on one.
    static func footerLines(_ text: String, columns: Int) -> [String] {
        let width = max(1, columns - 2)
        guard DisplayWidth.of(text) > width else { return [text] }
        // Breaks between key groups ("Esc luk", "F1 hjælp"), never inside one.
        var groups: [String] = []
        var separators: [String] = []
        var rest = Substring(text)
        while let range = rest.range(of: " · ") ?? rest.range(of: "  ") {
            groups.append(String(rest[..<range.lowerBound]))
            var end = range.upperBound
            while end < rest.endIndex, rest[end] == " " { end = rest.index(after: end) }
            separators.append(String(rest[range.lowerBound..<end]))
            rest = rest[end...]
        }
        groups.append(String(rest))
        var lines: [String] = []
        var line = ""
        for (index, group) in groups.enumerated() {
            let separator = index == 0 ? "" : separators[index - 1]
            if line.isEmpty {
                line = group
            } else if DisplayWidth.of(line + separator + group) <= width {
                line += separator + group
            } else {
                lines.append(line)
                line = group
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.flatMap { DisplayWidth.of($0) > width ? DisplayWidth.wrap($0, columns: width) : [$0] }
    }

    /// Draws the frame of one page and lets `body` draw inside it; returns nil (and draws only the
    /// "too small" text) when the window is too small. Clears the terminal first and refreshes it
    /// afterwards; `body` returns where the cursor should be, if anywhere.
    ///
    /// - Parameters:
    ///   - title: the header's left part (bold title).
    ///   - right: the header's right part (step, status, counts).
    ///   - footer: the key help; wraps onto a second row when it does not fit.
    ///   - message: wrapped over as many rows as it needs (at most a third of the screen).
    public static func draw(on terminal: Terminal, title: String, right: String = "", footer: String,
                            message: ScreenMessage? = nil, body: (Frame) -> (row: Int, column: Int)?) {
        terminal.clear()
        terminal.setCursorVisible(false)
        let size = terminal.size
        guard size.isLargeEnough else {
            for (index, line) in DisplayWidth.wrap(tooSmallText(size), columns: max(1, size.columns)).enumerated() {
                terminal.put(line, row: index, column: 0, style: .error)
            }
            terminal.refresh()
            return
        }
        let rightWidth = DisplayWidth.of(right)
        terminal.put(DisplayWidth.prefix(title, fitting: max(1, size.columns - rightWidth - 2)), row: 0, column: 0,
                     style: .title)
        if !right.isEmpty { terminal.put(right, row: 0, column: max(0, size.columns - rightWidth), style: .bold) }
        let footerRows = footerLines(footer, columns: size.columns)
        let footerTop = size.rows - footerRows.count
        for (index, line) in footerRows.enumerated() {
            terminal.put(DisplayWidth.padded(" " + line, to: size.columns), row: footerTop + index, column: 0,
                         style: .reverse)
        }
        var messageRows: [String] = []
        if let message, !message.text.isEmpty {
            messageRows = Array(DisplayWidth.wrap(message.text, columns: size.columns - 2).prefix(size.rows / 3))
            for (index, line) in messageRows.enumerated() {
                terminal.put(line, row: footerTop - messageRows.count + index, column: 1, style: message.style)
            }
        }
        let frame = Frame(terminal: terminal, size: size, top: 1, bottom: footerTop - messageRows.count)
        if let cursor = body(frame) {
            terminal.moveCursor(row: cursor.row, column: cursor.column)
            terminal.setCursorVisible(true)
        }
        terminal.refresh()
    }

    /// The body's rows.
    public var height: Int { max(0, bottom - top) }

    /// Draws `lines` from `row` (default: the body's top) to the body's bottom, starting at line
    /// `scroll` (clamped, and returned clamped). When they do not all fit, the last row holds the
    /// scroll hint alone, so it never covers text; every line can be reached with ↓ / PgDn.
    @discardableResult
    public func scrolled(_ lines: [StyledLine], scroll: Int, from row: Int? = nil, column: Int = 1) -> Int {
        let first = row ?? top
        let rows = max(1, bottom - first)
        if lines.count <= rows {
            for (offset, line) in lines.enumerated() {
                terminal.put(DisplayWidth.prefix(line.0, fitting: max(1, size.columns - column)), row: first + offset,
                             column: column, style: line.1)
            }
            return 0
        }
        let visible = max(1, rows - 1)
        let clamped = max(0, min(scroll, lines.count - visible))
        for (offset, line) in lines.dropFirst(clamped).prefix(visible).enumerated() {
            terminal.put(DisplayWidth.prefix(line.0, fitting: max(1, size.columns - column)), row: first + offset,
                         column: column, style: line.1)
        }
        let more = clamped + visible < lines.count
        let hint = (clamped > 0 ? "↑ " : "") + (more ? "↓ " : "")
            + "linje \(clamped + 1)–\(min(lines.count, clamped + visible)) af \(lines.count) (↑/↓, PgUp/PgDn ruller)"
        terminal.put(DisplayWidth.prefix(hint, fitting: size.columns - 2), row: first + visible, column: 1, style: .dim)
        return clamped
    }

    /// The greatest useful scroll offset for `count` lines drawn from `row` (for PgDn / End).
    public func maxScroll(_ count: Int, from row: Int? = nil) -> Int {
        let rows = max(1, bottom - (row ?? top))
        return count <= rows ? 0 : count - max(1, rows - 1)
    }
}

/// Scroll keys shared by every scrolling page.
enum Scrolling {
    /// The new offset after `key`, or nil when `key` is not a scroll key. `page` is the body's height.
    static func offset(after key: Key, from offset: Int, page: Int) -> Int? {
        switch key {
        case .up: return max(0, offset - 1)
        case .down: return offset + 1
        case .pageUp: return max(0, offset - max(1, page - 1))
        case .pageDown: return offset + max(1, page - 1)
        case .home: return 0
        case .end: return Int.max / 2
        default: return nil
        }
    }
}
