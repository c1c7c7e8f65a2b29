import Foundation
import KonfliktCore
import KonfliktLog

/// A temporary folder with a data and a state folder inside, removed afterwards. Shared by the log's
/// and the read model's tests (one copy instead of one per test target).
public final class TemporaryDirectory {
    /// The folder.
    public let url: URL
    /// Its path.
    public var path: String { url.path }
    /// The data folder inside it (created on the first append).
    public var data: DataDirectory { DataDirectory(path: url.appendingPathComponent("data").path) }
    /// The state folder inside it.
    public var state: StateDirectory { StateDirectory(path: url.appendingPathComponent("state").path) }

    /// A new, empty temporary folder.
    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Bodies and logs for hand-made test data.
public enum Sample {
    /// A decision of the form `konfliktscreening` version 1.
    public static func decision(actions: [String] = ["ingen"], flagged: Bool = false) -> Decision {
        Decision(form: "konfliktscreening", formVersion: 1, formFingerprint: String(repeating: "a", count: 64),
                 actions: actions, flagged: flagged, rules: [], warnings: [])
    }

    /// A screening body with a few answers (a note with æøå, a quote and a line break).
    public static func screening(level: String = "lavt", actions: [String] = ["ingen"], flagged: Bool = false,
                                 visit: LocalDate? = LocalDate(year: 2026, month: 3, day: 2),
                                 override: Override? = nil) -> EventBody {
        .screening(ScreeningBody(
            form: "konfliktscreening", formVersion: 1, formFingerprint: String(repeating: "a", count: 64),
            answers: ["konfliktniveau": .string(level), "besoeg": .string("2mdr"), "note": .string("æøå \"x\"\n")],
            decision: decision(actions: actions, flagged: flagged), visitDate: visit, override: override))
    }

    /// Writes `count` events into the device file and returns the file's path.
    @discardableResult
    public static func log(in data: DataDirectory, device: String = "dev1", count: Int) throws -> String {
        let writer = LogWriter(directory: data, device: device)
        for index in 0..<count {
            try writer.append(screening(level: index % 2 == 0 ? "lavt" : "hoejt"), author: "AB")
        }
        return data.file("\(device).jsonl")
    }

    /// The lines of a file, without their newlines.
    public static func lines(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    /// Writes `lines`, each with a newline, to `path`.
    public static func write(lines: [Data], to path: String) throws {
        var out = Data()
        for line in lines { out.append(line); out.append(0x0A) }
        try out.write(to: URL(fileURLWithPath: path))
    }

    /// The shipped form.
    public static func form() throws -> Form {
        try FormLoader.loadForm(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("forms"))
    }
}
