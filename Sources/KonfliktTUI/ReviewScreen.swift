import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// What one reading of the cases gives the review: the flagged cases and the reader's warnings
/// (unreadable lines, orphans, a rebuilt index), which are shown, never dropped.
public struct ReviewLoad: Sendable {
    /// The flagged cases.
    public var cases: ReviewCases
    /// Danish warnings.
    public var warnings: [String]

    /// A reading of the cases `cases`.
    public init(cases: [CaseSummary], warnings: [String] = []) {
        self.init(cases: ReviewCases(cases), warnings: warnings)
    }

    /// A reading from the case index: each case's summary is made when the screen reads it.
    public init(cases: CaseList, warnings: [String] = []) {
        self.init(cases: ReviewCases(cases), warnings: warnings)
    }

    /// A reading.
    public init(cases: ReviewCases, warnings: [String] = []) {
        self.cases = cases
        self.warnings = warnings
    }
}

/// What the team lead's review needs from the outside world, as values so tests supply their own.
public struct ReviewEnvironment {
    /// The form (question texts, action labels and deadlines, and the correction form).
    public var form: Form
    /// Today's date.
    public var today: LocalDate
    /// The lead's initials (for the correction form's defaults).
    public var initials: String
    /// Brings the case index up to date and lists the flagged cases: open ones only, or closed ones too
    /// (`true`). `progress` gets the share of the log read and returns false to stop (the lead pressed
    /// Esc): then it throws `CancellationError`.
    public var load: (_ includeClosed: Bool, _ progress: (Double) -> Bool) throws -> ReviewLoad
    /// Durably appends a follow-up to the lead's own device file; throws unless saved.
    public var recordFollowup: (FollowupBody) throws -> Void
    /// Durably appends a correction to the lead's own device file; throws unless saved.
    public var recordCorrection: (CorrectionBody) throws -> Void
    /// Reads one case again: its details from the log and its summary for the list (nil, nil when
    /// there is no such case).
    public var loadCase: (UUID) throws -> (Case?, CaseSummary?)
    /// The index's keyed hash of a typed CPR number (ten digits), for search.
    public var cprKey: (String) -> UInt64
    /// Durably appends an `access` event (a case's details opened, its CPR number revealed) to the
    /// reader's own log file; throws unless saved, and then nothing is shown.
    public var recordAccess: (AccessBody.Kind, UUID) throws -> Void = { _, _ in }
    /// The device keys waiting for the lead's approval, and approving one by fingerprint (`g` in the
    /// list); nil where nothing can be approved (a folder without a team key).
    public var devices: (waiting: () throws -> [WaitingDevice], approve: (String) throws -> Void)?
    /// Deleting records under the retention rules (`o` in the list, the same steps as `konflikt
    /// retention`); nil where it cannot be done here (the start menu's review, without the passphrase).
    public var retention: RetentionActions?

    /// Creates an environment.
    public init(form: Form, today: LocalDate, initials: String,
                load: @escaping (_ includeClosed: Bool, _ progress: (Double) -> Bool) throws -> ReviewLoad,
                recordFollowup: @escaping (FollowupBody) throws -> Void,
                recordCorrection: @escaping (CorrectionBody) throws -> Void,
                loadCase: @escaping (UUID) throws -> (Case?, CaseSummary?),
                cprKey: @escaping (String) -> UInt64 = { _ in 0 }) {
        self.form = form
        self.today = today
        self.initials = initials
        self.load = load
        self.recordFollowup = recordFollowup
        self.recordCorrection = recordCorrection
        self.loadCase = loadCase
        self.cprKey = cprKey
    }
}

/// The team lead's review: the list of flagged cases (most urgent first, filters, masked CPR), a
/// case's detail with its history, what to do and the journal note, and recording a follow-up or a
/// correction. A `Screen`: `handle` one key, `draw` on any `Terminal` in the shared frame. Each page's
/// state is a value of `Page`, so a page cannot be shown without the case it is about.
public final class ReviewScreen: Screen {
    /// The detail page of one case, read from the log when it was opened.
    struct DetailState {
        /// The case.
        var item: Case
        /// The first line shown.
        var scroll = 0
    }

    /// The follow-up form of a case.
    struct FollowupState {
        /// The detail page to return to.
        var detail: DetailState
        var action: ChoiceField
        var status: ChoiceField
        var date: DateField
        var note: TextField
        var focus = 0
        var error: String?
        /// The follow-up checked and shown for confirmation; saved on Enter/j.
        var confirming: FollowupBody?
    }

    /// The reason asked before a correction.
    struct ReasonState {
        /// The detail page to return to.
        var detail: DetailState
        var field = TextField(maxLength: 500)
        var error: String?
    }

    /// A correction in progress: the guided form, pre-filled with the case's answers.
    struct CorrectionState {
        /// The detail page to return to.
        var detail: DetailState
        /// The guided form (a reference: it keeps its own state between keys).
        var screen: FormScreen
    }

    /// The page on screen.
    enum Page {
        case list
        case detail(DetailState)
        case followup(FollowupState)
        case reason(ReasonState)
        case correction(CorrectionState)
        case search(TextField)
        case devices(DeviceApprovalScreen)
        case retention(RetentionScreen)

        /// The page's kind, for tests.
        var kind: String {
            switch self {
            case .list: return "list"
            case .detail: return "detail"
            case .followup: return "followup"
            case .reason: return "reason"
            case .correction: return "correction"
            case .search: return "search"
            case .devices: return "devices"
            case .retention: return "retention"
            }
        }
    }

    private let environment: ReviewEnvironment
    private(set) var page: Page = .list
    /// The user left the review.
    public private(set) var finished = false
    /// Whether the review has ended.
    public var isDone: Bool { finished }

    private var cases = ReviewCases() {
        didSet { facets = nil }
    }
    /// The health visitors and actions found in `cases`, for the filters: gathered while the list is
    /// ordered (each case's summary is made when read).
    private var facets: (authors: [String], actions: [String])?
    /// The reader's warnings from the last reading.
    private var warnings: [String] = []
    private(set) var filter = ReviewFilter()
    private(set) var rows = ReviewRows()
    /// Open and overdue rows, counted once per filter change rather than on every key.
    private var counts = (open: 0, overdue: 0)
    private var selected = 0
    private var top = 0
    /// The case whose CPR number is shown, and the number (read from the log on `v`).
    private var revealed: UUID?
    private var revealedCPR: String?
    private var message: ScreenMessage?
    private var loadError: String?
    /// Whether `cases` holds closed cases too (they are read only when asked for: faster on big logs).
    private var loadedClosed = false
    /// The body's height at the last draw (for PgUp/PgDn).
    private var pageHeight = 15
    /// The terminal's width at the last draw (the detail's lines are wrapped at it).
    private var lastColumns = TerminalSize.minimum.columns

    /// Opens the review and reads the logs.
    public init(environment: ReviewEnvironment) {
        self.environment = environment
        reload()
    }

    private init(deferring environment: ReviewEnvironment) {
        self.environment = environment
    }

    /// Opens the review on `terminal`: brings the case index up to date while showing how much of the
    /// log is read (Esc leaves), then runs the review.
    public static func open(environment: ReviewEnvironment, on terminal: Terminal) {
        let screen = ReviewScreen(deferring: environment)
        screen.reload(progressOn: terminal)
        guard !screen.finished else { return }
        screen.run(on: terminal)
    }

    // MARK: - Data

    private func reload(progressOn terminal: Terminal? = nil) {
        var lastDrawn = -1
        let progress: (Double) -> Bool = { share in
            guard let terminal else { return true }
            let percent = Int((share * 100).rounded(.down))
            if percent != lastDrawn {
                lastDrawn = percent
                Frame.draw(on: terminal, title: "Gennemgang", footer: "Esc afbryder") { frame in
                    frame.terminal.put("Læser loggen og opdaterer sagsindekset: \(percent) %",
                                       row: max(frame.top, frame.size.rows / 2 - 1), column: 2, style: .normal)
                    return nil
                }
            }
            if let key = terminal.readKey(timeoutMilliseconds: 0), key == .escape || key == .ctrl("c") { return false }
            return true
        }
        // The last reading let go of first: it may share the case index's records, which the reading
        // changes (and would then copy). The selected case stays selected.
        let current = selectedID
        cases = ReviewCases()
        rows = ReviewRows()
        do {
            let loaded = try environment.load(filter.includeClosed, progress)
            cases = loaded.cases
            warnings = loaded.warnings
            loadedClosed = filter.includeClosed
            loadError = nil
        } catch is CancellationError {
            finished = true
            cases = ReviewCases()
        } catch let error as UserFacingError {
            loadError = error.danishDescription
            cases = ReviewCases()
        } catch {
            loadError = "Loggen kunne ikke læses."
            cases = ReviewCases()
        }
        refilter(keeping: current)
    }

    /// After the lead changed case `id`: reads that case again and returns its details (nil when it
    /// left the list or cannot be read). A case that is now closed leaves the list of open cases, as
    /// after a full reading.
    private func refresh(_ id: UUID) -> Case? {
        let detail: Case?
        let updated: CaseSummary?
        do {
            (detail, updated) = try environment.loadCase(id)
        } catch {
            reload()
            return nil
        }
        // Kept when still flagged (open, or closed while all are shown), or when a correction took the
        // flag away and all are shown: the lead never loses the trace of a case she corrected.
        if let updated, updated.flagged ? (loadedClosed || updated.isOpen) : (loadedClosed && updated.wasFlagged) {
            cases.update(updated)
        } else {
            cases.remove(id)
        }
        refilter()
        // A case that left the list (closed while only open ones are shown) leaves the detail page too.
        return cases.position(of: id) != nil ? detail : nil
    }

    private func refilter() {
        refilter(keeping: selectedID)
    }

    /// The id of the selected row's case.
    private var selectedID: UUID? {
        rows.indices.contains(selected) ? rows.cases.id(at: rows.order[selected]) : nil
    }

    /// Lists the cases under the filter again; the row of case `current` stays selected.
    private func refilter(keeping current: UUID?) {
        let gather = facets == nil
        var authors = Set<String>(), used = Set<String>()
        let listed = ReviewList.ordered(cases, filter: filter, form: environment.form, today: environment.today,
                                        cprKey: environment.cprKey) { item in
            guard gather else { return }
            if item.flagged { authors.insert(item.author.uppercased()) }
            for state in item.actions { used.insert(state.action) }
        }
        if gather { facets = (authors.sorted(), environment.form.actions.map(\.id).filter { used.contains($0) }) }
        rows = ReviewRows(cases: cases, order: listed.places, today: environment.today)
        counts = (listed.open, listed.overdue)
        selected = current.flatMap { rows.index(of: $0) } ?? min(selected, max(0, rows.count - 1))
        if rows.isEmpty { selected = 0 }
    }

    /// Reads case `id` from the log for the detail page or a reveal; nil (with a message) when it cannot be read.
    private func readCase(_ id: UUID) -> Case? {
        do {
            let (full, _) = try environment.loadCase(id)
            if full == nil { message = ScreenMessage("Sagen findes ikke længere i loggen.", .error) }
            return full
        } catch let error as UserFacingError {
            message = ScreenMessage("Sagen kunne ikke læses: " + error.danishDescription, .error)
        } catch {
            message = ScreenMessage("Sagen kunne ikke læses.", .error)
        }
        return nil
    }

    /// Records that the lead looks at case `id`; false (with a message) when it could not be saved.
    private func recordAccess(_ kind: AccessBody.Kind, _ id: UUID) -> Bool {
        do {
            try environment.recordAccess(kind, id)
            return true
        } catch let error as UserFacingError {
            message = ScreenMessage("Adgangen kunne ikke registreres, så sagen vises ikke: " + error.danishDescription, .error)
        } catch {
            message = ScreenMessage("Adgangen kunne ikke registreres, så sagen vises ikke.", .error)
        }
        return false
    }

    /// Opens the details of case `id` (the one place a case's details are opened).
    private func openDetail(_ id: UUID) {
        guard let full = readCase(id), recordAccess(.details, id) else { return }
        page = .detail(DetailState(item: full))
    }

    /// Shows or hides the CPR number of case `id` (the one place a CPR number is revealed); `known` is
    /// the case when its details are already read.
    private func toggleReveal(_ id: UUID, known: Case? = nil) {
        if revealed == id {
            revealed = nil
            revealedCPR = nil
        } else if let full = known ?? readCase(id), recordAccess(.cpr, id) {
            revealed = id
            revealedCPR = environment.form.text(role: .childCPR, in: full.answers)
        }
    }

    /// The health visitors found in the cases, sorted (gathered by `refilter`, which every change of
    /// the cases is followed by).
    private var authors: [String] { facets?.authors ?? [] }

    /// The flagging actions plus any override action seen, in form order.
    private var filterActions: [String] { facets?.actions ?? [] }

    // MARK: - Keys

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        switch page {
        case .list: handleList(key)
        case .detail(let state): handleDetail(key, state)
        case .followup(let state): handleFollowup(key, state)
        case .reason(let state): handleReason(key, state)
        case .correction(let state): handleCorrection(key, state)
        case .search(let field): handleSearch(key, field)
        case .devices(let screen):
            screen.handle(key)
            if screen.isDone {
                page = .list
                if screen.approvedAny { reload() }
            }
        case .retention(let screen):
            screen.handle(key)
            if screen.isDone {
                page = .list
                if screen.destroyed {
                    // The index is rebuilt with the keys left: the list then says how many were deleted.
                    reload()
                } else if screen.cancelled {
                    message = ScreenMessage("Intet er slettet.", .dim)
                }
            }
        }
    }

    private func handleList(_ key: Key) {
        message = nil
        let height = max(1, pageHeight - 2)
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - height)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + height)
        case .home: selected = 0
        case .end: selected = max(0, rows.count - 1)
        case .enter:
            guard rows.indices.contains(selected) else { return }
            openDetail(rows[selected].item.id)
        case .character("a"), .character("A"):
            filter.includeClosed.toggle()
            if filter.includeClosed, !loadedClosed { reload() } else { refilter() }
        case .character("h"), .character("H"):
            filter.action = next(after: filter.action, in: filterActions)
            refilter()
        case .character("s"), .character("S"):
            filter.author = next(after: filter.author, in: authors)
            refilter()
        case .character("/"):
            page = .search(Self.searchField())   // starts empty
        case .character("v"), .character("V"):
            guard rows.indices.contains(selected) else { return }
            toggleReveal(rows[selected].item.id)
        case .character("l"), .character("L"):
            reload()
            message = ScreenMessage("Loggen er læst igen.", .dim)
        case .function(1), .character("?"):
            message = ScreenMessage(Self.listHelp, .dim)
        case .character("g"), .character("G"):
            if let devices = environment.devices {
                page = .devices(DeviceApprovalScreen(waiting: devices.waiting, approve: devices.approve))
            }
        case .character("o"), .character("O"):
            if let retention = environment.retention {
                page = .retention(RetentionScreen(actions: retention, today: environment.today))
            } else {
                message = ScreenMessage("Sletning efter reglerne for opbevaring: brug konflikt review (med teamnøglen) "
                                        + "eller konflikt retention.", .error)
            }
        case .escape, .character("q"), .character("Q"), .ctrl("c"):
            finished = true
        default: break
        }
    }

    /// The list's keys in full (F1 / ?).
    static let listHelp = "↑↓ PgUp PgDn vælg · Enter åbn sagen · a alle/åbne sager · h filtrér på handling · "
        + "s filtrér på sundhedsplejerske · / søg på CPR-nummer eller fødselsdato · v vis/skjul CPR-nummer · "
        + "l læs loggen igen · g godkend en enhed · o slet efter reglerne for opbevaring · Esc luk gennemgangen"

    private static func searchField() -> TextField {
        TextField(text: "", maxLength: 11, allowed: { $0.isNumber || $0 == "-" })
    }

    private func next(after current: String?, in values: [String]) -> String? {
        guard let current, let index = values.firstIndex(of: current) else { return values.first }
        return index + 1 < values.count ? values[index + 1] : nil
    }

    private func handleSearch(_ key: Key, _ field: TextField) {
        var field = field
        switch key {
        case .enter:
            let digits = field.trimmedText.filter(\.isNumber)
            filter.cpr = digits.isEmpty ? nil : digits
            if !digits.isEmpty { filter.includeClosed = true }
            page = .list
            if filter.includeClosed, !loadedClosed { reload() } else { refilter() }
        case .escape, .ctrl("c"): page = .list
        default:
            _ = field.handle(key)
            page = .search(field)
        }
    }

    private func handleDetail(_ key: Key, _ state: DetailState) {
        message = nil
        var state = state
        let item = state.item
        if let offset = Scrolling.offset(after: key, from: state.scroll, page: pageHeight) {
            state.scroll = offset
            page = .detail(state)
            return
        }
        switch key {
        case .character("v"), .character("V"): toggleReveal(item.id, known: item)
        case .character("j"), .character("J"):
            // Jumps to the journal note at the end of the details.
            let lines = detailLines(item, columns: lastColumns)
            state.scroll = lines.firstIndex { $0.0.contains(Self.journalHeading) } ?? state.scroll
            page = .detail(state)
        case .character("o"), .character("O"):
            guard !item.actions.isEmpty else {
                message = ScreenMessage("Sagen har ingen markerede handlinger at følge op på.", .error)
                return
            }
            page = .followup(startFollowup(state))
        case .character("r"), .character("R"):
            page = .reason(ReasonState(detail: state))
        case .function(1), .character("?"):
            message = ScreenMessage("↑↓ PgUp PgDn rul · j journalnotat · o registrér opfølgning · r ret screeningen "
                                    + "· v vis/skjul CPR-nummer · Esc tilbage til listen", .dim)
        case .escape, .character("q"), .character("Q"), .ctrl("c"):
            page = .list
            refilter()
        default: break
        }
    }

    private func startFollowup(_ detail: DetailState) -> FollowupState {
        let item = detail.item
        let options = item.actions.map { ChoiceOption(id: $0.action, label: actionLabel($0.action) + " (\($0.status.label))") }
        let firstOpen = item.actions.first { !$0.status.closes }?.action ?? item.actions.first?.action
        return FollowupState(
            detail: detail,
            action: ChoiceField(options: options, selectedID: firstOpen),
            status: statusField(action: firstOpen ?? "", selected: nil),
            date: DateField(date: environment.today),
            note: TextField(maxLength: 500))
    }

    /// The statuses of `action` from the form, in form order, each in the action's own words (e.g. the
    /// course's "Kontakt givet …"), so no code names the shipped form's actions or statuses. Selects
    /// `selected` when the action has it, else the first.
    func statusField(action: String, selected: String?) -> ChoiceField {
        let statuses = environment.form.statuses(ofAction: action)
        let keep = selected.flatMap { id in statuses.contains { $0.id == id } ? id : nil }
        return ChoiceField(options: statuses.map { ChoiceOption(id: $0.id, label: $0.label) },
                           selectedID: keep ?? statuses.first?.id)
    }

    /// The Danish wording of status `id` for an action: the form's label for it, else the id.
    func statusText(_ id: String, action: String) -> String {
        environment.form.statuses(ofAction: action).first { $0.id == id }?.label ?? id
    }

    private func handleFollowup(_ key: Key, _ state: FollowupState) {
        var state = state
        defer { if case .followup = page { page = .followup(state) } }
        if let body = state.confirming {
            switch key {
            case .enter, .character("j"), .character("J"), .function(10), .ctrl("s"): saveFollowup(body, state: &state)
            case .escape, .character("n"), .character("N"), .ctrl("c"): state.confirming = nil
            default: break
            }
            return
        }
        switch key {
        case .escape, .ctrl("c"):
            page = .detail(state.detail)
            return
        case .tab:
            state.focus = (state.focus + 1) % 4
            return
        case .backtab:
            state.focus = (state.focus + 3) % 4
            return
        case .enter:
            if state.focus < 3 { state.focus += 1 } else { confirmFollowup(&state) }
            return
        case .function(10), .ctrl("s"):
            confirmFollowup(&state)
            return
        default: break
        }
        switch state.focus {
        case 0:
            let before = state.action.answer
            _ = state.action.handle(key)
            // The statuses follow the chosen action (each action has its own, from the form); another
            // action starts at its first status.
            if case .string(let action)? = state.action.answer, state.action.answer != before {
                state.status = statusField(action: action, selected: nil)
            }
        case 1: _ = state.status.handle(key)
        case 2: _ = state.date.handle(key)
        default: _ = state.note.handle(key)
        }
        state.error = nil
    }

    /// Checks the follow-up (the same rule as `konflikt followup`) and shows it for confirmation.
    private func confirmFollowup(_ state: inout FollowupState) {
        let item = state.detail.item
        guard case .string(let action)? = state.action.answer else {
            state.error = "Vælg handlingen."; state.focus = 0; return
        }
        guard case .string(let status)? = state.status.answer else {
            state.error = "Vælg hvad der er sket."; state.focus = 1; return
        }
        if let problem = state.date.validationError() { state.error = problem; state.focus = 2; return }
        guard case .string(let iso)? = state.date.answer, let date = LocalDate(iso: iso) else {
            state.error = "Skriv datoen som dd-mm-åååå."; state.focus = 2; return
        }
        let note = state.note.trimmedText.precomposedStringWithCanonicalMapping
        let body = FollowupBody(screening: item.id, action: action, status: status, date: date, note: note)
        if let problem = FollowupCheck.problem(body, on: item, today: environment.today, form: environment.form) {
            state.error = problem.message
            switch problem {
            case .unknownAction: state.focus = 0
            case .unknownStatus: state.focus = 1
            case .date: state.focus = 2
            case .note: state.focus = 3
            }
            return
        }
        state.error = nil
        state.confirming = body
    }

    private func saveFollowup(_ body: FollowupBody, state: inout FollowupState) {
        do {
            try environment.recordFollowup(body)
        } catch let error as UserFacingError {
            state.confirming = nil
            state.error = "Ikke gemt: " + error.danishDescription
            return
        } catch {
            state.confirming = nil
            state.error = "Ikke gemt: opfølgningen kunne ikke skrives til loggen."
            return
        }
        let saved = "Gemt: \(actionLabel(body.action)) – \(environment.form.statusShortLabel(body.status, action: body.action))."
        if let item = refresh(body.screening) {
            page = .detail(DetailState(item: item, scroll: state.detail.scroll))
            message = ScreenMessage(saved, .success)
        } else {
            page = .list
            message = ScreenMessage(saved + " Sagen er lukket (a viser alle sager).", .success)
        }
    }

    private func handleReason(_ key: Key, _ state: ReasonState) {
        var state = state
        switch key {
        case .escape, .ctrl("c"): page = .detail(state.detail)
        case .enter:
            guard !state.field.trimmedText.isEmpty else {
                state.error = "Skriv hvorfor screeningen rettes."
                page = .reason(state)
                return
            }
            page = .correction(CorrectionState(detail: state.detail, screen: correctionScreen(
                for: state.detail.item, reason: state.field.trimmedText.precomposedStringWithCanonicalMapping)))
        default:
            _ = state.field.handle(key)
            state.error = nil
            page = .reason(state)
        }
    }

    /// The guided form for a correction of `item`, pre-filled with its answers and any override. Saving
    /// re-checks an earlier override against the corrected answers (`Form.checkOverride`, as
    /// `konflikt correct` does): an override that would now remove a duty is refused, not carried over.
    private func correctionScreen(for item: Case, reason: String) -> FormScreen {
        let record = environment.recordCorrection
        let form = environment.form
        let id = item.id
        let earlier = item.override
        let model = FormScreeningModel(form: form, initials: environment.initials, today: environment.today)
        return FormScreen(
            model: model, answers: item.answers, step: 0, today: environment.today,
            save: { submission in
                if submission.overrideActions == nil, let earlier {
                    // The fold keeps an earlier override until a correction brings another: check it.
                    _ = try form.checkOverride(actions: earlier.actions, reason: earlier.reason,
                                               decision: submission.decision)
                }
                let override = submission.overrideActions.map {
                    Override(actions: $0, reason: submission.overrideReason ?? "")
                }
                let visit = form.visitDate(in: submission.answers)
                try record(CorrectionBody(screening: id, answers: submission.answers, decision: submission.decision,
                                          visitDate: visit, override: override, reason: reason))
            },
            overrideActions: earlier?.actions, overrideReason: earlier?.reason,
            leaveQuestion: "Vil du afbryde rettelsen? Intet bliver gemt, og screeningen forbliver, som den var.",
            correction: CorrectionContext(reason: reason, earlierAnswers: item.answers,
                                          closing: "Tryk en tast for at vende tilbage til sagen i gennemgangen."))
    }

    private func handleCorrection(_ key: Key, _ state: CorrectionState) {
        let screen = state.screen
        screen.handle(key)
        switch screen.outcome {
        case .running: return
        case .saved:
            if let item = refresh(state.detail.item.id) {
                page = .detail(DetailState(item: item))
                message = ScreenMessage("Rettelsen er gemt, og anbefalingen er vurderet igen.", .success)
            } else {
                page = .list
                message = ScreenMessage("Rettelsen er gemt. Sagen er ikke længere åben; a viser alle sager.", .success)
            }
        case .left:
            page = .detail(state.detail)
            message = ScreenMessage("Rettelsen blev ikke gemt.", .dim)
        }
    }

    // MARK: - Drawing

    private func actionLabel(_ id: String) -> String { environment.form.action(id: id)?.label ?? id }

    /// Draws the current page in the shared frame.
    public func draw(on terminal: Terminal) {
        switch page {
        case .devices(let screen):
            screen.draw(on: terminal)
        case .retention(let screen):
            screen.draw(on: terminal)
        case .list:
            Frame.draw(on: terminal, title: "Gennemgang – markerede familier", right: listCounts,
                       footer: "↑↓ vælg  Enter åbn  a alle/åbne  h handling  s SP  / søg CPR  v vis CPR  F1 hjælp  Esc luk",
                       message: message) { drawList(in: $0) }
        case .search(let field):
            Frame.draw(on: terminal, title: "Gennemgang – markerede familier", right: listCounts,
                       footer: "Enter søg (tomt felt fjerner søgningen)   Esc fortryd") { frame in
                _ = drawList(in: frame, reserveSearchRow: true)
                let row = frame.bottom - 1
                frame.terminal.put("Søg CPR:", row: row, column: 1, style: .bold)
                return field.draw(on: frame.terminal, row: row, column: 10, width: 13, focused: true)
            }
        case .detail(let state):
            let item = state.item
            let cpr = environment.form.text(role: .childCPR, in: item.answers)
            let child = revealed == item.id ? (cpr ?? "—") : ReviewRow.mask(cpr)
            Frame.draw(on: terminal, title: "Sag: \(child)  \(item.author)  \((item.visitDate ?? item.screeningDate).danish)",
                       right: item.isOverdue ? "OVER FRIST " : item.isOpen ? "åben " : "lukket ",
                       footer: "↑↓ rul  j journalnotat  o opfølgning  r ret screening  v vis CPR  Esc tilbage",
                       message: message) { frame in
                pageHeight = frame.height
                lastColumns = frame.size.columns
                var state = state
                state.scroll = frame.scrolled(detailLines(item, columns: frame.size.columns), scroll: state.scroll,
                                              column: 0)
                page = .detail(state)
                return nil
            }
        case .followup(let state):
            let footer = state.confirming == nil
                ? "Tab næste felt  ↑↓/tal vælg  Enter videre  F10 se og gem  Esc fortryd"
                : "Enter/j gem opfølgningen   Esc/n ret den"
            Frame.draw(on: terminal, title: "Opfølgning: \(ReviewRow.mask(environment.form.text(role: .childCPR, in: state.detail.item.answers)))  \(state.detail.item.author)",
                       footer: footer, message: state.error.map { ScreenMessage($0, .error) }) { frame in
                drawFollowup(state, in: frame)
            }
        case .reason(let state):
            Frame.draw(on: terminal, title: "Ret screening", footer: "Enter åbn formularen   Esc fortryd",
                       message: state.error.map { ScreenMessage($0, .error) }) { frame in
                let lines = DisplayWidth.wrap("Dette er en rettelse af en gemt screening. Formularen åbnes med de gemte "
                    + "svar. Ret dem, og gem; anbefalingen vurderes igen, og både den oprindelige screening og "
                    + "rettelsen står i historikken. Efter rettelsen vender du tilbage til sagen her i gennemgangen.",
                    columns: frame.size.columns - 2)
                for (index, line) in lines.enumerated() { frame.terminal.put(line, row: 2 + index, column: 1) }
                let row = 3 + lines.count
                frame.terminal.put("Hvorfor rettes screeningen? (påkrævet)", row: row, column: 1, style: .bold)
                return state.field.draw(on: frame.terminal, row: row + 1, column: 3, width: frame.size.columns - 6, focused: true)
            }
        case .correction(let state):
            state.screen.draw(on: terminal)
        }
    }

    /// "1 sag" / "3 sager, 1 over frist".
    private var listCounts: String {
        "\(rows.count) \(rows.count == 1 ? "sag" : "sager"), \(counts.overdue) over frist "
    }

    /// One line of the table at `columns` width; actions that do not fit end in "…".
    func tableLine(_ row: ReviewRow, columns: Int) -> String {
        let item = row.item
        let child = revealed == item.id ? (revealedCPR ?? "—") : row.maskedCPR
        let mark = item.isOverdue ? "!" : item.overridden ? "T" : " "
        let actions = actionsText(row)
        let days = row.daysOpen.map { "\($0)" } ?? "–"
        let shortDate = String(format: "%02d-%02d-%02d", row.date.day, row.date.month, row.date.year % 100)
        let left = "\(mark) \(shortDate) \(DisplayWidth.padded(row.visit ?? "–", to: 5)) "
            + "\(DisplayWidth.padded(child, to: 11)) \(DisplayWidth.padded(item.author, to: 4)) "
        let actionWidth = max(10, columns - DisplayWidth.of(left) - 5)
        let fitted = DisplayWidth.of(actions) <= actionWidth ? actions
            : DisplayWidth.prefix(actions, fitting: actionWidth - 1) + "…"
        let actionText = DisplayWidth.padded(fitted, to: actionWidth)
        let dayText = String(repeating: " ", count: max(0, 5 - days.count)) + days
        return left + actionText + dayText
    }

    private func actionsText(_ row: ReviewRow) -> String {
        row.item.actions.map { state in
            ReviewList.shortLabel(state.action, form: environment.form) + " " + state.status.label
        }.joined(separator: ", ")
    }

    private func drawList(in frame: Frame, reserveSearchRow: Bool = false) -> (row: Int, column: Int)? {
        let terminal = frame.terminal
        let size = frame.size
        var filterText = "Vis: " + (filter.includeClosed ? "alle" : "åbne")
        filterText += "   Handling: " + (filter.action.map { ReviewList.shortLabel($0, form: environment.form) } ?? "alle")
        filterText += "   Sundhedsplejerske: " + (filter.author ?? "alle")
        if let cpr = filter.cpr { filterText += "   CPR: " + ReviewRow.mask(cpr) }
        terminal.put(DisplayWidth.prefix(filterText, fitting: size.columns - 2), row: 1, column: 1, style: .dim)
        terminal.put("  Dato     Besøg Barn        SP   Handlinger", row: 2, column: 0, style: .bold)
        terminal.put("Dage", row: 2, column: size.columns - 5, style: .bold)
        // Below the table: the selected case's actions in full, and the legend or the reader's warnings.
        var below: [StyledLine] = []
        if rows.indices.contains(selected), DisplayWidth.of(tableLine(rows[selected], columns: size.columns)) > 0,
           tableLine(rows[selected], columns: size.columns).contains("…") {
            below.append(("Valgt: " + actionsText(rows[selected]), .normal))
        }
        if rows.cases.readFailed {
            below.append(("Sagsindekset kunne ikke læses igen, så listen er ikke hel. Tryk l for at læse loggen igen.", .error))
        } else if warnings.isEmpty {
            var legend = "! over frist   T anbefaling tilsidesat   (\(counts.open) åbne)"
            if rows.count > 0 { legend += "   \(selected + 1)/\(rows.count)" }
            below.append((legend, .dim))
        } else {
            // What the reader skipped is never dropped silently.
            for line in DisplayWidth.wrap(warnings.joined(separator: " "), columns: size.columns - 2) {
                below.append((line, .error))
            }
        }
        let belowRows = Array(below.prefix(3))
        let tableBottom = frame.bottom - belowRows.count - (reserveSearchRow ? 1 : 0)
        let height = max(1, tableBottom - 3)
        pageHeight = height + 2
        if let loadError {
            for (index, line) in DisplayWidth.wrap(loadError, columns: size.columns - 2).enumerated() where 3 + index < tableBottom {
                terminal.put(line, row: 3 + index, column: 1, style: .error)
            }
        } else if rows.isEmpty {
            let text = filter.isNarrowed ? "Ingen sager passer til filtrene." :
                filter.includeClosed ? "Ingen markerede familier i loggen." : "Ingen åbne sager. Tryk a for at se alle."
            terminal.put(text, row: 4, column: 2, style: .dim)
        }
        if selected < top { top = selected }
        if selected >= top + height { top = selected - height + 1 }
        top = max(0, min(top, max(0, rows.count - height)))
        for index in top..<min(rows.count, top + height) {
            let row = rows[index]
            let style: TextStyle = index == selected ? .reverse : row.item.isOverdue ? .error : .normal
            terminal.put(tableLine(row, columns: size.columns), row: 3 + index - top, column: 0, style: style)
        }
        for (index, line) in belowRows.enumerated() {
            terminal.put(DisplayWidth.prefix(line.0, fitting: size.columns - 2), row: tableBottom + index, column: 1,
                         style: line.1)
        }
        return nil
    }

    /// The heading of the journal note in the details.
    static let journalHeading = "Journalnotat (kopiér til journalen)"

    /// The detail's lines: answers, decision, override, what to do now and what to tell the family, status,
    /// history, and the journal note (the text `konflikt journal` prints).
    func detailLines(_ item: Case, columns: Int) -> [StyledLine] {
        let form = environment.form
        var lines: [StyledLine] = []
        func add(_ text: String, _ style: TextStyle = .normal, indent: Int = 2) {
            for line in DisplayWidth.wrap(text, columns: max(10, columns - indent - 1)) {
                lines.append((String(repeating: " ", count: indent) + line, style))
            }
        }
        add("Svar", .title, indent: 1)
        for question in form.questions {
            guard let value = item.answers[question.id] else { continue }
            var shown = Self.describe(value, question: question)
            if question.kind == .cpr, revealed != item.id { shown = ReviewRow.mask(shown) }
            add("\(question.text) → \(shown)")
        }
        lines.append(("", .normal))
        add("Anbefaling", .title, indent: 1)
        for action in item.decision.actions { add("• " + actionLabel(action), .bold) }
        for rule in item.decision.rules {
            let basis = rule.basis.isEmpty ? "" : " (\(rule.basis))"
            add("\(actionLabel(rule.action)): \(rule.reason)\(basis)", .dim, indent: 4)
        }
        for warning in item.decision.warnings { add("Advarsel: " + warning, .error) }
        if let override = item.override {
            lines.append(("", .normal))
            add("Tilsidesat af sundhedsplejersken", .title, indent: 1)
            add("Valgte handlinger: " + override.actions.map(actionLabel).joined(separator: ", "), .bold)
            add("Begrundelse: " + override.reason)
        }
        let guidance = form.guidance(for: item.effectiveActions, decision: item.decision)
        if !guidance.isEmpty {
            lines.append(("", .normal))
            add("Hvad nu", .title, indent: 1)
            for (line, style) in FormScreen.guidanceLines(guidance, width: max(10, columns - 3)) {
                lines.append(("  " + line, style))
            }
        }
        lines.append(("", .normal))
        add("Status", .title, indent: 1)
        for state in item.actions {
            var text = "\(actionLabel(state.action)): \(state.status.label)"
            if let deadline = state.deadline, !state.status.closes { text += ", frist \(deadline.danish)" }
            add(text, state.overdue ? .error : .normal)
        }
        if item.actions.isEmpty { add("Ingen markerede handlinger.", .dim) }
        lines.append(("", .normal))
        add("Historik (ældste først)", .title, indent: 1)
        var history: [(String, String)] = [(item.timestamp, "\(Self.time(item.timestamp))  Screening gemt af \(item.author)")]
        for correction in item.corrections {
            history.append((correction.timestamp,
                            "\(Self.time(correction.timestamp))  Rettet af \(correction.author): \(correction.reason)"))
        }
        for followup in item.followups {
            var text = "\(Self.time(followup.timestamp))  Opfølgning af \(followup.author): "
                + "\(actionLabel(followup.body.action)) – \(environment.form.statusShortLabel(followup.body.status, action: followup.body.action)) \(followup.body.date.danish)"
            if !followup.body.note.isEmpty { text += ". Note: \(followup.body.note)" }
            history.append((followup.timestamp, text))
        }
        for (_, text) in history.sorted(by: { $0.0 < $1.0 }) { add(text) }
        lines.append(("", .normal))
        add(Self.journalHeading, .title, indent: 1)
        let note = JournalNote.text(form: form, answers: item.answers, decision: item.decision,
                                    override: item.override.map { ($0.actions, $0.reason) })
        for (line, style) in FormScreen.noteLines(note, width: max(10, columns - 3)) { lines.append(("  " + line, style)) }
        return lines
    }

    /// A stored timestamp as Danish local time `dd-mm-åååå tt:mm`.
    static func time(_ timestamp: String) -> String {
        guard let date = Timestamp.parse(timestamp) else { return timestamp }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "da_DK")
        formatter.timeZone = TimeZone(identifier: "Europe/Copenhagen")
        formatter.dateFormat = "dd-MM-yyyy HH:mm"
        return formatter.string(from: date)
    }

    /// An answer as text: choice labels, Ja/Nej, dates as dd-mm-åååå.
    static func describe(_ value: AnswerValue, question: Question) -> String {
        switch value {
        case .string(let text):
            if question.kind == .date, let date = LocalDate(iso: text) { return date.danish }
            return question.choices.isEmpty ? text : question.label(ofChoice: text)
        case .strings(let ids): return ids.isEmpty ? "–" : ids.map(question.label(ofChoice:)).joined(separator: ", ")
        case .bool(let flag): return flag ? "Ja" : "Nej"
        case .number(let number):
            // Danish decimal comma on screen; Int64 only when it fits (a file may hold any number).
            if number.rounded() == number, abs(number) < 9e15 { return String(Int64(number)) }
            return String(number).replacingOccurrences(of: ".", with: ",")
        }
    }

    private func drawFollowup(_ state: FollowupState, in frame: Frame) -> (row: Int, column: Int)? {
        let terminal = frame.terminal
        let size = frame.size
        if let body = state.confirming {
            var lines: [StyledLine] = [("Gem denne opfølgning?", .title), ("", .normal)]
            let visit = state.detail.item.visitDate ?? state.detail.item.screeningDate
            for text in ["Handling: " + actionLabel(body.action),
                         "Status: " + statusText(body.status, action: body.action),
                         "Dato: " + body.date.danish + " (besøget var " + visit.danish + ")",
                         "Note: " + (body.note.isEmpty ? "–" : body.note)] {
                for line in DisplayWidth.wrap(text, columns: size.columns - 4) { lines.append((line, .normal)) }
            }
            if FollowupCheck.isClosed(body.action, on: state.detail.item) {
                lines.append(("", .normal))
                for line in DisplayWidth.wrap("Handlingen er allerede lukket; denne opfølgning retter den tidligere. "
                                              + "Begge står i historikken.", columns: size.columns - 4) {
                    lines.append((line, .highlight))
                }
            }
            lines.append(("", .normal))
            lines.append(("Enter eller j gemmer i loggen. Esc eller n går tilbage og retter.", .bold))
            frame.scrolled(lines, scroll: 0, from: frame.top + 1, column: 2)
            return nil
        }
        var row = frame.top + 1
        var cursor: (row: Int, column: Int)?
        func label(_ text: String, _ index: Int) {
            terminal.put(text, row: row, column: 1, style: state.focus == index ? .bold : .normal)
            row += 1
        }
        label("Handling:", 0)
        state.action.draw(on: terminal, row: row, column: 3, width: size.columns - 4, focused: state.focus == 0)
        row += state.action.options.count + 1
        label("Hvad er der sket?", 1)
        state.status.draw(on: terminal, row: row, column: 3, width: size.columns - 4, focused: state.focus == 1)
        row += state.status.options.count + 1
        let visit = state.detail.item.visitDate ?? state.detail.item.screeningDate
        label("Dato (dd-mm-åååå), mellem besøget \(visit.danish) og i dag:", 2)
        if let position = state.date.draw(on: terminal, row: row, column: 3, width: 12, focused: state.focus == 2),
           state.focus == 2 { cursor = position }
        row += 2
        label("Note:", 3)
        if let position = state.note.draw(on: terminal, row: row - 1, column: 8, width: size.columns - 10,
                                          focused: state.focus == 3), state.focus == 3 { cursor = position }
        return cursor
    }
}
