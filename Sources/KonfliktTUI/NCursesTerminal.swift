import CNCursesW
import Foundation

/// The live `Terminal`: the only code in the program that calls curses. Create it on the main
/// thread and use it only there; call `close()` when done (also done on deinit). SIGINT, SIGTERM,
/// SIGHUP and SIGQUIT restore the terminal before the process ends; Ctrl-C arrives as
/// `.ctrl("c")` because the terminal runs in raw mode.
public final class NCursesTerminal: Terminal {
    public private(set) var size: TerminalSize
    /// Whether colours are in use (the terminal has them and `NO_COLOR` is not set).
    public let usesColor: Bool
    private var isOpen = true

    /// Starts curses on the process's terminal. Throws `TUIError.notATerminal` when standard
    /// input or output is not a terminal, before touching the screen.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard konflikt_isatty(0) != 0, konflikt_isatty(1) != 0 else { throw TUIError.notATerminal }
        guard konflikt_ensure_utf8_locale() != 0 else { throw TUIError.noUTF8Locale }
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        konflikt_install_signal_handlers()
        let started = konflikt_start(noColor ? 0 : 1)
        guard started != 0, started != 3 else {
            konflikt_reset_signal_handlers()
            let term = environment["TERM"] ?? ""
            throw started == 3 ? TUIError.terminalTooSimple(term: term) : TUIError.unknownTerminal(term: term)
        }
        usesColor = started == 2
        size = TerminalSize(rows: Int(konflikt_lines()), columns: Int(konflikt_cols()))
    }

    deinit { close() }

    /// Restores the terminal (idempotent).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        konflikt_stop()
        konflikt_reset_signal_handlers()
    }

    public func clear() { konflikt_clear() }

    public func put(_ text: String, row: Int, column: Int, style: TextStyle) {
        guard row >= 0, row < size.rows, column >= 0, column < size.columns else { return }
        var fitted = DisplayWidth.prefix(text.filter { DisplayWidth.of($0) > 0 }, fitting: size.columns - column)
        // The bottom-right cell cannot be written without scrolling on some terminals.
        if row == size.rows - 1, column + DisplayWidth.of(fitted) >= size.columns, !fitted.isEmpty {
            fitted.removeLast()
        }
        apply(style)
        konflikt_put(Int32(row), Int32(column), fitted)
        konflikt_set_attributes(0, 0, 0, 0, 0)
    }

    public func moveCursor(row: Int, column: Int) {
        konflikt_move(Int32(max(0, min(row, size.rows - 1))), Int32(max(0, min(column, size.columns - 1))))
    }

    public func setCursorVisible(_ visible: Bool) { konflikt_cursor(visible ? 1 : 0) }

    public func refresh() { konflikt_refresh() }

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        var code: UInt32 = 0
        let kind = konflikt_read(Int32(timeoutMilliseconds ?? -1), &code)
        switch kind {
        case 1:
            let key = Self.functionKey(Int32(bitPattern: code))
            if key == .resize {
                size = TerminalSize(rows: Int(konflikt_lines()), columns: Int(konflikt_cols()))
            }
            return key ?? readKey(timeoutMilliseconds: timeoutMilliseconds)
        case 0:
            return Self.characterKey(code)
        default:
            return nil
        }
    }

    private func apply(_ style: TextStyle) {
        switch (style, usesColor) {
        case (.normal, _): konflikt_set_attributes(0, 0, 0, 0, 0)
        case (.bold, _): konflikt_set_attributes(1, 0, 0, 0, 0)
        case (.reverse, _): konflikt_set_attributes(0, 1, 0, 0, 0)
        case (.dim, _): konflikt_set_attributes(0, 0, 1, 0, 0)
        case (.error, true): konflikt_set_attributes(1, 0, 0, 0, 1)
        case (.error, false): konflikt_set_attributes(1, 0, 0, 1, 0)
        case (.highlight, true): konflikt_set_attributes(0, 0, 0, 0, 2)
        case (.highlight, false): konflikt_set_attributes(0, 1, 0, 0, 0)
        case (.success, true): konflikt_set_attributes(1, 0, 0, 0, 3)
        case (.success, false): konflikt_set_attributes(1, 0, 0, 0, 0)
        case (.title, true): konflikt_set_attributes(1, 0, 0, 0, 4)
        case (.title, false): konflikt_set_attributes(1, 0, 0, 0, 0)
        }
    }

    /// Maps a curses function-key code to a `Key`; nil for keys the program does not use.
    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case konflikt_key_up(): return .up
        case konflikt_key_down(): return .down
        case konflikt_key_left(): return .left
        case konflikt_key_right(): return .right
        case konflikt_key_home(): return .home
        case konflikt_key_end(): return .end
        case konflikt_key_backspace(): return .backspace
        case konflikt_key_dc(): return .delete
        case konflikt_key_enter(): return .enter
        case konflikt_key_btab(): return .backtab
        case konflikt_key_ppage(): return .pageUp
        case konflikt_key_npage(): return .pageDown
        case konflikt_key_resize(): return .resize
        case (konflikt_key_f0() + 1)...(konflikt_key_f0() + 24): return .function(Int(code - konflikt_key_f0()))
        default: return nil
        }
    }

    /// Maps a character code from `get_wch` to a `Key`.
    static func characterKey(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let scalar = Unicode.Scalar(code + 96) else { return nil }
            return .ctrl(Character(scalar))
        default:
            guard let scalar = Unicode.Scalar(code), code >= 32 else { return nil }
            return .character(Character(scalar))
        }
    }
}
