import KonfliktCore

/// What the coordinator chose on the export screen.
public struct ExportRequest: Sendable, Equatable {
    /// `month`, `quarter`, `halfyear` or `year`.
    public var period: String
    /// The first visit date counted, if limited.
    public var from: LocalDate?
    /// The last visit date counted, if limited.
    public var to: LocalDate?
    /// `csv`, `json` or `html`.
    public var format: String
    /// Only the total rows (`--totals-only`).
    public var totalsOnly: Bool

    /// A request.
    public init(period: String, from: LocalDate?, to: LocalDate?, format: String, totalsOnly: Bool = false) {
        self.period = period
        self.from = from
        self.to = to
        self.format = format
        self.totalsOnly = totalsOnly
    }
}

/// The coordinator's export from the start menu: choose period grouping, all rows or totals only, an
/// optional date range and the format (CSV, JSON or the HTML report), write the anonymous figures to a file and say where it is. The export itself (and its
/// audit event) is the `run` closure's business; it returns the path written, or throws.
public final class ExportScreen: Screen {
    private let run: (ExportRequest) throws -> String
    private var period = ChoiceField(options: [ChoiceOption(id: "month", label: "Måned"),
                                               ChoiceOption(id: "quarter", label: "Kvartal"),
                                               ChoiceOption(id: "halfyear", label: "Halvår"),
                                               ChoiceOption(id: "year", label: "År")], selectedID: "quarter")
    private var rows = ChoiceField(options: [ChoiceOption(id: "all", label: "Pr. besøg og i alt"),
                                             ChoiceOption(id: "totals", label: "Kun i alt (færre skjulte tal)")],
                                   selectedID: "all")
    private var from = DateField(date: nil)
    private var to = DateField(date: nil)
    private var format = ChoiceField(options: [ChoiceOption(id: "csv", label: "CSV til Excel (semikolon, UTF-8)"),
                                               ChoiceOption(id: "json", label: "JSON til andre programmer"),
                                               ChoiceOption(id: "html", label: "HTML-rapport med figurer (kan udskrives)")],
                                     selectedID: "csv")
    private var focus = 0
    private var writtenScroll = 0
    private var message: ScreenMessage?
    /// The path of the file written, once written.
    public private(set) var writtenPath: String?
    /// The user left the screen.
    public private(set) var finished = false

    /// Creates the screen; `run` performs the export.
    public init(run: @escaping (ExportRequest) throws -> String) {
        self.run = run
    }

    /// Whether the user left the screen.
    public var isDone: Bool { finished }

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        if writtenPath != nil {
            // The written page scrolls (many warnings); any other key returns to the menu.
            if let offset = Scrolling.offset(after: key, from: writtenScroll, page: 10) { writtenScroll = offset } else { finished = true }
            return
        }
        switch key {
        case .escape, .ctrl("c"): finished = true
        case .tab: focus = (focus + 1) % 5
        case .backtab: focus = (focus + 4) % 5
        case .enter:
            if focus < 4 { focus += 1 } else { export() }
        case .function(10), .ctrl("s"): export()
        default:
            message = nil
            switch focus {
            case 0: _ = period.handle(key)
            case 1: _ = rows.handle(key)
            case 2: _ = from.handle(key)
            case 3: _ = to.handle(key)
            default: _ = format.handle(key)
            }
        }
    }

    private func export() {
        for (index, field) in [(2, from), (3, to)] {
            if let problem = field.validationError() { message = ScreenMessage(problem, .error); focus = index; return }
        }
        let fromDate = date(from), toDate = date(to)
        if let fromDate, let toDate, fromDate > toDate {
            message = ScreenMessage("Fra-datoen ligger efter til-datoen.", .error)
            focus = 2
            return
        }
        guard case .string(let periodID)? = period.answer, case .string(let formatID)? = format.answer,
              case .string(let rowsID)? = rows.answer else { return }
        do {
            writtenPath = try run(ExportRequest(period: periodID, from: fromDate, to: toDate, format: formatID,
                                                totalsOnly: rowsID == "totals"))
            message = nil
        } catch let error as UserFacingError {
            message = ScreenMessage("Ikke eksporteret: " + error.danishDescription, .error)
        } catch {
            message = ScreenMessage("Ikke eksporteret: filen kunne ikke skrives.", .error)
        }
    }

    private func date(_ field: DateField) -> LocalDate? {
        if case .string(let iso)? = field.answer { return LocalDate(iso: iso) }
        return nil
    }

    /// Draws the screen in the shared frame.
    public func draw(on terminal: Terminal) {
        let title = "Eksport til projektrapportering (Mary Fonden)"
        if let written = writtenPath {
            Frame.draw(on: terminal, title: title, footer: "↑/↓ ruller · en anden tast vender tilbage til startmenuen") { frame in
                drawWritten(written, in: frame)
                return nil
            }
            return
        }
        Frame.draw(on: terminal, title: title,
                   footer: "Tab/Enter næste felt  ↑↓/tal vælg  Enter på format: eksportér  Esc tilbage",
                   message: message) { frame in
            drawForm(on: frame.terminal, size: frame.size)
        }
    }

    /// The path, then the reader's warnings, one per line (see `run`).
    private func drawWritten(_ written: String, in frame: Frame) {
        // (writtenScroll is clamped here, where the page's height is known.)
        let parts = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines: [StyledLine] = [("✔ Eksporten er gemt", .success), ("", .normal)]
        for line in DisplayWidth.wrap(parts.first ?? "", columns: frame.size.columns - 4) { lines.append((line, .bold)) }
        lines.append(("", .normal))
        lines.append(("Filen har kun antal pr. periode og besøg; små tal er skjult (<5, x og ..).", .normal))
        lines.append(("Eksporten er noteret i loggen.", .dim))
        lines.append(("", .normal))
        for warning in parts.dropFirst() {
            for line in DisplayWidth.wrap("Advarsel: " + warning, columns: max(1, frame.size.columns - 4)) {
                lines.append((line, .error))
            }
        }
        writtenScroll = frame.scrolled(lines, scroll: writtenScroll, from: frame.top + 1, column: 2)
    }

    private func drawForm(on terminal: Terminal, size: TerminalSize) -> (row: Int, column: Int)? {
        terminal.put("Anonyme tal: antal screeninger, svar, anbefalinger og opfølgninger pr. periode.", row: 1, column: 1, style: .dim)
        var cursor: (row: Int, column: Int)?
        terminal.put("Periode", row: 3, column: 1, style: focus == 0 ? .bold : .normal)
        period.draw(on: terminal, row: 4, column: 3, width: 34, focused: focus == 0)
        terminal.put("Rækker", row: 3, column: 40, style: focus == 1 ? .bold : .normal)
        rows.draw(on: terminal, row: 4, column: 42, width: size.columns - 43, focused: focus == 1)
        terminal.put("Fra besøgsdato (tom: fra start)", row: 9, column: 1, style: focus == 2 ? .bold : .normal)
        if let position = from.draw(on: terminal, row: 10, column: 3, width: 12, focused: focus == 2), focus == 2 { cursor = position }
        terminal.put("Til besøgsdato (tom: til i dag)", row: 9, column: 40, style: focus == 3 ? .bold : .normal)
        if let position = to.draw(on: terminal, row: 10, column: 42, width: 12, focused: focus == 3), focus == 3 { cursor = position }
        terminal.put("Format", row: 12, column: 1, style: focus == 4 ? .bold : .normal)
        format.draw(on: terminal, row: 13, column: 3, width: 50, focused: focus == 4)
        return cursor
    }
}
