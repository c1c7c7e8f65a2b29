import Foundation
import KonfliktCore

/// The first screen: new screening, resume a draft, review, quit. A state machine like
/// `FormScreen`: `handle` one key, `draw` on any `Terminal`.
public final class StartMenu: Screen {
    /// What the user chose.
    public enum Choice: Equatable, Sendable {
        /// Start a new screening.
        case newScreening
        /// Resume the draft with this id.
        case resume(UUID)
        /// Open the team lead's review.
        case review
        /// Export anonymous figures.
        case export
        /// Leave the program.
        case quit
    }

    enum Page: Equatable { case menu, drafts, initials, confirmDiscard(UUID) }

    /// The menu's keys in full (F1 / ?).
    static let help = "↑/↓ vælg · Enter åbn · 1–5 vælger direkte · i skifter dine initialer · "
        + "F1 eller ? viser denne hjælp · Esc afslutter. Under en screening: F1 viser hjælp til spørgsmålet."

    /// The menu's items in order, with their labels.
    static let items: [(label: String, hint: String)] = [
        ("Ny screening", "Start en screening ved 2- eller 8-måneders besøg"),
        ("Genoptag", "Fortsæt en screening, der ikke blev gemt færdig"),
        ("Gennemgang", "Faglig leders overblik over markerede familier"),
        ("Eksport", "Anonyme tal til projektrapporteringen"),
        ("Afslut", ""),
    ]

    private let title: String
    private var drafts: [Draft]
    private let discardDraft: ((UUID) -> Void)?
    private let stepCount: Int
    private let form: Form?
    private let reviewAvailable: Bool
    private let exportAvailable: Bool
    private let saveInitials: (String) throws -> Void
    private(set) var page: Page
    private var selected = 0
    private var draftSelected = 0
    private var initialsField = InitialsInput.field()
    /// The saved initials (nil before the first start).
    private var initials: String?
    private var message: ScreenMessage?
    /// The user's choice once made.
    public private(set) var choice: Choice?

    /// Creates the menu. `initials` nil asks for them first and stores them with `saveInitials`.
    /// `form` (when given) names the visit and the author of each draft by the fields' roles.
    public init(title: String, drafts: [Draft], stepCount: Int, initials: String?, reviewAvailable: Bool,
                exportAvailable: Bool = false, form: Form? = nil, notice: String? = nil,
                discardDraft: ((UUID) -> Void)? = nil, saveInitials: @escaping (String) throws -> Void) {
        self.form = form
        self.exportAvailable = exportAvailable
        self.discardDraft = discardDraft
        if let notice { message = ScreenMessage(notice, .dim) }
        self.title = title
        self.drafts = drafts
        self.stepCount = stepCount
        self.reviewAvailable = reviewAvailable
        self.saveInitials = saveInitials
        self.initials = (initials?.isEmpty ?? true) ? nil : initials
        page = self.initials == nil ? .initials : .menu
    }

    /// Whether a choice is made.
    public var isDone: Bool { choice != nil }

    /// Draws, then handles keys until a choice is made or input ends (which means quit).
    public func run(on terminal: Terminal) -> Choice {
        (self as any Screen).run(on: terminal)
        return choice ?? .quit
    }

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        switch page {
        case .initials: handleInitials(key)
        case .menu: handleMenu(key)
        case .drafts: handleDrafts(key)
        case .confirmDiscard(let id): handleConfirmDiscard(key, id: id)
        }
    }

    private func handleInitials(_ key: Key) {
        switch key {
        case .enter:
            switch InitialsInput.check(initialsField) {
            case .failure(let problem): message = ScreenMessage(problem.message, .error)
            case .success(let typed):
                do {
                    try saveInitials(typed)
                    message = initials == nil ? nil : ScreenMessage("Dine initialer er nu \(typed).", .success)
                    initials = typed
                    page = .menu
                } catch let error as UserFacingError {
                    message = ScreenMessage(error.danishDescription, .error)
                } catch {
                    message = ScreenMessage("Initialerne kunne ikke gemmes.", .error)
                }
            }
        case .escape, .ctrl("c"):
            // Changing them: back to the menu with the old ones. The first time: there is no menu without them.
            if initials == nil { choice = .quit } else { message = nil; page = .menu }
        default:
            message = InitialsInput.handle(key, in: &initialsField).map { ScreenMessage($0, .error) }
        }
    }

    private func handleMenu(_ key: Key) {
        switch key {
        case .up: selected = (selected + Self.items.count - 1) % Self.items.count
        case .down, .tab: selected = (selected + 1) % Self.items.count
        case .character(let c) where c.wholeNumberValue.map({ (1...Self.items.count).contains($0) }) == true:
            selected = (c.wholeNumberValue ?? 1) - 1
            activate()
        case .enter: activate()
        case .character("i"), .character("I"):
            initialsField = InitialsInput.field(initials)
            message = nil
            page = .initials
        case .function(1), .character("?"): message = ScreenMessage(Self.help, .dim)
        case .escape, .ctrl("c"), .character("q"), .character("Q"): choice = .quit
        default: break
        }
    }

    private func activate() {
        message = nil
        switch selected {
        case 0: choice = .newScreening
        case 1:
            if drafts.isEmpty { message = ScreenMessage("Der er ingen ufærdige screeninger.", .dim) } else { draftSelected = 0; page = .drafts }
        case 2:
            if reviewAvailable { choice = .review } else { message = ScreenMessage("Gennemgang er ikke tilgængelig.", .error) }
        case 3:
            if exportAvailable { choice = .export } else { message = ScreenMessage("Eksport er ikke tilgængelig.", .error) }
        default: choice = .quit
        }
    }

    private func handleDrafts(_ key: Key) {
        switch key {
        case .up: draftSelected = max(0, draftSelected - 1)
        case .down: draftSelected = min(drafts.count - 1, draftSelected + 1)
        case .enter: choice = .resume(drafts[draftSelected].id)
        case .character("d"), .character("D"), .delete:
            if discardDraft != nil { page = .confirmDiscard(drafts[draftSelected].id) }
        case .escape: page = .menu
        default: break
        }
    }

    private func handleConfirmDiscard(_ key: Key, id: UUID) {
        switch key {
        case .character("j"), .character("J"):
            discardDraft?(id)
            drafts.removeAll { $0.id == id }
            message = ScreenMessage("Kladden er slettet.", .dim)
            draftSelected = min(draftSelected, max(0, drafts.count - 1))
            page = drafts.isEmpty ? .menu : .drafts
        case .character("n"), .character("N"), .escape:
            page = .drafts
        default: break
        }
    }

    /// How a draft is listed: the visit's date and kind, the child's number masked (`DDMMÅÅ-****`, never
    /// the whole CPR number), how far it got and when it was saved. `form` names the fields by their roles.
    static func describe(_ draft: Draft, stepCount: Int, form: Form?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "da_DK")
        formatter.timeZone = TimeZone(identifier: "Europe/Copenhagen")
        formatter.dateFormat = "dd-MM HH:mm"
        var parts: [String] = []
        if let date = form?.visitDate(in: draft.answers) {
            parts.append(String(format: "%02d-%02d-%04d", date.day, date.month, date.year))
        }
        if let form, let question = form.field(role: .visit), let visit = form.text(role: .visit, in: draft.answers) {
            parts.append(question.label(ofChoice: visit))
        }
        if let child = maskedChild(draft.answers, form: form) { parts.append("barn " + child) }
        parts.append("Trin \(min(draft.step + 1, stepCount)) af \(stepCount)")
        parts.append("gemt " + formatter.string(from: draft.savedAt))
        return parts.joined(separator: "  ")
    }

    /// The child's number masked: the answer with the child-CPR role, else (no form) the first answer
    /// that is a CPR number.
    static func maskedChild(_ answers: Answers, form: Form?) -> String? {
        if let form {
            return form.text(role: .childCPR, in: answers).flatMap { CPRNumber($0)?.masked }
        }
        for key in answers.keys.sorted() {
            if case .string(let text)? = answers[key], let number = CPRNumber(text) { return number.masked }
        }
        return nil
    }

    /// Draws the current page in the shared frame.
    public func draw(on terminal: Terminal) {
        let footer: String
        switch page {
        case .initials: footer = initials == nil ? "Enter gem   Esc afslut" : "Enter gem   Esc fortryd"
        case .menu: footer = "↑/↓ vælg   Enter åbn   1-5 genvej   i initialer   F1 hjælp   Esc afslut"
        case .drafts: footer = discardDraft == nil ? "↑/↓ vælg   Enter genoptag   Esc tilbage"
                                                   : "↑/↓ vælg   Enter genoptag   d slet   Esc tilbage"
        case .confirmDiscard: footer = "j slet kladden   n fortryd"
        }
        Frame.draw(on: terminal, title: title, right: "Sammen uden vold", footer: footer, message: message) { frame in
            drawPage(on: frame.terminal, size: frame.size)
        }
    }

    private func drawPage(on terminal: Terminal, size: TerminalSize) -> (row: Int, column: Int)? {
        var cursor: (row: Int, column: Int)?
        switch page {
        case .initials:
            if let initials {
                terminal.put("Skift initialer (nu \(initials)). De gemmes på denne computer og bruges som forfatter", row: 3, column: 2)
                terminal.put("på dine næste screeninger; gemte screeninger beholder deres forfatter.", row: 4, column: 2)
            } else {
                terminal.put("Velkommen. Skriv dine initialer; de gemmes på denne computer og bruges", row: 3, column: 2)
                terminal.put("som forfatter på dine screeninger.", row: 4, column: 2)
            }
            terminal.put("Initialer:", row: 6, column: 2, style: .bold)
            cursor = initialsField.draw(on: terminal, row: 6, column: 14, width: 12, focused: true)
        case .menu:
            terminal.put("Hvad vil du gøre?", row: 2, column: 2, style: .bold)
            if let initials { terminal.put("Initialer: \(initials)", row: 2, column: size.columns - 18, style: .dim) }
            for (index, item) in Self.items.enumerated() {
                var label = "\(index + 1)  \(item.label)"
                if index == 1, !drafts.isEmpty { label += " (\(drafts.count))" }
                let row = 4 + index * 2
                terminal.put(DisplayWidth.padded(label, to: 24), row: row, column: 4,
                             style: index == selected ? .reverse : .normal)
                terminal.put(item.hint, row: row, column: 30, style: .dim)
            }
        case .drafts:
            terminal.put("Ufærdige screeninger (nyeste først)", row: 2, column: 2, style: .bold)
            // Scrolls with the selection: every draft can be reached.
            let room = max(1, size.rows - 9)
            let first = max(0, min(draftSelected - room + 1, drafts.count - room))
            for index in first..<min(drafts.count, first + room) {
                terminal.put(DisplayWidth.padded(Self.describe(drafts[index], stepCount: stepCount, form: form),
                                                 to: size.columns - 6),
                             row: 4 + index - first, column: 4, style: index == draftSelected ? .reverse : .normal)
            }
            if drafts.count > room {
                terminal.put("\(draftSelected + 1)/\(drafts.count) (↑/↓)", row: 4 + room, column: 4, style: .dim)
            }
        case .confirmDiscard(let id):
            terminal.put("Slet kladden?", row: 2, column: 2, style: .bold)
            if let draft = drafts.first(where: { $0.id == id }) {
                terminal.put(DisplayWidth.prefix(Self.describe(draft, stepCount: stepCount, form: form), fitting: size.columns - 6),
                             row: 4, column: 4)
            }
            terminal.put("Svarene i kladden kan ikke hentes igen.", row: 6, column: 4)
        }
        return cursor
    }
}
