import KonfliktCore

/// What the guided form knows when it corrects a saved screening (from the review): it says so on
/// the summary, warns about answers the new answers drop, and says where the user goes afterwards.
public struct CorrectionContext: Sendable, Equatable {
    /// Why the screening is corrected.
    public var reason: String
    /// The answers saved before.
    public var earlierAnswers: Answers
    /// The saved page's last line: where a key takes the user.
    public var closing: String

    /// A correction.
    public init(reason: String, earlierAnswers: Answers, closing: String) {
        self.reason = reason
        self.earlierAnswers = earlierAnswers
        self.closing = closing
    }
}

/// The guided screening form: one step per page, the summary with the recommendation, the
/// override, saving and what to do afterwards. It is a state machine fed one key at a time
/// (`handle`) and drawn on any `Terminal` (`draw`), so tests drive it through `MemoryTerminal`.
public final class FormScreen: Screen {
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
    /// Set when this form corrects a saved screening.
    private let correction: CorrectionContext?
    var page: Page = .step
    private var pageBeforeLeave: Page = .step
    /// Why the last draft could not be written (nil when it was).
    private var draftProblem: String?
    /// The draft could not be written when she asked to leave, and she was told so.
    private var leaveWithoutDraft = false
    private var fields: [String: any FieldWidget] = [:]
    private var focus = 0
    private var errors: [String: String] = [:]
    private var showHelp = false
    private var message: ScreenMessage?
    /// The body's height at the last draw (for PgUp/PgDn on scrolling pages).
    private var pageHeight = 15
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
                overrideActions: [String]? = nil, overrideReason: String? = nil,
                leaveQuestion: String = "Vil du afbryde screeningen? Svarene gemmes som kladde, så du kan genoptage dem fra startmenuen.",
                correction: CorrectionContext? = nil) {
        self.leaveQuestion = leaveQuestion
        self.correction = correction
        self.overrideActions = overrideActions
        self.overrideReason = overrideReason
        self.model = model
        self.answers = answers
        self.today = today
        self.save = save
        self.saveDraft = saveDraft
        stepIndex = max(0, min(step, model.steps.count - 1))
        enterStep(stepIndex)
    }

    /// Whether the screen has ended (saved and closed, or left).
    public var isDone: Bool { outcome != .running }

    /// Draws, then handles keys from `terminal` until the screen ends or input runs out (the shared loop).
    @discardableResult
    public func run(on terminal: Terminal) -> Outcome {
        (self as any Screen).run(on: terminal)
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
            message = ScreenMessage("Ret fejlene, før du går videre.", .error)
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
        draftProblem = saveDraft(answers, stepIndex)
        if let problem = draftProblem {
            message = ScreenMessage("Kladden kunne ikke gemmes (\(problem)). Svarene er kun på skærmen, indtil screeningen er gemt.", .error)
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
            if let offset = Scrolling.offset(after: key, from: savedScroll, page: pageHeight) {
                savedScroll = offset
            } else {
                outcome = .saved
            }
        case .confirmLeave:
            switch key {
            case .character("j"), .character("J"):
                // Leaves only when the draft really is kept, or when she was told it is not and says j again.
                if leaveWithoutDraft {
                    outcome = .left
                } else if let problem = saveDraft(answers, stepIndex) {
                    draftProblem = problem
                    leaveWithoutDraft = true
                    message = ScreenMessage("Kladden kunne ikke gemmes (\(problem)). Afbryder du nu, er svarene tabt. "
                                            + "Tryk j igen for at afbryde alligevel, eller n for at fortsætte.", .error)
                } else {
                    draftProblem = nil
                    outcome = .left
                }
            case .character("n"), .character("N"), .escape:
                leaveWithoutDraft = false
                message = nil
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
                message = ScreenMessage("Ikke gemt: " + refusal.danishDescription, .error)
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
                message = ScreenMessage("Ikke gemt: " + error.danishDescription, .error)
            } catch {
                message = ScreenMessage("Ikke gemt: screeningen kunne ikke skrives.", .error)
            }
        case .escape, .backtab:
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
        default:
            if let offset = Scrolling.offset(after: key, from: summaryScroll, page: pageHeight) { summaryScroll = offset }
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

    /// Draws the current page in the shared frame.
    public func draw(on terminal: Terminal) {
        switch page {
        case .step:
            let shown = shownQuestions
            let hint = message ?? (shown.isEmpty ? nil : ScreenMessage(inputHint(for: shown[focus].input), .dim))
            Frame.draw(on: terminal, title: model.title, right: "Trin \(stepIndex + 1) af \(model.steps.count)",
                       footer: Self.stepFooter, message: hint) { drawStep(in: $0) }
        case .summary:
            let overrideKey = overrideActions == nil ? "T tilsidesæt" : "T ret · F fjern tilsidesættelse"
            Frame.draw(on: terminal, title: model.title, right: "Opsummering",
                       footer: "Enter gem · Esc tilbage og ret · \(overrideKey) · ↑/↓ ruller", message: message) { frame in
                pageHeight = frame.height
                summaryScroll = frame.scrolled(summaryLines(width: frame.size.columns - 2), scroll: summaryScroll,
                                               from: frame.top + 1, column: 1)
                return nil
            }
        case .override:
            Frame.draw(on: terminal, title: model.title, right: "Tilsidesæt anbefaling",
                       footer: "Mellemrum vælger · Tab skifter felt · Enter godkend · Esc fortryd", message: message) {
                drawOverride(in: $0)
            }
        case .saved:
            let closing = correction?.closing ?? "Tryk en tast for at vende tilbage til startmenuen."
            Frame.draw(on: terminal, title: model.title,
                       footer: "↑/↓ PgUp/PgDn ruller · en anden tast: tilbage", message: ScreenMessage(closing, .bold)) { frame in
                frame.terminal.put(correction == nil ? "✔ Gemt" : "✔ Rettelsen er gemt", row: frame.top + 1, column: 1,
                                   style: .success)
                pageHeight = frame.height
                savedScroll = frame.scrolled(savedLines(width: frame.size.columns - 4), scroll: savedScroll,
                                             from: frame.top + 3, column: 2)
                return nil
            }
        case .confirmLeave:
            Frame.draw(on: terminal, title: model.title, footer: "j afbryd · n fortsæt", message: message) { frame in
                // Never promises a draft that the last attempt could not write.
                let question = draftProblem.map {
                    "Vil du afbryde? Kladden kunne ikke gemmes sidst (\($0)); den prøves gemt igen nu, og du får besked, "
                        + "hvis svarene ikke kan gemmes."
                } ?? leaveQuestion
                let lines = DisplayWidth.wrap(question, columns: frame.size.columns - 4)
                for (index, line) in lines.enumerated() {
                    frame.terminal.put(line, row: frame.top + 3 + index, column: 2, style: .bold)
                }
                frame.terminal.put("j = ja, afbryd   n = nej, fortsæt", row: frame.top + 4 + lines.count, column: 2)
                return nil
            }
        }
    }

    /// The footer of a step page; fits 80 columns.
    static let stepFooter = "Enter/Tab næste · ⇧Tab forrige · PgDn/PgUp trin · F1 hjælp · Esc tilbage"

    private func drawStep(in frame: Frame) -> (row: Int, column: Int)? {
        let terminal = frame.terminal
        let size = frame.size
        let width = size.columns - 4
        terminal.put(DisplayWidth.prefix(step.title, fitting: size.columns), row: frame.top, column: 0, style: .bold)
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
        let top = frame.top + 2
        let total = blocks.reduce(0) { $0 + $1.count }
        // When the blocks do not fit, the last row is the hint's alone (it never covers a question).
        let overflow = total > frame.bottom - top
        let bottom = overflow ? frame.bottom - 1 : frame.bottom
        let available = bottom - top
        var first = 0
        if !blocks.isEmpty {
            var used = blocks[..<(min(focus, blocks.count - 1) + 1)].reduce(0) { $0 + $1.count }
            while first < focus, used > available {
                used -= blocks[first].count
                first += 1
            }
        }
        var row = top
        var cursor: (row: Int, column: Int)?
        var cut = false
        for blockIndex in first..<blocks.count {
            for entry in blocks[blockIndex] {
                guard row < bottom else { cut = true; break }
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
        if overflow {
            let hint = (first > 0 ? "↑ flere spørgsmål ovenfor  " : "") + (cut ? "↓ flere spørgsmål (Tab/Enter)" : "")
            terminal.put(hint, row: bottom, column: 2, style: .dim)
        }
        return cursor
    }

    /// The summary's lines: the recommendation and any override first (what the health visitor acts
    /// on, visible without scrolling at 80×24), then warnings, then what to do now and what to tell the
    /// family for the actions that will be saved (so she sees it before saving), then every shown answer.
    func summaryLines(width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        func add(_ text: String, _ style: TextStyle, first: String = "", rest: String = "  ") {
            for (index, line) in DisplayWidth.wrap(text, columns: width - 2 - DisplayWidth.of(first)).enumerated() {
                lines.append(((index == 0 ? first : rest) + line, style))
            }
        }
        let decision = self.decision
        for banner in model.banners(for: overrideActions ?? decision.actions) {
            add(banner, .error, rest: "")
            lines.append(("", .normal))
        }
        if let correction {
            add("Rettelse af en gemt screening. Begrundelse: \(correction.reason)", .highlight, rest: "")
            let dropped = droppedAnswers(correction)
            if !dropped.isEmpty {
                add("Disse svar fra den gemte screening hører ikke længere med og gemmes ikke i rettelsen:", .error,
                    first: "! ")
                for text in dropped { add(text, .error, first: "  – ", rest: "    ") }
            }
            lines.append(("", .normal))
        }
        lines.append(("Anbefaling", .title))
        for actionID in decision.actions {
            add(model.action(actionID)?.label ?? actionID, .bold, first: "▶ ")
            for rule in decision.rules where rule.action == actionID {
                let basis = rule.basis.isEmpty ? "" : " (\(rule.basis))"
                add("Begrundelse: \(rule.reason)\(basis)", .normal, first: "  ")
            }
        }
        if let overrideActions {
            lines.append(("", .normal))
            // Wrapped: she confirms every action she chose, however many.
            add("Tilsidesat af dig: " + overrideActions.map { model.action($0)?.label ?? $0 }.joined(separator: ", "),
                .highlight)
            add("Begrundelse: \(overrideReason ?? "")", .normal, first: "  ")
        }
        if !decision.warnings.isEmpty {
            lines.append(("", .normal))
            lines.append(("Advarsler", .title))
            for warning in decision.warnings { add(warning, .error, first: "! ") }
        }
        let guidance = model.guidance(for: overrideActions ?? decision.actions, decision: decision)
        if !guidance.isEmpty {
            lines.append(("", .normal))
            lines.append(("Når screeningen er gemt", .title))
            lines += Self.guidanceLines(guidance, width: width - 2)
        }
        lines.append(("", .normal))
        lines.append(("Svar", .title))
        let relevant = model.relevantAnswers(answers)
        for question in model.allQuestions {
            guard let answer = relevant[question.id] else { continue }
            add("\(question.text) \(question.display(answer))", .normal, first: "• ")
        }
        return lines
    }

    /// The earlier answers (as "question: answer") that the corrected answers no longer carry, e.g. because
    /// a changed answer hides their question.
    private func droppedAnswers(_ correction: CorrectionContext) -> [String] {
        let relevant = model.relevantAnswers(answers)
        return model.allQuestions.compactMap { question in
            guard let earlier = correction.earlierAnswers[question.id], relevant[question.id] == nil else { return nil }
            return "\(question.text) \(question.display(earlier))"
        }
    }

    /// For each action: what to do now, what to tell the family (rule texts before the action's) and
    /// where the family can turn; wrapped at `width`.
    static func guidanceLines(_ guidance: [ActionGuidance], width: Int, labelStyle: TextStyle = .bold) -> [StyledLine] {
        var lines: [StyledLine] = []
        for item in guidance {
            lines.append((item.label, labelStyle))
            for instruction in item.instructions {
                for line in DisplayWidth.wrap("Gør nu: " + instruction, columns: width) { lines.append((line, .bold)) }
            }
            for info in item.familyInfo {
                for line in DisplayWidth.wrap("Til familien: " + info, columns: width) { lines.append((line, .normal)) }
            }
            if !item.resources.isEmpty {
                let text = "Hjælp: " + item.resources.map(\.contactLine).joined(separator: "; ")
                for line in DisplayWidth.wrap(text, columns: width) { lines.append((line, .normal)) }
            }
            lines.append(("", .normal))
        }
        return lines
    }

    private func drawOverride(in frame: Frame) -> (row: Int, column: Int)? {
        let terminal = frame.terminal
        let size = frame.size
        terminal.put("Vælg de handlinger, du vil bruge i stedet:", row: frame.top + 1, column: 1, style: .bold)
        overrideChoice.draw(on: terminal, row: frame.top + 2, column: 3, width: size.columns - 4, focused: overrideFocus == 0)
        let reasonRow = frame.top + 3 + overrideChoice.height(width: size.columns)
        terminal.put("Begrundelse (skal udfyldes):", row: reasonRow, column: 1, style: .bold)
        let cursor = overrideText.draw(on: terminal, row: reasonRow + 1, column: 3, width: size.columns - 6,
                                       focused: overrideFocus == 1)
        if let overrideError {
            for (index, line) in DisplayWidth.wrap("! " + overrideError, columns: size.columns - 6).enumerated()
            where reasonRow + 2 + index < frame.bottom {
                terminal.put(line, row: reasonRow + 2 + index, column: 3, style: .error)
            }
        }
        return cursor
    }

    /// The saved page's lines: for each final action what to do now, what to tell the family (rule
    /// texts before the action's) and where the family can turn; then the journal note to copy.
    func savedLines(width: Int) -> [StyledLine] {
        guard let saved else { return [] }
        var lines: [StyledLine] = []
        for banner in model.banners(for: saved.finalActions) {
            for line in DisplayWidth.wrap(banner, columns: width) { lines.append((line, .error)) }
            lines.append(("", .normal))
        }
        lines += Self.guidanceLines(model.guidance(for: saved.finalActions, decision: saved.decision), width: width,
                                    labelStyle: .title)
        if let note = model.journalNote(answers: saved.answers, decision: saved.decision,
                                        overrideActions: saved.overrideActions, overrideReason: saved.overrideReason) {
            lines.append(("Journalnotat (kopiér til journalen)", .title))
            lines += Self.noteLines(note, width: width)
        }
        return lines
    }

    /// A plain-text note (paragraphs separated by newlines) wrapped at `width`.
    static func noteLines(_ note: String, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for paragraph in note.split(separator: "\n", omittingEmptySubsequences: false) {
            if paragraph.isEmpty { lines.append(("", .normal)); continue }
            for line in DisplayWidth.wrap(String(paragraph), columns: width) { lines.append((line, .normal)) }
        }
        return lines
    }
}
