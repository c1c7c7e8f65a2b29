import KonfliktCore
import KonfliktLog

/// What the review needs to delete records under the retention rules: the same two steps as
/// `konflikt retention` (`Retention.preview`, then `Retention.run`), as values so tests supply their own.
public struct RetentionActions {
    /// What a run for visits before the date would destroy; nothing is destroyed.
    public var preview: (LocalDate) throws -> Retention.Outcome
    /// Destroys the keys needed only for visits before the date; returns what it did.
    public var run: (LocalDate) throws -> Retention.Outcome

    /// Actions from `preview` and `run`.
    public init(preview: @escaping (LocalDate) throws -> Retention.Outcome,
                run: @escaping (LocalDate) throws -> Retention.Outcome) {
        self.preview = preview
        self.run = run
    }
}

/// Deleting records under the retention rules from the lead's review (issue 17): the lead types the
/// date before which records are deleted, sees what will happen (the team keys and years destroyed and
/// how many records can never be read again, that it cannot be undone, that the envelopes stay), and
/// types the same date again to confirm. Esc before the confirmation leaves with nothing done.
public final class RetentionScreen: Screen {
    /// The step on screen.
    enum Step {
        /// Asking for the date.
        case date(DateField, error: String?)
        /// Showing what will happen for `date` and asking for it again.
        case confirm(date: LocalDate, plan: [String], field: DateField, error: String?)
        /// Done: what was destroyed (or why nothing was).
        case done(lines: [StyledLine])
    }

    private let actions: RetentionActions
    private let today: LocalDate
    private(set) var step: Step = .date(DateField(date: nil), error: nil)
    /// Whether keys were destroyed (the review then reads the log again).
    public private(set) var destroyed = false
    /// Whether the lead left without deleting anything.
    public private(set) var cancelled = false
    public private(set) var isDone = false

    /// The screen, deleting with `actions` on `today`.
    public init(actions: RetentionActions, today: LocalDate) {
        self.actions = actions
        self.today = today
    }

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        switch step {
        case .date(var field, _):
            switch key {
            case .escape, .ctrl("c"): cancel()
            case .enter: askToConfirm(field)
            default:
                _ = field.handle(key)
                step = .date(field, error: nil)
            }
        case .confirm(let date, let plan, var field, _):
            switch key {
            case .escape, .ctrl("c"): cancel()
            case .enter:
                guard let typed = LocalDate(typed: field.field.trimmedText), typed == date else {
                    step = .confirm(date: date, plan: plan, field: DateField(date: nil),
                                    error: "Datoen er ikke den samme som \(date.danish). Intet er slettet; skriv den igen, eller tryk Esc.")
                    return
                }
                destroy(before: date)
            default:
                _ = field.handle(key)
                step = .confirm(date: date, plan: plan, field: field, error: nil)
            }
        case .done:
            isDone = true
        }
    }

    private func cancel() {
        cancelled = true
        isDone = true
    }

    private func askToConfirm(_ field: DateField) {
        guard let date = LocalDate(typed: field.field.trimmedText) else {
            step = .date(field, error: "Skriv en gyldig dato som dd-mm-åååå, fx 01-01-2025.")
            return
        }
        if let refusal = Retention.refusal(before: date, today: today) {
            step = .date(field, error: refusal)
            return
        }
        do {
            let outcome = try actions.preview(date)
            step = .confirm(date: date, plan: outcome.lines(before: date, planned: true), field: DateField(date: nil), error: nil)
        } catch let error as UserFacingError {
            step = .date(field, error: "Det kan ikke beregnes, hvad der slettes: " + error.danishDescription)
        } catch {
            step = .date(field, error: "Det kan ikke beregnes, hvad der slettes.")
        }
    }

    private func destroy(before date: LocalDate) {
        do {
            let outcome = try actions.run(date)
            destroyed = true
            step = .done(lines: [("Registreringer med besøg før \(date.danish) er slettet efter reglerne for opbevaring.", .success), ("", .normal)]
                + outcome.lines(before: date, planned: false).map { ($0, .normal) }
                + [("", .normal), (Retention.whatStays, .dim)])
        } catch let error as UserFacingError {
            step = .done(lines: [("Sletningen mislykkedes: " + error.danishDescription, .error)])
        } catch {
            step = .done(lines: [("Sletningen mislykkedes.", .error)])
        }
    }

    /// Draws the current step.
    public func draw(on terminal: Terminal) {
        let title = "Gennemgang – slet efter reglerne for opbevaring"
        switch step {
        case .date(let field, let error):
            Frame.draw(on: terminal, title: title, footer: "Enter videre   Esc fortryd (intet slettes)",
                       message: error.map { ScreenMessage($0, .error) }) { frame in
                var lines: [StyledLine] = []
                for line in DisplayWidth.wrap("Alle registreringer om besøg før datoen bliver ulæselige for altid: de nøgler, "
                    + "der kun bruges til dem, destrueres. Kommunens regler for opbevaring bestemmer datoen. "
                    + "Lav en ny teamnøgle (konflikt team rotate) ved hvert årsskifte, så et helt år kan slettes.",
                    columns: frame.size.columns - 4) { lines.append((line, .normal)) }
                lines.append(("", .normal))
                lines.append(("Slet registreringer med besøg før (dd-mm-åååå):", .bold))
                frame.scrolled(lines, scroll: 0, from: frame.top + 1, column: 2)
                return field.draw(on: frame.terminal, row: frame.top + 1 + lines.count, column: 4,
                                  width: frame.size.columns - 6, focused: true)
            }
        case .confirm(let date, let plan, let field, let error):
            Frame.draw(on: terminal, title: title, footer: "Enter slet   Esc fortryd (intet slettes)",
                       message: error.map { ScreenMessage($0, .error) }) { frame in
                var lines: [StyledLine] = [("Det sker, hvis du fortsætter (besøg før \(date.danish)):", .bold)]
                for text in plan {
                    for (index, line) in DisplayWidth.wrap(text, columns: frame.size.columns - 6).enumerated() {
                        lines.append(((index == 0 ? "• " : "  ") + line, .normal))
                    }
                }
                lines.append(("", .normal))
                for line in DisplayWidth.wrap("Det kan ikke fortrydes. " + Retention.whatStays, columns: frame.size.columns - 4) {
                    lines.append((line, .highlight))
                }
                lines.append(("", .normal))
                lines.append(("Skriv datoen igen for at slette:", .bold))
                frame.scrolled(lines, scroll: 0, from: frame.top + 1, column: 2)
                return field.draw(on: frame.terminal, row: min(frame.bottom - 1, frame.top + 1 + lines.count), column: 4,
                                  width: frame.size.columns - 6, focused: true)
            }
        case .done(let lines):
            Frame.draw(on: terminal, title: title, footer: "Tryk en tast for at vende tilbage til gennemgangen") { frame in
                var wrapped: [StyledLine] = []
                for (text, style) in lines {
                    if text.isEmpty { wrapped.append(("", style)); continue }
                    for line in DisplayWidth.wrap(text, columns: frame.size.columns - 4) { wrapped.append((line, style)) }
                }
                frame.scrolled(wrapped, scroll: 0, from: frame.top + 1, column: 2)
                return nil
            }
        }
    }
}
