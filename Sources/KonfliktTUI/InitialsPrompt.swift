import KonfliktCore

/// The initials field's rules, shared by the start menu and the review: letters only (a space or a digit
/// is refused as it is typed, with a message), shown in upper case as typed, 2–4 letters.
enum InitialsInput {
    /// A new, empty field (or one showing `initials`).
    static func field(_ initials: String? = nil) -> TextField {
        TextField(text: initials ?? "", maxLength: 4, allowed: { $0.isLetter })
    }

    /// Handles `key` in `field`: a letter goes in upper case; anything else typed is refused with the
    /// returned message. Nil when the key was used or is not text.
    static func handle(_ key: Key, in field: inout TextField) -> String? {
        if case .character(let character) = key {
            guard character.isLetter else { return "Initialer er kun bogstaver (A–Å), uden mellemrum." }
            _ = field.handle(.character(Character(String(character).uppercased())))
            return nil
        }
        _ = field.handle(key)
        return nil
    }

    /// The initials typed, or the Danish problem (also for an empty field).
    static func check(_ field: TextField) -> Result<String, InitialsProblem> {
        if field.trimmedText.isEmpty { return .failure(InitialsProblem(message: "Skriv dine initialer (2–4 bogstaver, fx AB).")) }
        guard let initials = Initials.normalized(field.trimmedText) else {
            return .failure(InitialsProblem(message: Initials.problem))
        }
        return .success(initials)
    }
}

/// Why initials were not accepted, in Danish.
struct InitialsProblem: Error {
    var message: String
}

/// Asks for the user's initials before the review when none are saved (`konflikt review` on a new
/// computer), and stores them with `save`. Esc or Ctrl-C leaves without initials.
public final class InitialsPrompt: Screen {
    private var field = InitialsInput.field()
    private var message: ScreenMessage?
    private let save: (String) throws -> Void
    /// The initials once given and saved; nil while asking or after Esc.
    public private(set) var initials: String?
    private var cancelled = false

    /// A prompt that stores the initials with `save`.
    public init(save: @escaping (String) throws -> Void) {
        self.save = save
    }

    /// Whether the prompt is answered or left.
    public var isDone: Bool { initials != nil || cancelled }

    /// Runs the prompt; returns the initials, or nil when left.
    public func ask(on terminal: Terminal) -> String? {
        run(on: terminal)
        return initials
    }

    public func handle(_ key: Key) {
        switch key {
        case .resize: return
        case .escape, .ctrl("c"): cancelled = true
        case .enter:
            switch InitialsInput.check(field) {
            case .failure(let problem): message = ScreenMessage(problem.message, .error)
            case .success(let typed):
                do {
                    try save(typed)
                    initials = typed
                } catch let error as UserFacingError {
                    message = ScreenMessage(error.danishDescription, .error)
                } catch {
                    message = ScreenMessage("Initialerne kunne ikke gemmes.", .error)
                }
            }
        default:
            message = InitialsInput.handle(key, in: &field).map { ScreenMessage($0, .error) }
        }
    }

    public func draw(on terminal: Terminal) {
        Frame.draw(on: terminal, title: "Gennemgang", footer: "Enter gem   Esc afslut", message: message) { frame in
            frame.terminal.put("Skriv dine initialer; de gemmes på denne computer og står ved dine opfølgninger", row: 3, column: 2)
            frame.terminal.put("og rettelser.", row: 4, column: 2)
            frame.terminal.put("Initialer:", row: 6, column: 2, style: .bold)
            return field.draw(on: frame.terminal, row: 6, column: 14, width: 8, focused: true)
        }
    }
}
