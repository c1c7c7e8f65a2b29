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
        let today = try resolvedToday(environment)
        let config = ConfigDirectory.resolve(environment: environment)
        let directory = DataDirectory.resolve(option: data, environment: environment)
        var loaded: Form?
        try reportingErrors {
            loaded = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
            // Before any question: a screening that cannot be saved (or a draft that cannot be kept) must
            // not be started (issue 15, defect 5).
            try FolderCheck.requireWritable(directory.path, kind: .data)
            if !plain {
                let state = StateDirectory.resolve(environment: environment)
                try FolderCheck.requireWritable(state.path, kind: .state)
                try FolderCheck.requireWritable(state.file("drafts"), kind: .state)
            }
        }
        guard let form = loaded else { throw ExitCode(ExitStatus.dataError) }
        let save: (ScreeningSubmission, String) throws -> Void = { submission, author in
            let writer = try LogWriter.forDevice(directory: directory, config: config)
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
            // Drafts are the device's own: its state folder, sealed with its key; never the data folder.
            let state = StateDirectory.resolve(environment: environment)
            let drafts = DraftStore(stateDirectory: URL(fileURLWithPath: state.path),
                                    cipher: try DeviceKey.load(config: config).draftCipher)
            let adopted = drafts.adoptLegacyDrafts(dataDirectory: URL(fileURLWithPath: directory.path),
                                                   initials: Settings.load(config: config).initials,
                                                   authorQuestion: form.field(role: .author)?.id)
            let terminal = try NCursesTerminal(environment: environment)
            defer { terminal.close() }
            try confirmTeamKey(directory: directory, config: config, on: terminal)
            var screening = ScreeningEnvironment(
                form: form, drafts: drafts, today: today,
                initials: { Settings.load(config: config).initials.flatMap(Initials.normalized) },
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
                earlierVisit: { answers in EarlierVisits.warnings(form: form, directory: directory, answers: answers) })
            if adopted > 0 {
                screening.startNotice = "\(adopted) ufærdig(e) screening(er) er flyttet fra den delte datamappe til denne computer."
            }
            ScreeningApp(environment: screening).run(on: terminal)
        }
    }

    /// Before anything is recorded into a folder whose team key this device has not trusted: show the
    /// fingerprint and let her confirm it (then it is pinned), or warn that the key has changed.
    private func confirmTeamKey(directory: DataDirectory, config: ConfigDirectory, on terminal: any Terminal) throws {
        let device = try? KeyFingerprint.short(DeviceKey.load(config: config).fingerprint)
        switch try TeamTrust.state(directory: directory, config: config) {
        case .untrusted(let team):
            let prompt = TeamKeyPrompt(kind: .untrusted(fingerprint: team.fingerprint,
                                                        short: KeyFingerprint.short(team.fingerprint)), device: device)
            if prompt.run(on: terminal) {
                try TeamTrust.trust(fingerprint: team.fingerprint, directory: directory, config: config)
            }
        case .changed(let trusted, let found):
            // After the lead's `team rotate`: she may confirm the new fingerprint here.
            if TeamKeyPrompt(kind: .changed(trusted: KeyFingerprint.short(trusted),
                                            found: KeyFingerprint.short(found.fingerprint)), device: device).run(on: terminal) {
                try TeamTrust.trust(fingerprint: found.fingerprint, directory: directory, config: config)
            }
        case .noTeamKey, .trusted, .gone:
            break
        }
    }

    private func runPlain(form: Form, today: LocalDate, config: ConfigDirectory, directory: DataDirectory,
                          save: @escaping (ScreeningSubmission, String) throws -> Void) throws {
        let initials = Settings.load(config: config).initials.flatMap(Initials.normalized)
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
            let initials = Settings.load(config: config).initials.flatMap(Initials.normalized) ?? "?"
            ReviewScreen.open(environment: ReviewWiring.environment(
                form: form, directory: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment),
                config: config, today: today, author: initials, keys: { try ScreenKeys.lead(directory: directory, config: config) }),
                on: terminal)
        }
    }
}

/// The start menu's export: the chosen period and format, written into the current folder under a
/// name that says only the grouping and the day (never overwriting an earlier file), with the audit
/// event in the user's own device file.
enum ExportLauncher {
    static func run(_ request: ExportRequest, form: Form, directory: DataDirectory, config: ConfigDirectory) throws -> String {
        let settings = Settings.load(config: config)
        var parameters = ExportParameters(
            data: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment), form: form,
            options: ReportOptions(granularity: PeriodGranularity(rawValue: request.period) ?? .quarter,
                                   from: request.from, to: request.to, totalsOnly: request.totalsOnly),
            format: ExportFormat(rawValue: request.format) ?? .csv,
            owner: ReportOwner(municipality: settings.municipality, team: settings.team))
        try parameters.validate()
        parameters.keys = try ScreenKeys.lead(directory: directory, config: config)
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let name = ExportRunner.suggestedFileName(for: parameters)
        var url = folder.appendingPathComponent(name)
        var number = 2
        while FileManager.default.fileExists(atPath: url.path) {
            let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            url = folder.appendingPathComponent("\(base)-\(number).\(ext)")
            number += 1
        }
        let writer = try LogWriter.forDevice(directory: directory, config: config)
        let author = Settings.load(config: config).initials.flatMap(Initials.normalized) ?? "?"
        // The reader's warnings (unreadable lines, orphans, files gone or rewritten) go on the screen,
        // one per line after the path, never dropped.
        var warnings: [String] = []
        let path = try ExportRunner.run(parameters, to: url, writer: writer, author: author) { warnings.append($0) }.path
        return ([path] + warnings).joined(separator: "\n")
    }
}

/// The team key for the start menu's review and export. The passphrase cannot be typed while the screen
/// is drawn, so here it comes only from `KONFLIKT_PASSPHRASE_FILE`; otherwise the Danish message says to
/// use `konflikt review` or `konflikt export`, which ask for it before they start.
enum ScreenKeys {
    static func lead(directory: DataDirectory, config: ConfigDirectory) throws -> BodyKeys? {
        guard try TeamFile.load(directory: directory) != nil else { return nil }
        let environment = ProcessInfo.processInfo.environment
        guard let file = environment["KONFLIKT_PASSPHRASE_FILE"], !file.isEmpty else {
            throw KeyError.passphraseUnavailable(
                reason: "gennemgang og eksport fra menuen kræver teamnøglen; brug konflikt review eller konflikt export")
        }
        return try KeyRing.lead(keyFile: nil, config: config, environment: environment, directory: directory)
    }
}
