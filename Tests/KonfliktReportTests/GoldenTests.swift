import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
@testable import KonfliktReport

/// A fixed data directory → CSV and JSON that match the committed files in Golden/ byte for byte.
/// Run with `KONFLIKT_UPDATE_GOLDEN=1` to rewrite them after a deliberate change (then review the diff).
@Suite struct GoldenTests {
    typealias F = ReportFixtures
    static let created = Date(timeIntervalSince1970: 1_775_037_600) // 2026-04-01T10:00:00Z

    /// Writes the fixed data set with LogWriter (fixed ids and clock) into `folder`/data.
    static func makeData(in folder: URL) throws -> DataDirectory {
        let form = try F.form()
        let data = DataDirectory(path: folder.appendingPathComponent("data").path)
        let fixedFingerprint = String(repeating: "f", count: 64)
        var n = 0
        func append(_ body: EventBody, device: String = "golden-a", day: Int, author: String = "AB") throws {
            n += 1
            var body = body
            switch body {
            case .screening(var s):
                s.formFingerprint = fixedFingerprint
                s.decision.formFingerprint = fixedFingerprint
                body = .screening(s)
            case .correction(var c):
                c.decision.formFingerprint = fixedFingerprint
                body = .correction(c)
            default: break
            }
            let when = F.date(day: day, seconds: 36_000 + n)
            try LogWriter(directory: data, device: device, now: { when }).append(body, author: author, id: F.id(n))
        }
        let d = { (text: String) in LocalDate(iso: text)! }
        // 2026K1, 2mdr: 12 low, 6 medium, 3 high with interest from both (group course), 1 won't answer.
        for i in 0..<12 { try append(F.screening(form, F.answers(date: d("2026-01-\(String(format: "%02d", 5 + i))"))), day: 5 + i) }
        for i in 0..<6 {
            try append(F.screening(form, F.answers(date: d("2026-02-0\(1 + i)"), level: "middel", violence: "nej")),
                       device: "golden-b", day: 31 + i, author: "CD")
        }
        for i in 0..<3 {
            try append(F.screening(form, F.answers(date: d("2026-03-0\(2 + i)"), level: "hoejt", violence: "nej",
                                                   interest: "begge", consent: true)), day: 60 + i)
        }
        try append(F.screening(form, F.answers(date: d("2026-03-20"), level: "vil_ikke_svare", violence: "ved_ikke")), day: 79)
        // 2026K1, 8mdr: 9 low, 2 medium with violence (report), 1 not informed.
        for i in 0..<9 { try append(F.screening(form, F.answers(visit: "8mdr", date: d("2026-02-1\(i)"))), device: "golden-b", day: 41 + i) }
        for i in 0..<2 {
            try append(F.screening(form, F.answers(visit: "8mdr", date: d("2026-03-1\(i)"), level: "middel", violence: "ja")),
                       day: 69 + i)
        }
        try append(F.screening(form, F.answers(visit: "8mdr", date: d("2026-03-25"), informed: false)), day: 84)
        // 2026K2: 7 + 5, one override.
        for i in 0..<7 { try append(F.screening(form, F.answers(date: d("2026-04-0\(1 + i)"))), day: 91 + i) }
        for i in 0..<5 {
            try append(F.screening(form, F.answers(visit: "8mdr", date: d("2026-05-0\(1 + i)"), level: "hoejt", violence: "nej",
                                                   interest: "nej")),
                       day: 121 + i, author: "EF")
        }
        try append(F.screening(form, F.answers(date: d("2026-06-01")), override: Override(actions: ["opfoelgning"], reason: "Mor virkede presset")),
                   day: 152)
        // A correction moves screening 1 (K1 low) to K2 high with violence; one on screening 2 stays in K1.
        try append(F.correction(form, of: F.id(1), F.answers(date: d("2026-04-15"), level: "hoejt", violence: "ja", interest: "begge", consent: true)),
                   day: 106)
        try append(F.correction(form, of: F.id(2), F.answers(date: d("2026-01-06"), level: "middel", violence: "nej")), day: 100)
        // Follow-ups: two reports sent (udfoert), one course enrolment, one declined.
        try append(F.followup(of: F.id(20), action: "underretning", status: "udfoert", date: d("2026-03-11")), day: 70)
        try append(F.followup(of: F.id(31), action: "underretning", status: "udfoert", date: d("2026-03-11")), day: 70)
        try append(F.followup(of: F.id(19), action: "gruppeforloeb", status: "udfoert", date: d("2026-03-20")), day: 79)
        try append(F.followup(of: F.id(20), action: "gruppeforloeb", status: "afvist", date: d("2026-03-21")), day: 80)
        // The course's path (issue 13): contact given, then started; the course stays open. Screening 19's
        // `udfoert` above is an old record on the course: it still closes it and counts as tilmeldt/henvist.
        try append(F.followup(of: F.id(21), action: "gruppeforloeb", status: "kontakt_givet", date: d("2026-03-12")), day: 71)
        try append(F.followup(of: F.id(21), action: "gruppeforloeb", status: "startet", date: d("2026-03-26")), day: 85)
        return data
    }

    func check(_ data: Data, against name: String) throws {
        let url = F.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["KONFLIKT_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: F.goldenDirectory, withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let golden = try Data(contentsOf: url)
        #expect(data == golden, "\(name) differs from the golden file; run with KONFLIKT_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test func csvAndJSONMatchTheGoldenFiles() throws {
        let folder = try F.TemporaryFolder()
        let data = try Self.makeData(in: folder.url)
        let form = try F.form()
        var parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, now: Self.created)
        let csv = try ExportRunner.build(parameters)
        // The rows where zeros and marks alone would pin a cell are withheld: nothing to warn about.
        #expect(!csv.warnings.contains { $0.contains("kan måske indsnævres") })
        try check(csv.data, against: "quarter.csv")
        parameters.format = .json
        try check(try ExportRunner.build(parameters).data, against: "quarter.json")
        parameters.format = .html
        parameters.owner = ReportOwner(municipality: "Hvidovre Kommune", team: "Sundhedsplejen <Øst> & \"Vest\"")
        try check(try ExportRunner.build(parameters).data, against: "quarter.html")
        parameters.owner = ReportOwner()
        parameters.format = .csv
        parameters.options = ReportOptions(granularity: .halfyear, totalsOnly: true)
        try check(try ExportRunner.build(parameters).data, against: "halfyear-totals.csv")
        parameters.options = ReportOptions(granularity: .month, from: LocalDate(iso: "2026-02-01"), to: LocalDate(iso: "2026-04-30"))
        parameters.minCell = 3
        try check(try ExportRunner.build(parameters).data, against: "month-min3.csv")
    }

    @Test func goldenCSVHasTheDanishExcelShape() throws {
        let bytes = try Data(contentsOf: F.goldenDirectory.appendingPathComponent("quarter.csv"))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("Periode;Besøg;Screeninger;Screening gennemført: Ja;Screening gennemført: Nej;"))
        #expect(text.contains(";Forældre informeret: Ja;Forældre informeret: Nej;"))
        // `<5` only for a true 1-4, `x` only for 5 or more, zeros shown.
        #expect(text.contains("\r\nalle;i alt;"))
        // A legend text with quotes is quoted per RFC 4180.
        #expect(text.contains(#"Interesse for gruppeforløb;"Er I interesserede i et gruppeforløb om konflikthåndtering (""Sammen uden vold"")?""#))
    }

    @Test func runWritesAPrivateFileAndRecordsTheExport() throws {
        let folder = try F.TemporaryFolder()
        let data = try Self.makeData(in: folder.url)
        let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: try F.form(), now: Self.created)
        let out = folder.url.appendingPathComponent("eksport.csv")
        let writer = LogWriter(directory: data, device: "kontor", now: { Self.created })
        try ExportRunner.run(parameters, to: out, writer: writer, author: "PK")
        let attributes = try FileManager.default.attributesOfItem(atPath: out.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try Data(contentsOf: out) == Data(contentsOf: F.goldenDirectory.appendingPathComponent("quarter.csv")))
        var exports: [LogEvent] = []
        try LogReader.forEachEvent(in: data) { if case .export = $0.event.body { exports.append($0.event) } }
        #expect(exports.count == 1)
        guard case .export(let body)? = exports.first?.body else { return }
        #expect(exports.first?.author == "PK")
        #expect(body.parameters["per"] == "quarter" && body.parameters["format"] == "csv" && body.parameters["min-cell"] == "5")
        #expect(body.parameters["fingerprint"]?.count == 64)
        #expect(body.parameters.keys.sorted() == ["fingerprint", "form", "format", "min-cell", "per"])
        #expect(try LogVerifier.verify(directory: data).intact)
        // The export event changes the fingerprint, so the next export says it covers newer data.
        let again = try ExportRunner.build(parameters)
        #expect(again.document.table.table.dataFingerprint != body.parameters["fingerprint"])
        #expect(again.document.table.table.screeningsCounted == 47)
    }

    @Test func aFailedWriteLeavesNothingAndRecordsNothing() throws {
        let folder = try F.TemporaryFolder()
        let data = try Self.makeData(in: folder.url)
        let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: try F.form(), now: Self.created)
        let out = folder.url.appendingPathComponent("mangler/eksport.csv")
        let writer = LogWriter(directory: data, device: "kontor")
        #expect(throws: ExportError.self) { try ExportRunner.run(parameters, to: out, writer: writer, author: "PK") }
        var exports = 0
        try LogReader.forEachEvent(in: data) { if case .export = $0.event.body { exports += 1 } }
        #expect(exports == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("mangler").path))
    }

    @Test func invalidParametersAreRejectedInDanish() throws {
        let folder = try F.TemporaryFolder()
        let form = try F.form()
        let data = DataDirectory(path: folder.url.path)
        for bad in [ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, minCell: 1),
                    ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, delimiter: "\""),
                    ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, delimiter: "a"),
                    ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, options: ReportOptions(from: LocalDate(iso: "2026-05-01"),
                                                                                     to: LocalDate(iso: "2026-04-01")))] {
            #expect(throws: ExportError.self) { try bad.validate() }
            do { try bad.validate() } catch { #expect(error.exitCode == 64) }
        }
        #expect(throws: Never.self) { try ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, delimiter: "\t").validate() }
    }
}
