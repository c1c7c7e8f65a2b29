import Foundation
import KonfliktCore
import KonfliktLog

/// A temporary folder with a data and a state folder inside, removed afterwards.
final class TemporaryDirectory {
    let url: URL
    var data: DataDirectory { DataDirectory(path: url.appendingPathComponent("data").path) }
    var state: StateDirectory { StateDirectory(path: url.appendingPathComponent("state").path) }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-cases-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Bodies for hand-made logs.
enum Sample {
    static func decision(actions: [String] = ["ingen"], flagged: Bool = false) -> Decision {
        Decision(form: "konfliktscreening", formVersion: 1, formFingerprint: String(repeating: "a", count: 64),
                 actions: actions, flagged: flagged, rules: [], warnings: [])
    }

    static func screening(level: String = "lavt", actions: [String] = ["ingen"], flagged: Bool = false,
                          visit: LocalDate? = LocalDate(year: 2026, month: 3, day: 2),
                          override: Override? = nil) -> EventBody {
        .screening(ScreeningBody(
            form: "konfliktscreening", formVersion: 1, formFingerprint: String(repeating: "a", count: 64),
            answers: ["konfliktniveau": .string(level), "besoeg": .string("2mdr"), "note": .string("æøå \"x\"\n")],
            decision: decision(actions: actions, flagged: flagged), visitDate: visit, override: override))
    }

    /// The shipped form.
    static func form() throws -> Form {
        try FormLoader.loadForm(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("forms"))
    }
}
