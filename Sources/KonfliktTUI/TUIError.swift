import KonfliktCore

/// What can go wrong in the terminal front end, each as one Danish sentence.
public enum TUIError: UserFacingError, Equatable {
    /// Standard input or output is not a terminal (e.g. piped); the TUI cannot start.
    case notATerminal
    /// The terminal could not be set up for UTF-8 text.
    case noUTF8Locale
    /// curses could not start on this terminal (e.g. an unknown TERM).
    case cursesFailed
    /// TERM is not set, or names a terminal terminfo does not know.
    case unknownTerminal(term: String)
    /// The terminal cannot move the cursor (e.g. TERM=dumb), so no screen can be drawn.
    case terminalTooSimple(term: String)
    /// Standard input ended while a plain-mode question was open.
    case inputEnded
    /// The user left without saving.
    case cancelled

    public var danishDescription: String {
        switch self {
        case .notATerminal:
            return "Skærmbilledet kræver en terminal; brug 'konflikt screen --plain' ved omdirigeret ind- eller uddata."
        case .noUTF8Locale:
            return "Terminalen kan ikke vise æ, ø og å: der findes ingen UTF-8-locale (sæt fx LANG=C.UTF-8)."
        case .cursesFailed:
            return "Terminalen kunne ikke startes (tjek miljøvariablen TERM)."
        case .unknownTerminal(let term):
            let which = term.isEmpty ? "Miljøvariablen TERM er ikke sat" : "Terminaltypen TERM=\(term.prefix(40)) kendes ikke"
            return "\(which), så skærmbilledet kan ikke startes. Sæt fx TERM=xterm-256color, eller brug 'konflikt screen --plain'."
        case .terminalTooSimple(let term):
            return "Terminalen (TERM=\(term.prefix(40))) kan ikke flytte markøren, så skærmbilledet kan ikke vises. "
                + "Brug en almindelig terminal, eller 'konflikt screen --plain'."
        case .inputEnded:
            return "Inddata sluttede, før formularen var udfyldt; intet er gemt."
        case .cancelled:
            return "Afbrudt; intet er gemt."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .notATerminal, .cancelled: return ExitStatus.usage
        case .noUTF8Locale, .cursesFailed, .unknownTerminal, .terminalTooSimple: return ExitStatus.ioError
        case .inputEnded: return ExitStatus.dataError
        }
    }
}
