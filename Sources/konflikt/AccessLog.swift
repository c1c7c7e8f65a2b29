import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt review --access-log [--json]`: every `access` event in the data folder — who opened which
/// case, revealed which child's number, made which export or printed which insight, and when.
enum AccessLog {
    /// One access as listed.
    struct Entry: Encodable {
        var time: String
        var author: String
        var device: String
        var kind: String
        var cases: [String]
        var export: String?
    }

    /// The Danish word for each kind.
    static func label(_ kind: AccessBody.Kind) -> String {
        switch kind {
        case .details: return "åbnede sagen"
        case .cpr: return "viste CPR-nummeret"
        case .export: return "eksport"
        case .insight: return "indsigt (alt om barnet)"
        }
    }

    static func print(directory: DataDirectory, keyFile: String?, json: Bool) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("Datamappen \(directory.path) findes ikke.")
            throw ExitCode(ExitStatus.ioError)
        }
        let keys = try CaseReading.keys(directory: directory, keyFile: keyFile)
        var entries: [Entry] = []
        var problems: [LogError] = []
        try reportingErrors {
            problems = try LogReader.forEachEvent(in: directory, keys: keys) { located in
                guard case .access(let body) = located.event.body else { return }
                let event = located.event
                entries.append(Entry(time: event.timestamp, author: Initials.isValid(event.author) ? event.author : maskCPR(event.author),
                                     device: event.device, kind: body.kind.rawValue, cases: body.cases, export: body.export))
            }
        }
        entries.sort { ($0.time, $0.device) < ($1.time, $1.device) }
        // Lines this reader cannot open are not accesses it can list; say how many.
        let unreadable = problems.filter { if case .erasedBody = $0 { return false } else { return true } }.count
        if unreadable > 0 {
            printError("\(unreadable) linje(r) i loggen kunne ikke læses og er ikke med; kør konflikt verify.")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        guard !entries.isEmpty else {
            Swift.print("Ingen adgange er registreret.")
            return
        }
        var lines = ["tidspunkt (UTC)           hvem  enhed             hvad                       sag/eksport"]
        for entry in entries {
            let what = AccessBody.Kind(rawValue: entry.kind).map(label) ?? entry.kind
            let target = entry.export.map { "eksport \($0)" } ?? entry.cases.joined(separator: ", ")
            lines.append("\(entry.time.padding(toLength: 25, withPad: " ", startingAt: 0)) \(entry.author.padding(toLength: 5, withPad: " ", startingAt: 0)) \(entry.device.padding(toLength: 17, withPad: " ", startingAt: 0)) \(what.padding(toLength: 26, withPad: " ", startingAt: 0)) \(target)")
        }
        Swift.print(lines.joined(separator: "\n"))
    }
}
