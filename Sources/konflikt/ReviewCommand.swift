import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog
import KonfliktTUI

/// `konflikt review`: the team lead's list of flagged families across every device file, as a
/// terminal screen (detail, follow-up, correction) or with `--list` as text or JSON.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Faglig leders gennemgang af markerede familier (skærmbillede, eller --list som tekst/JSON).")

    @Flag(name: .long, help: "Skriv listen som tekst (eller JSON med --json) i stedet for at åbne skærmbilledet.")
    var list = false

    @Flag(name: .long, help: "Med --list eller --access-log: JSON.")
    var json = false

    @Flag(name: .customLong("access-log"), help: "Vis hvem der har set hvilke sager, afsløret CPR-numre og lavet eksporter.")
    var accessLog = false

    @Flag(name: .long, help: "Med --list: også lukkede sager (ellers kun åbne).")
    var all = false

    @Option(name: .long, help: "Med --list: kun sager med denne handling (fx underretning).")
    var action: String?

    @Option(name: .long, help: "Med --list: kun sager fra denne sundhedsplejerske (initialer).")
    var visitor: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Option(name: .customLong("key-file"), help: "Teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Dine initialer (ellers dem, der er gemt i indstillingerne).")
    var author: String?

    func validate() throws {
        if list, accessLog { throw ValidationError("--list og --access-log kan ikke bruges sammen.") }
        if accessLog, all || action != nil || visitor != nil {
            throw ValidationError("--all, --action og --visitor bruges sammen med --list, ikke --access-log.")
        }
        if !list, !accessLog, json || all || action != nil || visitor != nil {
            throw ValidationError("--json, --all, --action og --visitor bruges sammen med --list.")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let today = try resolvedToday(environment)
        let directory = DataDirectory.resolve(option: data, environment: environment)
        if accessLog {
            try AccessLog.print(directory: directory, keyFile: keyFile, json: json)
            return
        }
        var loaded: Form?
        try reportingErrors {
            loaded = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
        }
        guard let form = loaded else { throw ExitCode(ExitStatus.dataError) }
        if let action, form.action(id: action) == nil {
            printError("Formularen har ingen handling \"\(action)\"; den har: \(form.actions.map(\.id).joined(separator: ", ")).")
            throw ExitCode(ExitStatus.usage)
        }
        if list {
            try printList(form: form, directory: directory, today: today)
            return
        }
        let config = ConfigDirectory.resolve(environment: environment)
        let given = (author ?? Settings.load(config: config).initials)?.trimmingCharacters(in: .whitespaces)
        var author: String?
        if let given, !given.isEmpty {
            author = try validInitials(given, option: self.author != nil ? "--author" : "Initialerne")
        }
        // The passphrase is asked once, before the screen opens.
        let lead = try CaseReading.keysAndApprover(directory: directory, keyFile: keyFile)
        try reportingErrors {
            let terminal = try NCursesTerminal(environment: environment)
            defer { terminal.close() }
            if author == nil {
                // No saved initials (a new computer): ask on the screen, as the start menu does.
                author = InitialsPrompt(save: { initials in
                    var settings = Settings.load(config: config)
                    settings.initials = initials
                    try settings.save(config: config)
                }).ask(on: terminal)
            }
            guard let author else { return }
            let keys = KeysBox(value: lead?.keys)
            var review = ReviewWiring.environment(
                form: form, directory: directory, state: StateDirectory.resolve(environment: environment), config: config,
                today: today, author: author, keys: { keys.value })
            if let approver = lead?.approver {
                review.devices = (waiting: {
                    try approver.waiting(directory: directory).map {
                        WaitingDevice(fingerprint: $0.fingerprint, short: KeyFingerprint.short($0.fingerprint),
                                      devices: $0.devices.sorted(), events: $0.events)
                    }
                }, approve: {
                    try approver.approve(fingerprint: $0, directory: directory, now: Timestamp.format(Date()))
                    // The next reading trusts the new list: the index is rebuilt and the device's events come in.
                    keys.value = keys.value?.replacingPolicy(try approver.policy(directory: directory, config: config))
                })
            }
            if let lead {
                // The same two steps as `konflikt retention`, with the passphrase asked before the screen opened.
                let team = (path: KeyRing.teamKeyPath(keyFile: keyFile, config: config), passphrase: lead.passphrase)
                let state = StateDirectory.resolve(environment: environment)
                let keyFile = keyFile
                review.retention = RetentionActions(preview: { date in
                    try Retention.preview(before: date, directory: directory, config: config, team: team)
                }, run: { date in
                    let outcome = try Retention.run(before: date, directory: directory, config: config, state: state, team: team,
                                                    now: Timestamp.format(Date()))
                    // The keys left: the next reading rebuilds the index and counts what was deleted.
                    keys.value = try KeyRing.leadWithApprover(keyFile: keyFile, config: config, passphrase: team.passphrase,
                                                              directory: directory).keys
                    return outcome
                })
            }
            ReviewScreen.open(environment: review, on: terminal)
        }
    }

    private func printList(form: Form, directory: DataDirectory, today: LocalDate) throws {
        let skipped = warnAboutDataFolder(directory)
        try reportingErrors {
            // The list needs the open flagged cases only (with --all, every case flagged at some point):
            // the other records stay in the index file.
            var store = try CaseReading.open(directory: directory, form: form, keyFile: keyFile, scope: .open)
            let filter = ReviewFilter(includeClosed: all, action: action, author: visitor)
            let cases = try store.flaggedCases(includeClosed: all, today: today)
            let order = ReviewList.order(cases, filter: filter, form: form, today: today)
            if json {
                // One object per line inside the array: readable, and cheap to stream for 100,000 cases.
                // Each row is made as it is written, in blocks of about 1 MB, so that neither the rows nor
                // the output ever sit whole in memory.
                var output: [UInt8] = Array("[".utf8)
                output.reserveCapacity(1 << 20 + 4096)
                var index = 0
                try forEachRow(order, of: cases, today: today) { row in
                    output += index == 0 ? [0x0A] : [0x2C, 0x0A]
                    index += 1
                    // Authors written by older versions or other tools were never checked as initials.
                    let author = row.item.author
                    ReviewList.appendJSON(row, author: Initials.isValid(author) ? author : maskCPR(author), to: &output)
                    if output.count >= 1 << 20 {
                        FileHandle.standardOutput.write(Data(output))
                        output.removeAll(keepingCapacity: true)
                    }
                }
                output += Array((order.isEmpty ? "]\n" : "\n]\n").utf8)
                FileHandle.standardOutput.write(Data(output))
            } else {
                // Written about a megabyte at a time (the columns have fixed widths).
                var text = ReviewList.textHeader + "\n"
                try forEachRow(order, of: cases, today: today) { row in
                    text += ReviewList.textLine(row, form: form) + "\n"
                    if text.utf8.count >= 1 << 20 {
                        FileHandle.standardOutput.write(Data(maskCPR(text).utf8))
                        text = ""
                    }
                }
                if !text.isEmpty { FileHandle.standardOutput.write(Data(maskCPR(text).utf8)) }
            }
        }
        if skipped { throw ExitCode(ExitStatus.problemsFound) }
    }

    /// Gives `body` the row of each case at `order`, in order: the cases left in the index file are read
    /// a block of rows at a time, and the list stops when one could not be read again.
    private func forEachRow(_ order: [Int], of cases: CaseList, today: LocalDate,
                            _ body: (ReviewRow) throws -> Void) throws {
        for start in stride(from: 0, to: order.count, by: ReviewList.block) {
            let block = order[start ..< min(order.count, start + ReviewList.block)]
            cases.prepare(block)
            if cases.readFailed {
                printError("Sagsindekset kunne ikke læses igen undervejs; listen er ikke færdig. Kør kommandoen igen.")
                throw ExitCode(ExitStatus.ioError)
            }
            for place in block { try body(ReviewList.row(cases[place], today: today)) }
        }
    }
}

/// Connects the review screen to the case index: the list from the index, a case's details read
/// again from the log, and the lead's follow-ups and corrections appended to the lead's own device file.
enum ReviewWiring {
    /// `keys` gives the keys that open sealed bodies (asked for once, on the first reading).
    static func environment(form: Form, directory: DataDirectory, state: StateDirectory, config: ConfigDirectory,
                            today: LocalDate, author: String, keys: @escaping () throws -> BodyKeys?) -> ReviewEnvironment {
        let append: (EventBody, LocalDate?) throws -> Void = { body, visitDate in
            try directory.create()
            let writer = try LogWriter.forDevice(directory: directory, config: config)
            _ = try writer.append(body, author: author, visitDate: visitDate)
        }
        let store = StoreBox()
        // The visit date of case `id`, so a body about it is sealed with that year's keys.
        let visitDate: (UUID) -> LocalDate? = { id in store.value?.summary(of: id, today: today)?.visitDate }
        var environment = ReviewEnvironment(
            form: form, today: today, initials: author,
            load: { includeClosed, progress in
                // The index is opened once per review (and again when the trusted devices changed),
                // and then only brought up to date.
                let current = try keys()
                if store.value == nil || store.trust != current?.trustDigest {
                    store.value = nil
                    store.value = try CaseStore.open(directory: directory, state: state, form: form, keys: current,
                                                     scope: .open, progress: progress)
                    store.trust = current?.trustDigest
                } else {
                    try store.value?.refresh(progress: progress)
                }
                guard var opened = store.value else { return ReviewLoad(cases: []) }
                store.value = nil           // so the index is read on in place, not copied
                // Each summary is made when the screen reads it (it shares the index's records).
                let cases = try opened.flaggedCases(includeClosed: includeClosed, today: today)
                store.value = opened
                return ReviewLoad(cases: cases, warnings: folderWarnings(directory) + opened.warnings)
            },
            recordFollowup: { try append(.followup($0), visitDate($0.screening)) },
            recordCorrection: { try append(.correction($0), nil) },
            loadCase: { id in
                // Brought up to date first (the lead may just have appended), then the case is read again.
                var opened = try store.value ?? CaseStore.open(directory: directory, state: state, form: form, keys: keys(),
                                                               scope: .open)
                // Let go of, so the index is changed in place (what the screen's list still shares of it is
                // copied once, when changed).
                store.value = nil
                try opened.refresh()
                let details = try opened.details(id, today: today)
                let summary = opened.summary(of: id, today: today)
                store.value = opened
                return (details, summary)
            },
            cprKey: { cpr in store.value?.cprKey(cpr) ?? 0 })
        // Every look at a family is recorded in the lead's own log file (issue 11 point 6).
        environment.recordAccess = { kind, id in try append(.access(AccessBody(kind: kind, cases: [id])), visitDate(id)) }
        return environment
    }
}

/// The open case store of a review session (the screen runs on one thread).
final class StoreBox {
    var value: CaseStore?
    /// The trust digest of the keys the store was opened with.
    var trust: String?
}

/// The lead's keys in a review session: replaced when a device is approved from the screen.
final class KeysBox {
    var value: BodyKeys?
    init(value: BodyKeys?) { self.value = value }
}
