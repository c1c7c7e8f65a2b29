import Foundation
import Testing

struct TmuxTimeout: Error { let text: String }
struct TmuxFailure: Error { let reason: String }

/// Drives the real `konflikt` binary in a detached tmux session (80×24 unless told otherwise),
/// like fzf's tests: send keys, poll the screen until the expected text shows, print the screen on failure.
final class TmuxSession {
    /// Every time-out of the tmux tests is multiplied by `KONFLIKT_TEST_TIMEOUT_FACTOR` (default 1, e.g. 3 on
    /// a loaded 2-core CI): the tests still poll and finish as soon as the screen shows the text.
    static let timeoutFactor: Double = {
        guard let text = ProcessInfo.processInfo.environment["KONFLIKT_TEST_TIMEOUT_FACTOR"],
              let value = Double(text), value.isFinite, value >= 1 else { return 1 }
        return min(value, 100)
    }()

    /// `seconds` scaled by `timeoutFactor`.
    static func scaled(_ seconds: Double) -> Double { seconds * timeoutFactor }

    /// The exit status of the program in the pane, polled until it has exited (its last text can be on
    /// the screen a moment before the process is gone); nil when it has not exited within `timeout`.
    func exitStatus(timeout: Double = 10) throws -> Int32? {
        let deadline = Date().addingTimeInterval(Self.scaled(timeout))
        repeat {
            if let recorded = try? String(contentsOf: exitFile, encoding: .utf8),
               let value = Int32(recorded.trimmingCharacters(in: .whitespacesAndNewlines)) { return value }
            let status = try tmux(["display-message", "-p", "-t", name, "#{pane_dead_status}"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if let value = Int32(status) { return value }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        // Say why: still running, killed by a signal, or the session gone.
        let state = try tmux(["display-message", "-p", "-t", name,
                              "dead=#{pane_dead} signal=#{pane_dead_signal} pid=#{pane_pid} command=#{pane_current_command}"])
        Issue.record("Programmet sluttede ikke med en status: \(state.trimmingCharacters(in: .whitespacesAndNewlines)). Skærmen var:\n\(try screen())")
        return nil
    }

    let socket = "konflikt-test-\(UUID().uuidString.prefix(8))"
    let name = "k"
    let root: URL
    var environment: [String: String]

    /// A session with fresh data and config folders under a new temporary root.
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-tui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        environment = [
            "KONFLIKT_DATA": root.appendingPathComponent("data").path,
            "KONFLIKT_CONFIG": root.appendingPathComponent("config").path,
            "KONFLIKT_STATE": root.appendingPathComponent("state").path,
            "KONFLIKT_FORMS": Binary.packageRoot.appendingPathComponent("forms").path,
            "KONFLIKT_TODAY": "2026-11-22",
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        ]
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `tmux -L socket arguments…` and returns its standard output.
    ///
    /// Uses `posix_spawn` and `waitpid` rather than `Process`: the command that starts the tmux server
    /// leaves a daemon behind that inherits the descriptors `Process` watches for the child's end, and
    /// `Process` would then wait for ever.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        try run(arguments).output
    }

    /// The exit status of `tmux -L socket arguments…`.
    func tmuxStatus(_ arguments: [String]) throws -> Int32 {
        try run(arguments).status
    }

    private func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let output = root.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", socket] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // The test runner blocks or ignores some signals; the server and the program under test must
        // start with the defaults, or SIGWINCH never reaches curses.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, "tmux", &actions, &attributes, &cArguments, environ)
        guard status == 0 else { throw TmuxFailure(reason: String(cString: strerror(status))) }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) == -1, errno == EINTR {}
        defer { try? FileManager.default.removeItem(atPath: output) }
        return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "", exit)
    }

    /// Starts `konflikt arguments…` in a new session (the previous one, if any, must have ended).
    /// `launcher` goes before the binary (e.g. `["env", "-u", "TERM"]`).
    /// Starts the binary with `arguments` in a new session. With `recordingExit`, a shell around it writes
    /// its exit status to a file for `exitStatus` (tmux 3.3a's `pane_dead_status` stays empty for some
    /// programs that end, one run in three in a loop on this machine, whatever `remain-on-exit` says).
    func start(_ arguments: [String] = [], columns: Int = 80, rows: Int = 24, launcher: [String] = [],
               recordingExit: Bool = false) throws {
        // After the last session was killed the server takes a moment to go; a session started on its
        // socket meanwhile dies with it ("server exited unexpectedly") and the screen stays empty. So
        // wait while a server still answers with no session of ours (at most 5 s).
        let deadline = Date().addingTimeInterval(Self.scaled(5))
        while Date() < deadline, try tmuxStatus(["list-sessions"]) == 0,
              !(try tmux(["list-sessions", "-F", "#{session_name}"])).contains(name) {
            usleep(50_000)
        }
        // `remain-on-exit` is set for the server before the session starts, in the same tmux command: set
        // after it, a program that ends at once (a refused state folder) can be gone with its screen
        // before the option holds. Its exit status still needs `recordingExit` (see above).
        var command = ["start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
                       "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", "-c", root.path]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { command += ["-e", "\(key)=\(value)"] }
        let recorder = recordingExit ? ["sh", "-c", "\"$@\"; echo $? > '\(exitFile.path)'", "sh"] : []
        command += recorder + launcher + [Binary.path] + arguments
        try tmux(command)
    }

    /// Where a session started `recordingExit` writes the program's exit status.
    var exitFile: URL { root.appendingPathComponent("exit-status") }

    /// Types literal text.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    /// Sends named keys (Enter, Tab, Escape, C-u, BTab, …).
    func keys(_ names: String...) throws { try tmux(["send-keys", "-t", name] + names) }

    /// The screen's text now.
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    /// Waits until the screen contains `text`; records an issue with the screen when it never does.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let deadline = Date().addingTimeInterval(Self.scaled(timeout))
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("Skærmen viste aldrig \"\(text)\". Skærmen var:\n\(last)", sourceLocation: sourceLocation)
        throw TmuxTimeout(text: text)
    }

    /// Waits `seconds` (scaled) for keys sent to a screen that cannot show their effect, e.g. while the
    /// window is too small: the program must have read them before the test goes on.
    func settle(_ seconds: Double = 1) { Thread.sleep(forTimeInterval: Self.scaled(seconds)) }

    /// The pid of the program in the pane.
    func panePID() throws -> Int32? {
        Int32(try tmux(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The decoded log events of every device file.
    func logEvents() throws -> [[String: Any]] {
        let data = root.appendingPathComponent("data")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []
        var events: [[String: Any]] = []
        for file in files.sorted() where file.hasSuffix(".jsonl") {
            let text = try String(contentsOf: data.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(object) }
            }
        }
        return events
    }
}
