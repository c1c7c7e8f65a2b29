import ArgumentParser
import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog
import KonfliktReport
import KonfliktTUI

/// `konflikt screen` (and `konflikt` alone): the guided screening form in the terminal, or
/// `--plain` line by line without curses.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Åbn screeningen (startmenu, ny screening, genoptag, gennemgang).")

    @Flag(name: .long, help: "Spørgsmål linje for linje uden skærmbillede (til skærmlæsere og scripts).")
    var plain = false

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let today = Today.resolve(environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        let directory = DataDirectory.resolve(option: data, environment: environment)
        var loaded: Form?
        try reportingErrors {
            loaded = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
            try directory.create()
        }
        guard let form = loaded else { throw ExitCode(ExitStatus.dataError) }
        let save: (ScreeningSubmission, String) throws -> Void = { submission, author in
            let device = try DeviceIdentity.load(config: config)
            let writer = LogWriter(directory: directory, device: device)
            let override = submission.overrideActions.map { Override(actions: $0, reason: submission.overrideReason ?? "") }
            let body = ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                     answers: submission.answers, decision: submission.decision,
                                     visitDate: form.visitDate(in: submission.answers), override: override)
            _ = try writer.append(.screening(body), author: author)
        }
        if plain {
            try runPlain(form: form, today: today, config: config, directory: directory, save: save)
            return
        }
        try reportingErrors {
            let terminal = try NCursesTerminal(environment: environment)
            defer { terminal.close() }
            let app = ScreeningApp(environment: ScreeningEnvironment(
                form: form, drafts: DraftStore(dataDirectory: URL(fileURLWithPath: directory.path)), today: today,
                initials: { Settings.load(config: config).initials },
                saveInitials: { initials in
                    var settings = Settings.load(config: config)
                    settings.initials = initials
                    try settings.save(config: config)
                },
                save: save,
                review: ReviewLauncher.make(form: form, directory: directory, config: config, today: today),
                export: { request in
                    try ExportLauncher.run(request, form: form, directory: directory, config: config)
                },
                earlierVisit: { answers in EarlierVisits.warnings(form: form, directory: directory, answers: answers) }))
            app.run(on: terminal)
        }
    }

    private func runPlain(form: Form, today: LocalDate, config: ConfigDirectory, directory: DataDirectory,
                          save: @escaping (ScreeningSubmission, String) throws -> Void) throws {
        let initials = Settings.load(config: config).initials
        let model = FormScreeningModel(form: form, initials: initials, today: today, earlierVisit: { answers in
            EarlierVisits.warnings(form: form, directory: directory, answers: answers)
        })
        let screening = PlainScreening(model: model, today: today, readLine: { Swift.readLine() },
                                       write: { text in
                                           FileHandle.standardOutput.write(Data(text.utf8))
                                       })
        try reportingErrors {
            let saved = try screening.run { submission in
                var author = initials.flatMap(Initials.normalized)
                if author == nil { author = form.text(role: .author, in: submission.answers).flatMap(Initials.normalized) }
                try save(submission, author ?? "?")
            }
            if saved == nil { throw ExitCode(ExitStatus.problemsFound) }
        }
    }
}

/// Builds the review hook for the start menu: the lead's review with the user's saved initials.
enum ReviewLauncher {
    static func make(form: Form, directory: DataDirectory, config: ConfigDirectory,
                     today: LocalDate) -> ((any Terminal) -> Void)? {
        { terminal in
            let initials = Settings.load(config: config).initials ?? "?"
            ReviewScreen.open(environment: ReviewWiring.environment(
                form: form, directory: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment),
                config: config, today: today, author: initials), on: terminal)
        }
    }
}

/// The start menu's export: the chosen period and format, written into the current folder under a
/// name that says only the grouping and the day (never overwriting an earlier file), with the audit
/// event in the user's own device file.
enum ExportLauncher {
    static func run(_ request: ExportRequest, form: Form, directory: DataDirectory, config: ConfigDirectory) throws -> String {
        let settings = Settings.load(config: config)
        let parameters = ExportParameters(
            data: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment), form: form,
            options: ReportOptions(granularity: PeriodGranularity(rawValue: request.period) ?? .quarter,
                                   from: request.from, to: request.to, totalsOnly: request.totalsOnly),
            format: ExportFormat(rawValue: request.format) ?? .csv,
            owner: ReportOwner(municipality: settings.municipality, team: settings.team))
        try parameters.validate()
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let name = ExportRunner.suggestedFileName(for: parameters)
        var url = folder.appendingPathComponent(name)
        var number = 2
        while FileManager.default.fileExists(atPath: url.path) {
            let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            url = folder.appendingPathComponent("\(base)-\(number).\(ext)")
            number += 1
        }
        let writer = LogWriter(directory: directory, device: try DeviceIdentity.load(config: config))
        let author = Settings.load(config: config).initials ?? "?"
        return try ExportRunner.run(parameters, to: url, writer: writer, author: author).path
    }
}
