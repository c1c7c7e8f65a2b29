import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog
import KonfliktReport

/// `konflikt export`: anonymous figures per period and visit for the project reporting, with small
/// cells hidden; every export is recorded as an `export` event in the log.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Eksportér anonyme tal pr. periode og besøg (CSV til Excel, JSON eller en HTML-rapport).",
        discussion: """
            Tal fra 1 til --min-cell minus 1 vises som <N; x er et tal, der er skjult for at beskytte et \
            lille tal. Eksporten indeholder kun perioder og antal — aldrig CPR-numre, datoer, noter eller \
            initialer. Kommune og team i overskriften kommer fra indstillingerne (settings.json: \
            "municipality" og "team"). Hver eksport registreres i loggen.
            """)

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .customLong("key-file"), help: "Teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Formularens id (standard: konfliktscreening).")
    var form: String?

    @Option(name: .long, help: "Første besøgsdato, der tælles med (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")
    var from: String?

    @Option(name: .long, help: "Sidste besøgsdato, der tælles med (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")
    var to: String?

    @Option(name: .long, help: "Periodeinddeling: month, quarter, halfyear eller year (måned, kvartal, halvår, år).")
    var per: String = "quarter"

    @Flag(name: .customLong("totals-only"), help: "Kun i alt-rækkerne (ingen rækker pr. besøg); færre skjulte tal.")
    var totalsOnly = false

    @Option(name: .long, help: "csv, json eller html.")
    var format: String = "csv"

    @Option(name: .customLong("min-cell"), help: "Mindste tal, der vises (tal fra 1 til N-1 skjules).")
    var minCell: String = "5"

    @Option(name: .long, help: "Skilletegn i CSV (standard ;). 'tab' giver tabulator.")
    var delimiter: String = ";"

    @Option(name: .long, help: "Filen, der skrives (udelades: standard output).")
    var out: String?

    @Option(name: .long, help: "Dine initialer.")
    var author: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let granularity = PeriodGranularity(argument: per) else {
            throw usage("--per skal være month, quarter, halfyear eller year (måned, kvartal, halvår eller år), ikke \"\(per)\".")
        }
        guard let exportFormat = ExportFormat(rawValue: format.lowercased()) else {
            throw usage("--format skal være csv, json eller html, ikke \"\(format)\".")
        }
        guard let threshold = Int(minCell) else {
            throw usage("--min-cell skal være et helt tal, ikke \"\(minCell)\".")
        }
        let separator: Character
        switch delimiter {
        case "tab", "\\t", "\t": separator = "\t"
        default:
            guard delimiter.count == 1, let first = delimiter.first else {
                throw usage("--delimiter skal være ét tegn, fx ; eller ,.")
            }
            separator = first
        }
        let fromDate = try date(from, option: "--from")
        let toDate = try date(to, option: "--to")
        let now: Date
        if let fixed = environment["KONFLIKT_NOW"], !fixed.isEmpty {
            guard let parsed = ISO8601DateFormatter().date(from: fixed) else {
                throw usage("KONFLIKT_NOW skal være et tidspunkt som 2026-04-01T10:00:00Z.")
            }
            now = parsed
        } else {
            now = Date()
        }
        let formsDirectory = FormLocator.resolve(option: forms, environment: environment)
        var loaded: Form?
        try reportingErrors { loaded = try FormLoader.loadForm(id: form, directory: formsDirectory) }
        guard let loadedForm = loaded else { throw ExitCode(ExitStatus.dataError) }
        let settings = Settings.load(config: ConfigDirectory.resolve(environment: environment))
        var parameters = ExportParameters(
            data: DataDirectory.resolve(option: data, environment: environment),
            state: StateDirectory.resolve(environment: environment), form: loadedForm,
            options: ReportOptions(granularity: granularity, from: fromDate, to: toDate, totalsOnly: totalsOnly),
            format: exportFormat, minCell: threshold, delimiter: separator, now: now,
            owner: ReportOwner(municipality: settings.municipality, team: settings.team))
        try reportingErrors { try parameters.validate() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parameters.data.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("Datamappen \(parameters.data.path) findes ikke.")
            throw ExitCode(ExitStatus.ioError)
        }
        parameters.keys = try CaseReading.keys(directory: parameters.data, keyFile: keyFile)
        if let out {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                throw usage("--out skal være en fil, ikke mappen \(out).")
            }
        }
        let context = try LogContext(dataOption: parameters.data.path, authorOption: author)
        let skipped = warnAboutDataFolder(parameters.data)
        try reportingErrors {
            if let out {
                let url = URL(fileURLWithPath: out)
                try ExportRunner.run(parameters, to: url, writer: context.writer, author: context.author,
                                     warn: printError)
                printError("Eksporten er skrevet til \(url.path).")
            } else {
                let result = try ExportRunner.build(parameters)
                for warning in result.warnings { printError(warning) }
                do throws(LogError) {
                    let audit = try context.append(.export(result.audit))
                    _ = try context.append(.access(AccessBody(kind: .export, export: audit.id)))
                } catch {
                    throw ExportError.auditFailed(error)
                }
                FileHandle.standardOutput.write(result.data)
            }
        }
        if skipped { throw ExitCode(ExitStatus.problemsFound) }
    }

    private func date(_ text: String?, option: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let parsed = LocalDate(iso: text) ?? LocalDate(danish: text) else {
            throw usage("\(option) \"\(text)\" er ikke en gyldig dato; brug ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ.")
        }
        return parsed
    }

    private func usage(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(ExitStatus.usage)
    }
}
