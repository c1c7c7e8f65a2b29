import KonfliktCore

/// Shown once, before anything is recorded into a data folder whose team key this device has not
/// trusted yet: the key's fingerprint, to be compared aloud with the team lead's, and a yes/no. With
/// `changed` it warns that `team.json` holds another key than the trusted one: only `j`, after comparing
/// the new fingerprint with the lead's (a key rotation), trusts it; anything else saves nothing. Both show
/// this computer's own key, which the lead approves (`konflikt team approve`).
public final class TeamKeyPrompt: Screen {
    /// What the folder's key is to this device.
    public enum Kind: Sendable, Equatable {
        /// A key not trusted yet: ask.
        case untrusted(fingerprint: String, short: String)
        /// Another key than the trusted one: warn.
        case changed(trusted: String, found: String)
    }

    private let kind: Kind
    /// This computer's key fingerprint, short form (nil: not shown).
    private let device: String?
    /// The user's answer: true when she confirmed the fingerprint; nil until answered.
    public private(set) var confirmed: Bool?

    /// A prompt of `kind`, showing this computer's key `device` (short form) for the lead to approve.
    public init(kind: Kind, device: String? = nil) {
        self.kind = kind
        self.device = device
    }

    /// Draws and handles keys until answered (or input ends: not confirmed).
    public func run(on terminal: Terminal) -> Bool {
        (self as any Screen).run(on: terminal)
        return confirmed ?? false
    }

    /// Whether the prompt is answered.
    public var isDone: Bool { confirmed != nil }

    /// Handles one key.
    public func handle(_ key: Key) {
        switch kind {
        case .untrusted:
            switch key {
            case .character("j"), .character("J"): confirmed = true
            case .character("n"), .character("N"), .escape, .ctrl("c"): confirmed = false
            default: break
            }
        case .changed:
            switch key {
            case .resize: break
            case .character("j"), .character("J"): confirmed = true
            default: confirmed = false
            }
        }
    }

    /// Draws the prompt.
    public func draw(on terminal: Terminal) {
        var lines: [(String, TextStyle)] = []
        switch kind {
        case .untrusted(let fingerprint, let short):
            lines = [
                ("Ny teamnøgle i datamappen", .title), ("", .normal),
                ("Screeninger krypteres til teamets nøgle, så kun den faglige leder kan læse dem.", .normal),
                ("Før du gemmer, skal du sikre dig, at nøglen er den faglige leders.", .normal), ("", .normal),
                ("Fingeraftryk (kort form):", .bold), ("    " + short, .bold), ("", .normal),
                ("Hele fingeraftrykket:", .dim), ("    " + String(fingerprint.prefix(32)), .dim),
                ("    " + String(fingerprint.dropFirst(32)), .dim), ("", .normal),
                ("Ring eller tal med den faglige leder, og læs den korte form op for hinanden", .normal),
                ("(lederen ser den med konflikt team show).", .normal), ("", .normal),
                ("Er det det samme fingeraftryk?", .bold),
            ]
        case .changed(let trusted, let found):
            lines = [
                ("Teamnøglen er skiftet", .title), ("", .normal),
                ("Datamappens team.json indeholder en anden nøgle end den, du har godkendt.", .error),
                ("Godkendt: " + trusted, .normal), ("Fundet:   " + found, .normal), ("", .normal),
                ("Der gemmes ingen screeninger, før den faglige leder har afklaret det.", .normal),
                ("Der krypteres aldrig til en ny nøgle uden din godkendelse.", .normal), ("", .normal),
                ("Har lederen lavet en ny nøgle (konflikt team rotate), så læs den nye korte form", .normal),
                ("op for hinanden, og tryk j, hvis den er den samme som lederens.", .normal),
            ]
        }
        if let device {
            lines += [("", .normal), ("Denne computers nøgle: " + device, .bold),
                      ("Læs den også op: lederen godkender computeren med konflikt team approve.", .dim)]
        }
        let footer: String
        switch kind {
        case .untrusted: footer = "j ja, godkend nøglen   n nej, ikke nu"
        case .changed: footer = "j ja, det er lederens nye nøgle   anden tast: gem intet"
        }
        Frame.draw(on: terminal, title: "konflikt", footer: footer) { frame in
            frame.scrolled(lines, scroll: 0, from: frame.top, column: 2)
            return nil
        }
    }
}
