import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt retention --before YYYY-MM-DD [--confirm YYYY-MM-DD]`: destroys every key needed only for
/// records with visit dates before the date (see `Retention`). On the lead's computer (with the team key)
/// also the old team keys; on a health visitor's computer her own year keys. The log is not touched and
/// still verifies; the bodies can never be read again.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Slet registreringer med besøg før en dato ved at destruere nøglerne (opbevaringsregler).",
        discussion: """
            Kan ikke fortrydes. Skriv datoen igen, når du bliver bedt om det, eller angiv den med --confirm \
            (til scripts). Kør den hos den faglige leder (teamnøglerne) og på hver sundhedsplejerskes computer \
            (computerens egne årsnøgler). Tag derefter nye sikkerhedskopier af nøglefilen, og slet de gamle.
            """)

    @Option(name: .long, help: "Registreringer med besøgsdato før denne dato (ÅÅÅÅ-MM-DD) slettes.")
    var before: String

    @Option(name: .long, help: "Samme dato igen, som bekræftelse (til scripts).")
    var confirm: String?

    @OptionGroup var lead: LeadKeyOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let date = LocalDate(iso: before) else {
            printError("--before skal være en dato som 2025-01-01.")
            throw ExitCode(ExitStatus.usage)
        }
        let today = try resolvedToday(environment)
        if let refusal = Retention.refusal(before: date, today: today) {
            printError("--before " + refusal)
            throw ExitCode(ExitStatus.usage)
        }
        if let confirm, LocalDate(iso: confirm) != date {
            printError("Datoen blev ikke bekræftet (anden dato). Intet er slettet.")
            throw ExitCode(ExitStatus.usage)
        }
        if confirm == nil, isatty(0) == 0 {
            printError("Bekræft med --confirm \(date.iso), eller kør kommandoen i en terminal. Intet er slettet.")
            throw ExitCode(ExitStatus.usage)
        }
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        let keyPath = KeyRing.teamKeyPath(keyFile: lead.keyFile, config: config)
        try reportingErrors {
            var team: (path: String, passphrase: [UInt8])?
            if FileManager.default.fileExists(atPath: keyPath) {
                team = (keyPath, try Passphrase.read(prompt: "Adgangssætning til teamnøglen: ", environment: environment))
            }
            let typed: String
            if let confirm {
                typed = confirm
            } else {
                // In a terminal: what will happen first (the same wording as the review screen), then the date again.
                let preview = try Retention.preview(before: date, directory: directory, config: config, team: team)
                let text = (preview.lines(before: date, planned: true) + [
                    "Det kan ikke fortrydes. " + Retention.whatStays,
                    "Alle registreringer med besøg før \(date.iso) bliver ulæselige for altid. Skriv datoen igen for at fortsætte: ",
                ]).joined(separator: "\n")
                FileHandle.standardError.write(Data(text.utf8))
                typed = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
            }
            guard LocalDate(iso: typed) == date else {
                printError("Datoen blev ikke bekræftet (\(typed.isEmpty ? "tom" : "anden dato")). Intet er slettet.")
                throw ExitCode(ExitStatus.usage)
            }
            let outcome = try Retention.run(before: date, directory: directory, config: config,
                                            state: StateDirectory.resolve(environment: environment), team: team,
                                            now: Timestamp.format(Date()))
            print((outcome.lines(before: date, planned: false) + [Retention.whatStays]).joined(separator: "\n"))
        }
    }
}
