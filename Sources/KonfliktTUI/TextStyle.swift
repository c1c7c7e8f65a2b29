/// How a piece of text is drawn. `NCursesTerminal` maps these to colours when the terminal has
/// them (and `NO_COLOR` is not set), otherwise to plain attributes.
public enum TextStyle: Sendable, Hashable {
    /// Ordinary text.
    case normal
    /// Emphasis.
    case bold
    /// Reverse video (e.g. the footer bar).
    case reverse
    /// De-emphasised text (help, hints).
    case dim
    /// An error message (red, or bold without colour).
    case error
    /// The focused item or input area (cyan background, or reverse without colour).
    case highlight
    /// A confirmation such as "Gemt" (green, or bold without colour).
    case success
    /// A page or section title (bold blue, or bold without colour).
    case title
}
