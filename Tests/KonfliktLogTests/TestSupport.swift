import Foundation
import KonfliktCore
@testable import KonfliktLog

/// A temporary data directory that removes itself.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }
    var data: DataDirectory { DataDirectory(path: url.appendingPathComponent("data").path) }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-log-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

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

    /// Writes `count` events into the device file and returns the file's path.
    @discardableResult
    static func log(in data: DataDirectory, device: String = "dev1", count: Int) throws -> String {
        let writer = LogWriter(directory: data, device: device)
        for index in 0..<count {
            try writer.append(screening(level: index % 2 == 0 ? "lavt" : "hoejt"), author: "AB")
        }
        return data.file("\(device).jsonl")
    }

    static func lines(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    static func write(lines: [Data], to path: String) throws {
        var out = Data()
        for line in lines { out.append(line); out.append(0x0A) }
        try out.write(to: URL(fileURLWithPath: path))
    }
}
