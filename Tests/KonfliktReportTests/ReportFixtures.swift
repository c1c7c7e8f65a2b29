import Foundation
import Testing
import KonfliktCases
import KonfliktCore
@testable import KonfliktLog
@testable import KonfliktReport

/// A small deterministic random generator (SplitMix64), so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum ReportFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let formsDirectory = packageRoot.appendingPathComponent("forms")
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func form() throws -> Form { try FormLoader.loadForm(directory: formsDirectory) }

    /// A fixed id from a number.
    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n)) ?? UUID()
    }

    /// A timestamp `day` days and `seconds` seconds after 2026-01-01T00:00:00Z, as the log writes it.
    static func timestamp(day: Int, seconds: Int = 36_000) -> String {
        Timestamp.format(date(day: day, seconds: seconds))
    }

    static func date(day: Int, seconds: Int = 36_000) -> Date {
        Date(timeIntervalSince1970: Double(LocalDate(year: 2026, month: 1, day: 1)!.dayNumber + day) * 86_400 + Double(seconds))
    }

    /// Answers for the default form.
    static func answers(visit: String? = "2mdr", date: LocalDate?, level: String = "lavt", violence: String? = nil,
                        interest: String? = nil, consent: Bool? = nil, informed: Bool = true,
                        note: String = "Mor fortalte om skænderier", cpr: String = "150926-4123") -> Answers {
        var answers: Answers = [
            "barn_cpr": .string(cpr), "sundhedsplejerske": .string("AB"), "deltagere": .strings(["mor", "far"]),
            "informeret": .bool(informed), "konfliktniveau": .string(level),
            "bekymring_trivsel": .string("nej"), "barn_udsat": .string("nej"), "note": .string(note),
        ]
        if let visit { answers["besoeg"] = .string(visit) }
        if let date { answers["besoegsdato"] = .string(date.iso) }
        if let violence {
            // Version 2 asks about violence only when alone with the parent.
            answers["alene_med_foraelder"] = .bool(true)
            answers["vold_mellem_foraeldre"] = .string(violence)
            if violence == "ja" { answers["fare_ved_orientering"] = .bool(false) }
        }
        if let interest { answers["interesse_gruppeforloeb"] = .string(interest) }
        if let consent { answers["samtykke_kontakt"] = .bool(consent) }
        return answers
    }

    static func screening(_ form: Form, _ answers: Answers, override: Override? = nil) -> EventBody {
        let decision = form.decide(answers, today: LocalDate(year: 2030, month: 1, day: 1)!)
        var visit: LocalDate?
        if case .string(let text)? = answers["besoegsdato"] { visit = LocalDate(iso: text) }
        return .screening(ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                        answers: answers, decision: decision, visitDate: visit, override: override))
    }

    static func correction(_ form: Form, of screening: UUID, _ answers: Answers, override: Override? = nil,
                           reason: String = "Forkert tastet") -> EventBody {
        let decision = form.decide(answers, today: LocalDate(year: 2030, month: 1, day: 1)!)
        var visit: LocalDate?
        if case .string(let text)? = answers["besoegsdato"] { visit = LocalDate(iso: text) }
        return .correction(CorrectionBody(screening: screening, answers: answers, decision: decision, visitDate: visit,
                                          override: override, reason: reason))
    }

    static func followup(of screening: UUID, action: String, status: String, date: LocalDate,
                         note: String = "Sendt til rådgiveren") -> EventBody {
        .followup(FollowupBody(screening: screening, action: action, status: status, date: date, note: note))
    }

    /// An event as the reader would return it (hashes are placeholders).
    static func event(_ id: UUID, _ timestamp: String, _ body: EventBody, author: String = "AB",
                      hash: String = String(repeating: "0", count: 64)) -> LogEvent {
        LogEvent(version: 1, seq: 1, id: id, timestamp: timestamp, author: author, device: "dev1",
                 prev: String(repeating: "0", count: 64), hash: hash, body: body)
    }

    /// Writes `events` as a hash-chained log file in a fresh data folder, opens the case index on it
    /// (from scratch, and once more from the saved index, which must agree) and returns the counts.
    static func table(_ form: Form, _ events: [LogEvent], options: ReportOptions = ReportOptions()) -> ReportTable {
        do {
            let folder = try TemporaryFolder()
            let data = DataDirectory(path: folder.url.appendingPathComponent("data").path)
            let state = StateDirectory(path: folder.url.appendingPathComponent("state").path)
            try data.create()
            var bytes: [UInt8] = []
            var prev = String(repeating: "0", count: 64)
            for (number, event) in events.enumerated() {
                let made = try EventLine.make(prev: prev, seq: number + 1, id: event.id, timestamp: event.timestamp,
                                              device: event.device, author: event.author, body: event.body)
                bytes += made.line
                prev = made.hash
            }
            try Data(bytes).write(to: URL(fileURLWithPath: data.file("dev1.jsonl")))
            let layout = ReportLayout(form: form)
            let cold = try ReportAggregator.table(try CaseStore.open(directory: data, state: state, form: form),
                                              layout: layout, options: options)
            let warm = try ReportAggregator.table(try CaseStore.open(directory: data, state: state, form: form),
                                              layout: layout, options: options)
            // The export's reader: the tallies saved with the index instead of its records.
            let tallies = try ReportAggregator.table(try CaseStore.open(directory: data, state: state, form: form, scope: .tallies),
                                                     layout: layout, options: options)
            #expect(warm.rows == cold.rows && tallies.rows == cold.rows)
            #expect(warm.orphans == cold.orphans && warm.dataFingerprint == cold.dataFingerprint)
            #expect(tallies.orphans == cold.orphans && tallies.dataFingerprint == cold.dataFingerprint)
            #expect(tallies.otherFormScreenings == cold.otherFormScreenings && tallies.formVersions == cold.formVersions)
            return cold
        } catch {
            Issue.record("could not build the table: \(error)")
            return ReportTable(layout: ReportLayout(form: form), options: options, rows: [], formVersions: [],
                               dataFingerprint: "", screeningsCounted: 0, otherFormScreenings: 0, orphans: 0)
        }
    }

    /// The count in `table` for `period`, `visit` and column `id`.
    static func value(_ table: ReportTable, _ period: String, _ visit: String, _ column: String) -> Int? {
        guard let c = table.layout.columns.firstIndex(where: { $0.id == column }),
              let row = table.rows.first(where: { $0.period == period && $0.visit == visit }) else { return nil }
        return row.values[c]
    }

    /// A temporary folder that removes itself.
    final class TemporaryFolder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-report-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }
}
