import KonfliktCore

/// The guided screening form: one step per page, the summary with the recommendation, the
/// override, saving and what to do afterwards. It is a state machine fed one key at a time
/// (`handle`) and drawn on any `Terminal` (`draw`), so tests drive it through `MemoryTerminal`.
public final class FormScreen {
    /// How the screen ended.
    public enum Outcome: Sendable, Equatable {
        /// Still in use.
        case running
        /// The screening was saved and the user closed the confirmation.
        case saved
        /// The user left without saving (the draft is kept).
        case left
    }

    enum Page: Equatable {
        case step
        case summary
        case override
        case saved
        case confirmLeave
    }

    /// The form being filled in.
    public let model: any ScreeningModel
    /// Every answer given so far (also to questions hidden again later).
    public private(set) var answers: Answers
    /// The step on screen (0-based).
    public private(set) var stepIndex: Int
    /// How the screen ended, `.running` while in use.
    public private(set) var outcome: Outcome = .running
    /// The submission that was saved, once saved.
    public private(set) var saved: ScreeningSubmission?

    private let today: LocalDate
    private let save: (ScreeningSubmission) throws -> Void
    private let saveDraft: (Answers, Int) -> String?
    private let leaveQuestion: String
    var page: Page = .step
    private var pageBeforeLeave: Page = .step
    private var fields: [String: any FieldWidget] = [:]
    private var focus = 0
    private var errors: [String: String] = [:]
    private var showHelp = false
    private var message: (text: String, style: TextStyle)?
    private var summaryScroll = 0
    private var overrideActions: [String]?
    private var overrideReason: String?
    private var overrideChoice = MultiChoiceField(options: [])
    private var overrideText = TextField(maxLength: 500)
    private var overrideFocus = 0
    private var overrideError: String?
    private var savedScroll = 0
    /// Warnings that need the log (looked up once on entering the summary, not on every key).
    private var contextWarnings: [String] = []

    /// Creates the screen at `step` with `answers` (both from a draft when resuming).
    /// `save` must throw unless the screening was durably stored; `saveDraft` (which returns a short
    /// Danish problem when the draft could not be written) is called with the
    /// answers and the step after every completed step and when the user leaves.
    public init(model: any ScreeningModel, answers: Answers = [:], step: Int = 0, today: LocalDate,
                save: @escaping (ScreeningSubmission) throws -> Void,
                saveDraft: @escaping (Answers, Int) -> String? = { _, _ in nil },
                leaveQuestion: String = "Vil du afbryde screeningen? Svarene gemmes som kladde, så du kan genoptage dem fra startmenuen.") {
        self.leaveQuestion = leaveQuestion
        self.model = model
        self.answers = answers
        self.today = today
        self.save = save
        self.saveDraft = saveDraft
        stepIndex = max(0, min(step, model.steps.count - 1))
        enterStep(stepIndex)
    }

    /// Draws, then handles keys from `terminal` until the screen ends or input runs out.
    @discardableResult
    public func run(on terminal: Terminal) -> Outcome {
        draw(on: terminal)
        while outcome == .running, let key = terminal.readKey() {
            handle(key)
            draw(on: terminal)
        }
        return outcome
    }

    // MARK: - Steps

    private var step: StepView { model.steps[stepIndex] }

    /// The questions of the current step that are shown under the current answers.
    var shownQuestions: [QuestionView] {
        step.questions.filter { model.isShown($0.id, answers: answers) }
    }

    private func enterStep(_ index: Int) {
        stepIndex = index
        page = .step
        focus = 0
        errors = [:]
        showHelp = false
        fields = [:]
        for question in step.questions {
            fields[question.id] = makeField(for: question, answer: answers[question.id], today: today)
        }
        syncAnswers()
    }

    private func syncAnswers() {
        for question in step.questions {
            if let answer = fields[question.id]?.answer { answers[question.id] = answer } else {
                answers.removeValue(forKey: question.id)
            }
        }
        focus = max(0, min(focus, shownQuestions.count - 1))
    }

    private func problem(for question: QuestionView, requireAnswer: Bool) -> String? {
        guard let field = fields[question.id] else { return nil }
        if let error = field.validationError() { return error }
        if let answer = field.answer {
            return model.problem(with: answer, for: question.id, answers: answers, today: today)
        }
        return requireAnswer && question.required ? "Dette spørgsmål skal besvares." : nil
    }

    /// Moves focus by `delta` after checking the field being left.
    private func moveFocus(_ delta: Int) {
        let shown = shownQuestions
        guard !shown.isEmpty else { if delta > 0 { advance() }; return }
        let current = shown[focus]
        if delta > 0 {
            if let error = problem(for: current, requireAnswer: false) {
                errors[current.id] = error
                return
            }
            errors[current.id] = nil
            if focus + 1 >= shown.count { advance() } else { focus += 1 }
        } else if focus > 0 {
            focus -= 1
        } else if stepIndex > 0 {
            enterStep(stepIndex - 1)
            focus = max(0, shownQuestions.count - 1)
        }
    }

    /// Checks every shown question and moves to the next step or the summary.
    private func advance() {
        var firstError: Int?
        errors = [:]
        for (index, question) in shownQuestions.enumerated() {
            if let error = problem(for: question, requireAnswer: true) {
                errors[question.id] = error
                if firstError == nil { firstError = index }
            }
        }
        if let firstError {
            focus = firstError
            message = ("Ret fejlene, før du går videre.", .error)
            return
        }
        message = nil
        if stepIndex + 1 < model.steps.count {
            enterStep(stepIndex + 1)
        } else {
            summaryScroll = 0
            contextWarnings = model.contextWarnings(answers: model.relevantAnswers(answers))
            page = .summary
        }
        if let problem = saveDraft(answers, stepIndex) {
            message = ("Kladden kunne ikke gemmes (\(problem)). Svarene er kun på skærmen, indtil screeningen er gemt.", .error)
        }
    }

    // MARK: - Keys

    /// Handles one key.
    public func handle(_ key: Key) {
        guard outcome == .running else { return }
        if key == .resize { return }
        if key == .ctrl("c"), page != .saved, page != .confirmLeave {
            askToLeave()
            return
        }
        switch page {
        case .step: handleStep(key)
        case .summary: handleSummary(key)
        case .override: handleOverride(key)
        case .saved:
            switch key {
            case .up: savedScroll = max(0, savedScroll - 1)
            case .down: savedScroll += 1
            case .pageUp: savedScroll = max(0, savedScroll - 10)
            case .pageDown: savedScroll += 10
            default: outcome = .saved
            }
        case .confirmLeave:
            switch key {
            case .character("j"), .character("J"):
                _ = saveDraft(answers, stepIndex)
                outcome = .left
            case .character("n"), .character("N"), .escape:
                page = pageBeforeLeave
            default: break
            }
        }
    }

    private func askToLeave() {
        pageBeforeLeave = page
        page = .confirmLeave
    }

    private func handleStep(_ key: Key) {
        let shown = shownQuestions
        if !shown.isEmpty, var field = fields[shown[focus].id] {
            let id = shown[focus].id
            if field.handle(key) == .handled {
                fields[id] = field
                errors[id] = nil
                message = nil
                syncAnswers()
                return
            }
        }
        switch key {
        case .tab, .enter, .down: moveFocus(1)
        case .backtab, .up: moveFocus(-1)
        case .pageDown: advance()
        case .pageUp:
            if stepIndex > 0 { enterStep(stepIndex - 1) }
        case .escape:
            if stepIndex > 0 { enterStep(stepIndex - 1) } else { askToLeave() }
        case .function(1), .character("?"):
            showHelp.toggle()
        default:
            break
        }
    }

    private var decision: Decision {
        var decision = model.decide(model.relevantAnswers(answers), today: today)
        decision.warnings += contextWarnings
        return decision
    }

    private func handleSummary(_ key: Key) {
        switch key {
        case .enter, .function(10), .ctrl("s"):
            let decision = self.decision
            if let chosen = overrideActions, case .failure(let refusal) = model.checkOverride(
                actions: chosen, reason: overrideReason ?? "", decision: decision) {
                // The answers changed since the override was accepted: it may no longer remove a duty.
                message = ("Ikke gemt: " + refusal.danishDescription, .error)
                return
            }
            let submission = ScreeningSubmission(answers: model.relevantAnswers(answers), decision: decision,
                                                 overrideActions: overrideActions, overrideReason: overrideReason)
            do {
                try save(submission)
                saved = submission
                savedScroll = 0
                page = .saved
                message = nil
            } catch let error as UserFacingError {
                message = ("Ikke gemt: " + error.danishDescription, .error)
            } catch {
                message = ("Ikke gemt: screeningen kunne ikke skrives.", .error)
            }
        case .escape, .pageUp, .backtab:
            enterStep(model.steps.count - 1)
        case .character("t"), .character("T"):
            let options = model.actions.sorted { $0.severity > $1.severity }.map { ChoiceOption(id: $0.id, label: $0.label) }
            overrideChoice = MultiChoiceField(options: options, selectedIDs: overrideActions ?? decision.actions)
            overrideText = TextField(text: overrideReason ?? "", maxLength: 500)
            overrideFocus = 0
            overrideError = nil
            page = .override
        case .character("f"), .character("F"):
            overrideActions = nil
            overrideReason = nil
        case .up: summaryScroll = max(0, summaryScroll - 1)
        case .down: summaryScroll += 1
        default: break
        }
    }

    private func handleOverride(_ key: Key) {
        if overrideFocus == 0 {
            if overrideChoice.handle(key) == .handled { overrideError = nil; return }
        } else if overrideText.handle(key) == .handled {
            overrideError = nil
            return
        }
        switch key {
        case .tab, .backtab: overrideFocus = 1 - overrideFocus
        case .escape: page = .summary
        case .enter:
            guard case .strings(let chosen)? = overrideChoice.answer, !chosen.isEmpty else {
                overrideError = OverrideRefusal.noActions.danishDescription
                overrideFocus = 0
                return
            }
            // The same check as every other path (record, the golden cases): a mandatory rule's action
            // cannot be removed; said as soon as the actions are chosen.
            let reason = overrideFocus == 0 && !overrideText.hasInput ? "-" : overrideText.trimmedText
            switch model.checkOverride(actions: chosen, reason: reason, decision: decision) {
            case .failure(let refusal):
                overrideError = refusal.danishDescription
                if case .removesMandatory = refusal { overrideFocus = 0 }
            case .success(let ordered):
                if overrideFocus == 0 { overrideFocus = 1; return }
                overrideActions = ordered
                overrideReason = overrideText.trimmedText
                page = .summary
            }
        default: break
        }
    }

    // MARK: - Drawing

    /// Draws the current page.
    public func draw(on terminal: Terminal) {
        terminal.clear()
        terminal.setCursorVisible(false)
        let size = terminal.size
        guard size.isLargeEnough else {
            drawTooSmall(on: terminal)
            terminal.refresh()
            return
        }
        switch page {
        case .step: drawStep(on: terminal)
        case .summary: drawSummary(on: terminal)
        case .override: drawOverride(on: terminal)
        case .saved: drawSaved(on: terminal)
        case .confirmLeave:
            drawHeader(on: terminal, right: "")
            let lines = DisplayWidth.wrap(
                leaveQuestion,
                columns: size.columns - 4)
            for (index, line) in lines.enumerated() { terminal.put(line, row: 4 + index, column: 2, style: .bold) }
            terminal.put("j = ja, afbryd   n = nej, fortsæt", row: 5 + lines.count, column: 2)
            drawFooter("j afbryd · n fortsæt", on: terminal)
        }
        terminal.refresh()
    }

    private func drawTooSmall(on terminal: Terminal) {
        let size = terminal.size
        let text = "Vinduet er for lille (\(size.columns)×\(size.rows)). Gør det mindst 80×24 tegn."
        for (index, line) in DisplayWidth.wrap(text, columns: max(1, size.columns)).enumerated() {
            terminal.put(line, row: index, column: 0, style: .error)
        }
    }

    private func drawHeader(on terminal: Terminal, right: String) {
        let width = terminal.size.columns
        terminal.put(DisplayWidth.prefix(model.title, fitting: width - DisplayWidth.of(right) - 2), row: 0, column: 0, style: .title)
        terminal.put(right, row: 0, column: width - DisplayWidth.of(right), style: .bold)
    }

    private func drawFooter(_ text: String, on terminal: Terminal) {
        let size = terminal.size
        terminal.put(DisplayWidth.padded(" " + text, to: size.columns), row: size.rows - 1, column: 0, style: .reverse)
        if let message {
            terminal.put(DisplayWidth.prefix(message.text, fitting: size.columns), row: size.rows - 2, column: 0, style: message.style)
        }
    }

    /// The footer of a step page; fits 80 columns.
    static let stepFooter = "Enter/Tab næste · ⇧Tab forrige · PgDn/PgUp trin · F1 hjælp · Esc tilbage"

    private func drawStep(on terminal: Terminal) {
        let size = terminal.size
        let width = size.columns - 4
        drawHeader(on: terminal, right: "Trin \(stepIndex + 1) af \(model.steps.count)")
        terminal.put(DisplayWidth.prefix(step.title, fitting: size.columns), row: 1, column: 0, style: .bold)
        let shown = shownQuestions
        // Lay out one block per question; scroll so the focused block is fully visible.
        var blocks: [[(text: String?, question: QuestionView?, style: TextStyle)]] = []
        for (index, question) in shown.enumerated() {
            var block: [(text: String?, question: QuestionView?, style: TextStyle)] = []
            let label = question.text + (question.required ? " *" : "")
            for line in DisplayWidth.wrap(label, columns: width) { block.append((line, nil, .bold)) }
            let fieldHeight = fields[question.id]?.height(width: width) ?? 1
            block.append((nil, question, .normal))
            for _ in 1..<max(1, fieldHeight) { block.append(("", nil, .normal)) }
            if let error = errors[question.id] {
                for line in DisplayWidth.wrap("! " + error, columns: width) { block.append((line, nil, .error)) }
            }
            if showHelp, index == focus {
                let help = question.help.isEmpty ? "Der er ingen hjælpetekst til dette spørgsmål." : question.help
                for line in DisplayWidth.wrap(help, columns: width) { block.append((line, nil, .dim)) }
            }
            block.append(("", nil, .normal))
            blocks.append(block)
        }
        // Questions the answers on this page leave out, with the form's reason (e.g. "not alone").
        for question in step.questions where !shown.contains(where: { $0.id == question.id }) {
            guard let reason = model.hiddenReason(question.id, answers: answers) else { continue }
            var block: [(text: String?, question: QuestionView?, style: TextStyle)] = []
            for line in DisplayWidth.wrap("ⓘ " + reason, columns: width) { block.append((line, nil, .highlight)) }
            block.append(("", nil, .normal))
            blocks.append(block)
        }
        let top = 3, bottom = size.rows - 3
        let available = bottom - top
        var first = 0
        if !blocks.isEmpty {
            var used = blocks[..<(focus + 1)].reduce(0) { $0 + $1.count }
            while first < focus, used > available {
                used -= blocks[first].count
                first += 1
            }
        }
        var row = top
        var cursor: (row: Int, column: Int)?
        for blockIndex in first..<blocks.count {
            for entry in blocks[blockIndex] {
                guard row < bottom else { break }
                if let question = entry.question, let field = fields[question.id] {
                    let isFocused = blockIndex == focus
                    terminal.put(isFocused ? "›" : " ", row: row, column: 0, style: .bold)
                    if let position = field.draw(on: terminal, row: row, column: 2, width: width, focused: isFocused) {
                        cursor = position
                    }
                    row += 1
                } else if let text = entry.text {
                    terminal.put(text, row: row, column: 2, style: entry.style)
                    row += 1
                }
            }
        }
        if shown.isEmpty {
            terminal.put("Ingen spørgsmål på dette trin ud fra svarene. Tryk Enter for at gå videre.", row: top, column: 2)
        }
        if first + blocks.count < shown.count || row >= bottom {
            terminal.put("↓ flere spørgsmål", row: bottom - 1, column: size.columns - 18, style: .dim)
        }
        if message == nil, !shown.isEmpty {
            terminal.put(inputHint(for: shown[focus].input), row: size.rows - 2, column: 2, style: .dim)
        }
        drawFooter(Self.stepFooter, on: terminal)
        if let cursor {
            terminal.moveCursor(row: cursor.row, column: cursor.column)
            terminal.setCursorVisible(true)
        }
    }

    /// The summary's lines: the recommendation and any override first (what the health visitor acts
    /// on, visible without scrolling at 80×24), then warnings, then every shown answer.
    func summaryLines(width: Int) -> [(String, TextStyle)] {
        var lines: [(String, TextStyle)] = []
        let decision = self.decision
        for banner in model.banners(for: decision.actions) {
            for line in DisplayWidth.wrap(banner, columns: width - 2) { lines.append((line, .error)) }
            lines.append(("", .normal))
        }
        lines.append(("Anbefaling", .title))
        for actionID in decision.actions {
            lines.append(("▶ " + (model.action(actionID)?.label ?? actionID), .bold))
            for rule in decision.rules where rule.action == actionID {
                let basis = rule.basis.isEmpty ? "" : " (\(rule.basis))"
                for line in DisplayWidth.wrap("Begrundelse: \(rule.reason)\(basis)", columns: width - 2) {
                    lines.append(("  " + line, .normal))
                }
            }
        }
        if let overrideActions {
            lines.append(("", .normal))
            lines.append(("Tilsidesat af dig: " + overrideActions.map { model.action($0)?.label ?? $0 }.joined(separator: ", "), .highlight))
            for line in DisplayWidth.wrap("Begrundelse: \(overrideReason ?? "")", columns: width - 2) { lines.append(("  " + line, .normal)) }
        }
        if !decision.warnings.isEmpty {
            lines.append(("", .normal))
            lines.append(("Advarsler", .title))
            for warning in decision.warnings {
                for (index, line) in DisplayWidth.wrap(warning, columns: width - 2).enumerated() {
                    lines.append(((index == 0 ? "! " : "  ") + line, .error))
                }
            }
        }
        lines.append(("", .normal))
        lines.append(("Svar", .title))
        let relevant = model.relevantAnswers(answers)
        for question in model.allQuestions {
            guard let answer = relevant[question.id] else { continue }
            for (index, line) in DisplayWidth.wrap("\(question.text) \(question.display(answer))", columns: width - 2).enumerated() {
                lines.append(((index == 0 ? "• " : "  ") + line, .normal))
            }
        }
        return lines
    }

    private func drawSummary(on terminal: Terminal) {
        let size = terminal.size
        drawHeader(on: terminal, right: "Opsummering")
        let lines = summaryLines(width: size.columns - 2)
        let available = size.rows - 4
        summaryScroll = max(0, min(summaryScroll, lines.count - available))
        for (offset, line) in lines.dropFirst(summaryScroll).prefix(available).enumerated() {
            terminal.put(line.0, row: 2 + offset, column: 1, style: line.1)
        }
        if lines.count - summaryScroll > available {
            terminal.put("↓ mere (↑/↓ ruller)", row: size.rows - 3, column: size.columns - 20, style: .dim)
        }
        let overrideKey = overrideActions == nil ? "T tilsidesæt" : "T ret · F fjern tilsidesættelse"
        drawFooter("Enter gem · Esc tilbage og ret · \(overrideKey)", on: terminal)
    }

    private func drawOverride(on terminal: Terminal) {
        let size = terminal.size
        drawHeader(on: terminal, right: "Tilsidesæt anbefaling")
        terminal.put("Vælg de handlinger, du vil bruge i stedet:", row: 2, column: 1, style: .bold)
        overrideChoice.draw(on: terminal, row: 3, column: 3, width: size.columns - 4, focused: overrideFocus == 0)
        let reasonRow = 4 + overrideChoice.height(width: size.columns)
        terminal.put("Begrundelse (skal udfyldes):", row: reasonRow, column: 1, style: .bold)
        let cursor = overrideText.draw(on: terminal, row: reasonRow + 1, column: 3, width: size.columns - 6, focused: overrideFocus == 1)
        if let overrideError {
            for (index, line) in DisplayWidth.wrap("! " + overrideError, columns: size.columns - 6).enumerated()
            where reasonRow + 2 + index < size.rows - 1 {
                terminal.put(line, row: reasonRow + 2 + index, column: 3, style: .error)
            }
        }
        drawFooter("Mellemrum vælger · Tab skifter felt · Enter godkend · Esc fortryd", on: terminal)
        if let cursor {
            terminal.moveCursor(row: cursor.row, column: cursor.column)
            terminal.setCursorVisible(true)
        }
    }

    /// The saved page's lines: for each final action what to do now, what to tell the family (rule
    /// texts before the action's) and where the family can turn; then the journal note to copy.
    func savedLines(width: Int) -> [(String, TextStyle)] {
        guard let saved else { return [] }
        var lines: [(String, TextStyle)] = []
        for banner in model.banners(for: saved.finalActions) {
            for line in DisplayWidth.wrap(banner, columns: width) { lines.append((line, .error)) }
            lines.append(("", .normal))
        }
        for guidance in model.guidance(for: saved.finalActions, decision: saved.decision) {
            lines.append((guidance.label, .title))
            for instruction in guidance.instructions {
                for line in DisplayWidth.wrap("Gør nu: " + instruction, columns: width) { lines.append((line, .bold)) }
            }
            for info in guidance.familyInfo {
                for line in DisplayWidth.wrap("Til familien: " + info, columns: width) { lines.append((line, .normal)) }
            }
            if !guidance.resources.isEmpty {
                let text = "Hjælp: " + guidance.resources.map(\.contactLine).joined(separator: "; ")
                for line in DisplayWidth.wrap(text, columns: width) { lines.append((line, .normal)) }
            }
            lines.append(("", .normal))
        }
        if let note = model.journalNote(answers: saved.answers, decision: saved.decision,
                                        overrideActions: saved.overrideActions, overrideReason: saved.overrideReason) {
            lines.append(("Journalnotat (kopiér til journalen)", .title))
            for paragraph in note.split(separator: "\n", omittingEmptySubsequences: false) {
                if paragraph.isEmpty { lines.append(("", .normal)); continue }
                for line in DisplayWidth.wrap(String(paragraph), columns: width) { lines.append((line, .normal)) }
            }
        }
        return lines
    }

    private func drawSaved(on terminal: Terminal) {
        let size = terminal.size
        drawHeader(on: terminal, right: "")
        terminal.put("✔ Gemt", row: 2, column: 1, style: .success)
        let lines = savedLines(width: size.columns - 4)
        let available = size.rows - 6
        savedScroll = max(0, min(savedScroll, lines.count - available))
        for (offset, line) in lines.dropFirst(savedScroll).prefix(available).enumerated() {
            terminal.put(line.0, row: 4 + offset, column: 2, style: line.1)
        }
        if lines.count - savedScroll > available {
            terminal.put("↓ mere (↑/↓ ruller)", row: size.rows - 2, column: size.columns - 20, style: .dim)
        }
        drawFooter("↑/↓ ruller · en anden tast vender tilbage til startmenuen", on: terminal)
    }
}
