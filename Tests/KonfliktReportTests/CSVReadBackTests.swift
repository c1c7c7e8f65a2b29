import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
@testable import KonfliktReport

/// Reads the CSV back with Python's standard csv module, as a spreadsheet user's tools would.
@Suite struct CSVReadBackTests {
    typealias F = ReportFixtures

    /// Runs python3 with `script` and `arguments`; returns standard output.
    func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    static let reader = """
        import csv, json, sys
        with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
            rows = list(csv.reader(f, delimiter=sys.argv[2]))
        print(json.dumps(rows, ensure_ascii=False))
        """

    func readBack(_ parameters: ExportParameters, in folder: URL) throws -> [[String]] {
        let file = folder.appendingPathComponent("eksport.csv")
        try ExportRunner.write(try ExportRunner.build(parameters).data, to: file)
        let result = try python(Self.reader, [file.path, String(parameters.delimiter)])
        #expect(result.status == 0, "\(result.error)")
        return try JSONDecoder().decode([[String]].self, from: Data(result.output.utf8))
    }

    @Test func pythonReadsOneValuePerCellWithDanishLettersIntact() throws {
        let folder = try F.TemporaryFolder()
        let data = try GoldenTests.makeData(in: folder.url)
        let form = try F.form()
        for delimiter: Character in [";", ",", "\t"] {
            let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: form, delimiter: delimiter, now: GoldenTests.created)
            let rows = try readBack(parameters, in: folder.url)
            let blank = try #require(rows.firstIndex(of: []))
            let metadata = rows[..<blank]
            #expect(metadata.allSatisfy { $0.count == 2 })
            #expect(metadata.first == ["Eksport", "Konfliktscreening, anonyme tal"])
            #expect(metadata.contains(["Periodeinddeling", "kvartal"]))
            #expect(metadata.contains(["Oprettet", "2026-04-01T10:00:00Z"]))
            let header = rows[blank + 1]
            let end = try #require(rows[(blank + 1)...].firstIndex(of: []))
            let table = rows[(blank + 2)..<end]
            let legend = rows[(end + 1)...]
            let layout = ReportLayout(form: form)
            #expect(header == ["Periode", "Besøg"] + layout.columns.map(\.header))
            #expect(header[3] == "Screening gennemført: Ja")
            #expect(header.contains("Forældre informeret: Ja"))
            #expect(header.contains("Interesse for gruppeforløb: Ja, begge forældre"))
            #expect(header.contains("Anbefalet: Underretning"))
            #expect(header.contains("Endelig: Underretning"))
            #expect(header.contains("Gruppeforløb: afvist"))
            #expect(table.count == 9)
            for row in table {
                #expect(row.count == header.count)
                for cell in row.dropFirst(2) { #expect(cell == "<5" || cell == "x" || cell == ".." || Int(cell) != nil, "\(cell)") }
            }
            #expect(table.map { $0[0] } == ["2026K1", "2026K1", "2026K1", "2026K2", "2026K2", "2026K2", "alle", "alle", "alle"])
            #expect(table.map { $0[1] } == ["2mdr", "8mdr", "i alt", "2mdr", "8mdr", "i alt", "2mdr", "8mdr", "i alt"])
            #expect(Array(table[table.startIndex + 2].prefix(2)) == ["2026K1", "i alt"])
            // The legend gives the full question text behind each short label.
            #expect(legend.first == ["Forklaring", ""])
            #expect(legend.contains(["Interesse for gruppeforløb", "Er I interesserede i et gruppeforløb om konflikthåndtering (\"Sammen uden vold\")?"]))
            #expect(legend.allSatisfy { $0.count == 2 })
        }
    }
}
