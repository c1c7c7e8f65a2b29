import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// `konflikt insight < cpr.txt`: everything recorded about one child (GDPR art. 15, right of access),
/// for the lead to hand over: every screening with the answers in force, the recommendation, each
/// correction and each follow-up. The CPR number comes from standard input, never an argument, and
/// printing is itself recorded as an `access` event in the reader's own log file.
struct InsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Alt, der er registreret om et barn (indsigtsret), til den faglige leder. CPR-nummeret læses fra standard input.")

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .customLong("key-file"), help: "Teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Dine initialer (ellers dem, der er gemt i indstillingerne).")
    var author: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        if isatty(0) != 0 { FileHandle.standardError.write(Data("Barnets CPR-nummer: ".utf8)) }
        let input = String(decoding: try readInput(path: nil, limit: 64), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let cpr: CPRNumber
        switch CPRNumber.parse(input) {
        case .success(let parsed): cpr = parsed
        case .failure(let error):
            printError("Standard input er ikke et CPR-nummer: \(error.problem.danish)")
            throw ExitCode(ExitStatus.dataError)
        }
        let today = try resolvedToday(environment)
        let context = try LogContext(dataOption: data, authorOption: author)
        try reportingErrors {
            let form = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
            // The child's screenings found in the index file without reading every record.
            var store = try CaseReading.open(directory: context.directory, form: form, keyFile: keyFile, scope: .open)
            let ids = try store.records(cpr: cpr.normalized).map(\.id)
            var cases: [Case] = []
            for id in ids {
                if let found = try store.details(id, today: today) { cases.append(found) }
            }
            cases.sort { $0.timestamp < $1.timestamp }
            // Recorded before anything is shown: no access without its trace.
            let latest = cases.compactMap(\.visitDate).max()
            _ = try context.append(.access(AccessBody(kind: .insight, cases: cases.map(\.id))), visitDate: latest)
            FileHandle.standardOutput.write(Data(InsightPrintout.text(cases, cpr: cpr, form: form, today: today).utf8))
        }
    }
}
