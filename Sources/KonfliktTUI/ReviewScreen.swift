import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// What one reading of the cases gives the review: the flagged cases and the reader's warnings
/// (unreadable lines, orphans, a rebuilt index), which are shown, never dropped.
public struct ReviewLoad: Sendable {
    /// The flagged cases.
    public var cases: [CaseSummary]
    /// Danish warnings.
    public var warnings: [String]

    /// A reading.
    public init(cases: [CaseSummary], warnings: [String] = []) {
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
/// case's detail with its history, and recording a follow-up or a correction. A state machine like
/// `FormScreen`: `handle` one key, `draw` on any `Terminal`.
public final class ReviewScreen {
    enum Page: Equatable {
        case list
        case detail
        case followup
        case correctionReason
        case correction
        case cprSearch
    }

    private let environment: ReviewEnvironment
    private(set) var page: Page = .list
    /// The user left the review.
    public private(set) var finished = false

    private var cases: [CaseSummary] = []
    /// The reader's warnings from the last reading.
    private var warnings: [String] = []
    /// The case shown in the detail page, read from the log when it was opened.
    private var detail: Case?
    /// The full CPR number of the revealed case (read from the log on `v`).
    private var revealedCPR: String?
    private(set) var filter = ReviewFilter()
    private(set) var rows: [ReviewRow] = []
    /// Open and overdue rows, counted once per filter change rather than on every key.
    private var counts = (open: 0, overdue: 0)
    private var selected = 0
    private var top = 0
    private var revealed: UUID?
    private var message: (text: String, style: TextStyle)?
    private var loadError: String?
    /// Whether `cases` holds closed cases too (they are read only when asked for: faster on big logs).
    private var loadedClosed = false

    // Detail.
    private var detailID: UUID?
    private var detailScroll = 0

    // Follow-up form.
    private var followupAction = ChoiceField(options: [])
    private var followupStatus = ChoiceField(options: [])
    private var followupDate = DateField(date: nil)
    private var followupNote = TextField(maxLength: 500)
    private var followupFocus = 0
    private var followupError: String?

    // Correction.
    private var reasonField = TextField(maxLength: 500)
    private var reasonError: String?
    private var correctionScreen: FormScreen?

    // CPR search.
    private var searchField = TextField(maxLength: 11, allowed: { $0.isNumber || $0 == "-" })

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

    /// Draws, then handles keys until the lead leaves or input ends.
    public func run(on terminal: Terminal) {
        draw(on: terminal)
        while !finished, let key = terminal.readKey() {
            handle(key)
            draw(on: terminal)
        }
    }

    // MARK: - Data

    private func reload(progressOn terminal: Terminal? = nil) {
        var lastDrawn = -1
        let progress: (Double) -> Bool = { share in
            guard let terminal else { return true }
            let percent = Int((share * 100).rounded(.down))
            if percent != lastDrawn {
                lastDrawn = percent
                terminal.clear()
                let size = terminal.size
                terminal.put("Gennemgang", row: 0, column: 1, style: .bold)
                terminal.put("Læser loggen og opdaterer sagsindekset: \(percent) %", row: max(1, size.rows / 2 - 1), column: 2,
                             style: .normal)
                terminal.put("Esc afbryder", row: max(2, size.rows / 2 + 1), column: 2, style: .dim)
                terminal.refresh()
            }
            if let key = terminal.readKey(timeoutMilliseconds: 0), key == .escape || key == .ctrl("c") { return false }
            return true
        }
        do {
            let loaded = try environment.load(filter.includeClosed, progress)
            cases = loaded.cases
            warnings = loaded.warnings
            loadedClosed = filter.includeClosed
            loadError = nil
        } catch is CancellationError {
            finished = true
            cases = []
        } catch let error as UserFacingError {
            loadError = error.danishDescription
            cases = []
        } catch {
            loadError = "Loggen kunne ikke læses."
            cases = []
        }
        refilter()
    }

    /// After the lead changed case `id`: reads that case again (or everything, without `loadCase`).
    /// A case that is now closed leaves the list of open cases, as after a full reading.
    private func refresh(_ id: UUID) {
        let updated: CaseSummary?
        do {
            (detail, updated) = try environment.loadCase(id)
        } catch {
            detail = nil
            reload()
            return
        }
        // Kept when still flagged (open, or closed while all are shown), or when a correction took the
        // flag away and all are shown: the lead never loses the trace of a case she corrected.
        if let updated, updated.flagged ? (loadedClosed || updated.isOpen) : (loadedClosed && updated.wasFlagged) {
            if let index = cases.firstIndex(where: { $0.id == id }) { cases[index] = updated } else { cases.append(updated) }
        } else {
            cases.removeAll { $0.id == id }
        }
        // A case that left the list (closed while only open ones are shown) leaves the detail page too.
        if !cases.contains(where: { $0.id == id }) { detail = nil }
        refilter()
    }

    private func refilter() {
        let current = rows.indices.contains(selected) ? rows[selected].item.id : nil
        rows = ReviewList.rows(cases, filter: filter, form: environment.form, today: environment.today,
                               cprKey: environment.cprKey)
        counts = (rows.reduce(0) { $0 + ($1.item.isOpen ? 1 : 0) }, rows.reduce(0) { $0 + ($1.item.isOverdue ? 1 : 0) })
        selected = current.flatMap { id in rows.firstIndex { $0.item.id == id } } ?? min(selected, max(0, rows.count - 1))
        if rows.isEmpty { selected = 0 }
    }

    private var detailCase: Case? { detail.flatMap { $0.id == detailID ? $0 : nil } }

    /// Reads case `id` from the log for the detail page or a reveal; nil (with a message) when it cannot be read.
    private func readCase(_ id: UUID) -> Case? {
        do {
            let (full, _) = try environment.loadCase(id)
            if full == nil { message = ("Sagen findes ikke længere i loggen.", .error) }
            return full
        } catch let error as UserFacingError {
            message = ("Sagen kunne ikke læses: " + error.danishDescription, .error)
        } catch {
            message = ("Sagen kunne ikke læses.", .error)
        }
        return nil
    }

    /// Records that the lead looks at case `id`; false (with a message) when it could not be saved.
    private func recordAccess(_ kind: AccessBody.Kind, _ id: UUID) -> Bool {
        do {
            try environment.recordAccess(kind, id)
            return true
        } catch let error as UserFacingError {
            message = ("Adgangen kunne ikke registreres, så sagen vises ikke: " + error.danishDescription, .error)
        } catch {
            message = ("Adgangen kunne ikke registreres, så sagen vises ikke.", .error)
        }
        return false
    }

    /// The health visitors found in the cases, sorted.
    private var authors: [String] { Array(Set(cases.filter(\.flagged).map { $0.author.uppercased() })).sorted() }

    /// The flagging actions plus any override action seen, in form order.
    private var filterActions: [String] {
        let used = Set(cases.flatMap { $0.actions.map(\.action) })
        return environment.form.actions.map(\.id).filter { used.contains($0) }
    }

    // MARK: - Keys

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        switch page {
        case .list: handleList(key)
        case .detail: handleDetail(key)
        case .followup: handleFollowup(key)
        case .correctionReason: handleReason(key)
        case .correction: handleCorrection(key)
        case .cprSearch: handleSearch(key)
        }
    }

    private func listHeight(_ rowsOnScreen: Int) -> Int { max(1, rowsOnScreen - 6) }

    private func handleList(_ key: Key) {
        message = nil
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - 15)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + 15)
        case .home: selected = 0
        case .end: selected = max(0, rows.count - 1)
        case .enter:
            guard rows.indices.contains(selected) else { return }
            let id = rows[selected].item.id
            guard let full = readCase(id), recordAccess(.details, id) else { return }
            detail = full
            detailID = id
            detailScroll = 0
            page = .detail
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
            searchField = TextField(text: "", maxLength: 11, allowed: { $0.isNumber || $0 == "-" })   // starts empty
            page = .cprSearch
        case .character("v"), .character("V"):
            guard rows.indices.contains(selected) else { return }
            let id = rows[selected].item.id
            if revealed == id {
                revealed = nil
                revealedCPR = nil
            } else if let full = readCase(id), recordAccess(.cpr, id) {
                revealed = id
                revealedCPR = environment.form.text(role: .childCPR, in: full.answers)
            }
        case .character("l"), .character("L"):
            reload()
            message = ("Loggen er læst igen.", .dim)
        case .escape, .character("q"), .character("Q"), .ctrl("c"):
            finished = true
        default: break
        }
    }

    private func next(after current: String?, in values: [String]) -> String? {
        guard let current, let index = values.firstIndex(of: current) else { return values.first }
        return index + 1 < values.count ? values[index + 1] : nil
    }

    private func handleSearch(_ key: Key) {
        switch key {
        case .enter:
            let digits = searchField.trimmedText.filter(\.isNumber)
            filter.cpr = digits.isEmpty ? nil : digits
            if !digits.isEmpty { filter.includeClosed = true }
            page = .list
            if filter.includeClosed, !loadedClosed { reload() } else { refilter() }
        case .escape, .ctrl("c"): page = .list
        default: _ = searchField.handle(key)
        }
    }

    private func handleDetail(_ key: Key) {
        message = nil
        guard let item = detailCase else { page = .list; return }
        switch key {
        case .up: detailScroll = max(0, detailScroll - 1)
        case .down: detailScroll += 1
        case .pageUp: detailScroll = max(0, detailScroll - 15)
        case .pageDown: detailScroll += 15
        case .home: detailScroll = 0
        case .character("v"), .character("V"):
            if revealed == item.id { revealed = nil } else if recordAccess(.cpr, item.id) { revealed = item.id }
        case .character("o"), .character("O"):
            guard !item.actions.isEmpty else {
                message = ("Sagen har ingen markerede handlinger at følge op på.", .error)
                return
            }
            startFollowup(item)
        case .character("r"), .character("R"):
            reasonField = TextField(maxLength: 500)
            reasonError = nil
            page = .correctionReason
        case .escape, .character("q"), .character("Q"), .ctrl("c"):
            page = .list
            refilter()
        default: break
        }
    }

    private func startFollowup(_ item: Case) {
        let options = item.actions.map { ChoiceOption(id: $0.action, label: actionLabel($0.action) + " (\($0.status.label))") }
        let firstOpen = item.actions.first { $0.status == .open }?.action ?? item.actions.first?.action
        followupAction = ChoiceField(options: options, selectedID: firstOpen)
        followupStatus = ChoiceField(options: FollowupStatus.allCases.map {
            ChoiceOption(id: $0.rawValue, label: Self.statusText($0, action: firstOpen ?? ""))
        }, selectedID: FollowupStatus.udfoert.rawValue)
        followupDate = DateField(date: environment.today)
        followupNote = TextField(maxLength: 500)
        followupFocus = 0
        followupError = nil
        page = .followup
    }

    /// The Danish wording of a status for an action.
    static func statusText(_ status: FollowupStatus, action: String) -> String {
        switch (status, action) {
        case (.udfoert, "underretning"): return "Udført – underretningen er sendt"
        case (.udfoert, "gruppeforloeb"): return "Udført – familien er tilmeldt/henvist til forløbet"
        case (.udfoert, _): return "Udført"
        case (.afvist, _): return "Afvist af familien"
        case (.ikkeRelevant, _): return "Ikke relevant (skriv hvorfor i noten)"
        }
    }

    private func handleFollowup(_ key: Key) {
        switch key {
        case .escape, .ctrl("c"):
            page = .detail
            return
        case .tab:
            followupFocus = (followupFocus + 1) % 4
            return
        case .backtab:
            followupFocus = (followupFocus + 3) % 4
            return
        case .enter:
            if followupFocus < 3 { followupFocus += 1 } else { saveFollowup() }
            return
        case .function(10), .ctrl("s"):
            saveFollowup()
            return
        default: break
        }
        switch followupFocus {
        case 0: _ = followupAction.handle(key)
        case 1: _ = followupStatus.handle(key)
        case 2: _ = followupDate.handle(key)
        default: _ = followupNote.handle(key)
        }
        followupError = nil
    }

    private func saveFollowup() {
        guard let item = detailCase else { page = .list; return }
        guard case .string(let action)? = followupAction.answer else {
            followupError = "Vælg handlingen."; followupFocus = 0; return
        }
        guard case .string(let statusID)? = followupStatus.answer, let status = FollowupStatus(rawValue: statusID) else {
            followupError = "Vælg hvad der er sket."; followupFocus = 1; return
        }
        if let problem = followupDate.validationError() { followupError = problem; followupFocus = 2; return }
        guard case .string(let iso)? = followupDate.answer, let date = LocalDate(iso: iso) else {
            followupError = "Skriv datoen som dd-mm-åååå."; followupFocus = 2; return
        }
        if date > environment.today { followupError = "Datoen må ikke ligge i fremtiden."; followupFocus = 2; return }
        let note = followupNote.trimmedText.precomposedStringWithCanonicalMapping
        if status == .ikkeRelevant, note.isEmpty {
            followupError = "Skriv i noten, hvorfor handlingen ikke er relevant."; followupFocus = 3; return
        }
        do {
            try environment.recordFollowup(FollowupBody(screening: item.id, action: action, status: status,
                                                        date: date, note: note))
        } catch let error as UserFacingError {
            followupError = "Ikke gemt: " + error.danishDescription
            return
        } catch {
            followupError = "Ikke gemt: opfølgningen kunne ikke skrives til loggen."
            return
        }
        refresh(item.id)
        if detailCase != nil {
            page = .detail
            message = ("Gemt: \(actionLabel(action)) – \(status.label).", .success)
        } else {
            page = .list
            message = ("Gemt: \(actionLabel(action)) – \(status.label). Sagen er lukket (a viser alle sager).", .success)
        }
    }

    private func handleReason(_ key: Key) {
        switch key {
        case .escape, .ctrl("c"): page = .detail
        case .enter:
            guard !reasonField.trimmedText.isEmpty else {
                reasonError = "Skriv hvorfor screeningen rettes."
                return
            }
            guard let item = detailCase else { page = .list; return }
            let reason = reasonField.trimmedText.precomposedStringWithCanonicalMapping
            let record = environment.recordCorrection
            let form = environment.form
            let id = item.id
            let model = FormScreeningModel(form: form, initials: environment.initials, today: environment.today)
            correctionScreen = FormScreen(model: model, answers: item.answers, step: 0, today: environment.today,
                                          save: { submission in
                let override = submission.overrideActions.map {
                    Override(actions: $0, reason: submission.overrideReason ?? "")
                }
                let visit = form.visitDate(in: submission.answers)
                try record(CorrectionBody(screening: id, answers: submission.answers, decision: submission.decision,
                                          visitDate: visit, override: override, reason: reason))
            }, leaveQuestion: "Vil du afbryde rettelsen? Intet bliver gemt, og screeningen forbliver, som den var.")
            page = .correction
        default:
            _ = reasonField.handle(key)
            reasonError = nil
        }
    }

    private func handleCorrection(_ key: Key) {
        guard let screen = correctionScreen else { page = .detail; return }
        screen.handle(key)
        switch screen.outcome {
        case .running: return
        case .saved:
            correctionScreen = nil
            if let id = detailID { refresh(id) } else { reload() }
            detailScroll = 0
            if detailCase != nil {
                page = .detail
                message = ("Rettelsen er gemt, og anbefalingen er vurderet igen.", .success)
            } else {
                page = .list
                message = ("Rettelsen er gemt. Sagen er ikke længere åben; a viser alle sager.", .success)
            }
        case .left:
            correctionScreen = nil
            page = .detail
            message = ("Rettelsen blev ikke gemt.", .dim)
        }
    }

    // MARK: - Drawing

    private func actionLabel(_ id: String) -> String { environment.form.action(id: id)?.label ?? id }

    /// Draws the current page.
    public func draw(on terminal: Terminal) {
        if page == .correction, let screen = correctionScreen {
            screen.draw(on: terminal)
            return
        }
        terminal.clear()
        terminal.setCursorVisible(false)
        let size = terminal.size
        guard size.isLargeEnough else {
            let text = "Vinduet er for lille (\(size.columns)×\(size.rows)). Gør det mindst 80×24 tegn."
            for (index, line) in DisplayWidth.wrap(text, columns: max(1, size.columns)).enumerated() {
                terminal.put(line, row: index, column: 0, style: .error)
            }
            terminal.refresh()
            return
        }
        var cursor: (row: Int, column: Int)?
        switch page {
        case .list, .cprSearch: cursor = drawList(on: terminal)
        case .detail: drawDetail(on: terminal)
        case .followup: cursor = drawFollowup(on: terminal)
        case .correctionReason: cursor = drawReason(on: terminal)
        case .correction: break
        }
        if let message {
            terminal.put(DisplayWidth.prefix(message.text, fitting: size.columns - 2), row: size.rows - 2, column: 1,
                         style: message.style)
        }
        if let cursor {
            terminal.moveCursor(row: cursor.row, column: cursor.column)
            terminal.setCursorVisible(true)
        }
        terminal.refresh()
    }

    private func footer(_ text: String, on terminal: Terminal) {
        let size = terminal.size
        terminal.put(DisplayWidth.padded(" " + text, to: size.columns), row: size.rows - 1, column: 0, style: .reverse)
    }

    private func header(_ title: String, right: String, on terminal: Terminal) {
        let columns = terminal.size.columns
        terminal.put(title, row: 0, column: 0, style: .title)
        terminal.put(right, row: 0, column: max(0, columns - DisplayWidth.of(right)), style: .dim)
    }

    /// One line of the table at `columns` width.
    func tableLine(_ row: ReviewRow, columns: Int) -> String {
        let item = row.item
        let child = revealed == item.id ? (revealedCPR ?? "—") : row.maskedCPR
        let mark = item.isOverdue ? "!" : item.overridden ? "T" : " "
        let actions = item.actions.map { state in
            ReviewList.shortLabel(state.action, form: environment.form) + " " + state.status.label
        }.joined(separator: ", ")
        let days = row.daysOpen.map { "\($0)" } ?? "–"
        let shortDate = String(format: "%02d-%02d-%02d", row.date.day, row.date.month, row.date.year % 100)
        let left = "\(mark) \(shortDate) \(DisplayWidth.padded(row.visit ?? "–", to: 5)) "
            + "\(DisplayWidth.padded(child, to: 11)) \(DisplayWidth.padded(item.author, to: 4)) "
        let actionWidth = max(10, columns - DisplayWidth.of(left) - 5)
        let actionText = DisplayWidth.padded(DisplayWidth.prefix(actions, fitting: actionWidth), to: actionWidth)
        let dayText = String(repeating: " ", count: max(0, 5 - days.count)) + days
        return left + actionText + dayText
    }

    private func drawList(on terminal: Terminal) -> (row: Int, column: Int)? {
        let size = terminal.size
        let openCount = counts.open, overdueCount = counts.overdue
        header("Gennemgang – markerede familier", right: "\(rows.count) sager, \(overdueCount) over frist ", on: terminal)
        var filterText = "Vis: " + (filter.includeClosed ? "alle" : "åbne")
        filterText += "   Handling: " + (filter.action.map { ReviewList.shortLabel($0, form: environment.form) } ?? "alle")
        filterText += "   Sundhedsplejerske: " + (filter.author ?? "alle")
        if let cpr = filter.cpr { filterText += "   CPR: " + ReviewRow.mask(cpr) }
        terminal.put(DisplayWidth.prefix(filterText, fitting: size.columns - 2), row: 1, column: 1, style: .dim)
        let heading = "  Dato     Besøg Barn        SP   Handlinger"
        terminal.put(heading, row: 2, column: 0, style: .bold)
        terminal.put("Dage", row: 2, column: size.columns - 5, style: .bold)
        let height = listHeight(size.rows)
        if let loadError {
            terminal.put(DisplayWidth.prefix(loadError, fitting: size.columns - 2), row: 3, column: 1, style: .error)
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
        if rows.count > height {
            terminal.put("\(selected + 1)/\(rows.count)", row: size.rows - 3, column: size.columns - 12, style: .dim)
        }
        if warnings.isEmpty {
            terminal.put("! over frist   T anbefaling tilsidesat   (\(openCount) åbne)", row: size.rows - 3, column: 1, style: .dim)
        } else {
            // What the reader skipped is never dropped silently.
            terminal.put(DisplayWidth.prefix(warnings.joined(separator: " "), fitting: size.columns - 14),
                         row: size.rows - 3, column: 1, style: .error)
        }
        if page == .cprSearch {
            terminal.put(DisplayWidth.padded("", to: size.columns), row: size.rows - 2, column: 0)
            terminal.put("Søg CPR:", row: size.rows - 2, column: 1, style: .bold)
            let cursor = searchField.draw(on: terminal, row: size.rows - 2, column: 10, width: 13, focused: true)
            footer("Enter søg (tomt felt fjerner søgningen)   Esc fortryd", on: terminal)
            return cursor
        }
        footer("↑↓ vælg  Enter åbn  a alle/åbne  h handling  s SP  / søg CPR  v vis CPR  Esc luk", on: terminal)
        return nil
    }

    /// The detail's lines: answers, decision, override, history.
    func detailLines(_ item: Case, columns: Int) -> [(String, TextStyle)] {
        let form = environment.form
        var lines: [(String, TextStyle)] = []
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
            add("\(actionLabel(rule.action)): \(rule.reason) (\(rule.basis))", .dim, indent: 4)
        }
        for warning in item.decision.warnings { add("Advarsel: " + warning, .error) }
        if let override = item.override {
            lines.append(("", .normal))
            add("Tilsidesat af sundhedsplejersken", .title, indent: 1)
            add("Valgte handlinger: " + override.actions.map(actionLabel).joined(separator: ", "), .bold)
            add("Begrundelse: " + override.reason)
        }
        lines.append(("", .normal))
        add("Status", .title, indent: 1)
        for state in item.actions {
            var text = "\(actionLabel(state.action)): \(state.status.label)"
            if let deadline = state.deadline, state.status == .open { text += ", frist \(deadline.danish)" }
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
                + "\(actionLabel(followup.body.action)) – \(followup.body.status.label) \(followup.body.date.danish)"
            if !followup.body.note.isEmpty { text += ". Note: \(followup.body.note)" }
            history.append((followup.timestamp, text))
        }
        for (_, text) in history.sorted(by: { $0.0 < $1.0 }) { add(text) }
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
        case .number(let number): return number.rounded() == number ? String(Int(number)) : String(number)
        }
    }

    private func drawDetail(on terminal: Terminal) {
        let size = terminal.size
        guard let item = detailCase else { return }
        let cpr = environment.form.text(role: .childCPR, in: item.answers)
        let child = revealed == item.id ? (cpr ?? "—") : ReviewRow.mask(cpr)
        header("Sag: \(child)  \(item.author)  \((item.visitDate ?? item.screeningDate).danish)",
               right: item.isOverdue ? "OVER FRIST " : item.isOpen ? "åben " : "lukket ", on: terminal)
        let lines = detailLines(item, columns: size.columns)
        let height = size.rows - 4
        detailScroll = max(0, min(detailScroll, max(0, lines.count - height)))
        for (offset, line) in lines.dropFirst(detailScroll).prefix(height).enumerated() {
            terminal.put(DisplayWidth.prefix(line.0, fitting: size.columns), row: 1 + offset, column: 0, style: line.1)
        }
        if detailScroll + height < lines.count {
            terminal.put("↓ mere (\(detailScroll + height)/\(lines.count))", row: size.rows - 3,
                         column: size.columns - 20, style: .dim)
        }
        footer("↑↓ rul  o opfølgning  r ret screening  v vis CPR  Esc tilbage", on: terminal)
    }

    private func string(_ value: AnswerValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    private func drawFollowup(on terminal: Terminal) -> (row: Int, column: Int)? {
        let size = terminal.size
        guard let item = detailCase else { return nil }
        header("Opfølgning: \(ReviewRow.mask(environment.form.text(role: .childCPR, in: item.answers)))  \(item.author)",
               right: "", on: terminal)
        var row = 2
        var cursor: (row: Int, column: Int)?
        func label(_ text: String, _ index: Int) {
            terminal.put(text, row: row, column: 1, style: followupFocus == index ? .bold : .normal)
            row += 1
        }
        label("Handling:", 0)
        followupAction.draw(on: terminal, row: row, column: 3, width: size.columns - 4, focused: followupFocus == 0)
        row += followupAction.options.count + 1
        label("Hvad er der sket?", 1)
        let action: String
        if case .string(let chosen)? = followupAction.answer { action = chosen } else { action = "" }
        let statusOptions = FollowupStatus.allCases.map { ChoiceOption(id: $0.rawValue, label: Self.statusText($0, action: action)) }
        ChoiceField(options: statusOptions, selectedID: {
            if case .string(let id)? = followupStatus.answer { return id } else { return nil }
        }()).draw(on: terminal, row: row, column: 3, width: size.columns - 4, focused: followupFocus == 1)
        row += statusOptions.count + 1
        label("Dato (dd-mm-åååå):", 2)
        if let position = followupDate.draw(on: terminal, row: row - 1, column: 22, width: 12, focused: followupFocus == 2),
           followupFocus == 2 { cursor = position }
        row += 1
        label("Note:", 3)
        if let position = followupNote.draw(on: terminal, row: row - 1, column: 8, width: size.columns - 10,
                                            focused: followupFocus == 3), followupFocus == 3 { cursor = position }
        if let followupError {
            terminal.put(DisplayWidth.prefix(followupError, fitting: size.columns - 2), row: row + 1, column: 1, style: .error)
        }
        footer("Tab næste felt  ↑↓/tal vælg  Enter videre/gem  F10 gem  Esc fortryd", on: terminal)
        return cursor
    }

    private func drawReason(on terminal: Terminal) -> (row: Int, column: Int)? {
        let size = terminal.size
        header("Ret screening", right: "", on: terminal)
        terminal.put("Formularen åbnes med de gemte svar. Ret dem, og gem; anbefalingen vurderes igen,", row: 2, column: 1)
        terminal.put("og både den oprindelige screening og rettelsen står i historikken.", row: 3, column: 1)
        terminal.put("Hvorfor rettes screeningen? (påkrævet)", row: 5, column: 1, style: .bold)
        let cursor = reasonField.draw(on: terminal, row: 6, column: 3, width: size.columns - 6, focused: true)
        if let reasonError { terminal.put(reasonError, row: 8, column: 3, style: .error) }
        footer("Enter åbn formularen   Esc fortryd", on: terminal)
        return cursor
    }
}
