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
        guard date <= today else {
            printError("--before \(date.iso) ligger efter i dag; nye registreringer ville blive ulæselige. Intet er slettet.")
            throw ExitCode(ExitStatus.usage)
        }
        let typed: String
        if let confirm {
            typed = confirm
        } else {
            guard isatty(0) != 0 else {
                printError("Bekræft med --confirm \(date.iso), eller kør kommandoen i en terminal. Intet er slettet.")
                throw ExitCode(ExitStatus.usage)
            }
            FileHandle.standardError.write(Data("Alle registreringer med besøg før \(date.iso) bliver ulæselige for altid. Skriv datoen igen for at fortsætte: ".utf8))
            typed = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
        }
        guard LocalDate(iso: typed) == date else {
            printError("Datoen blev ikke bekræftet (\(typed.isEmpty ? "tom" : "anden dato")). Intet er slettet.")
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
            let outcome = try Retention.run(before: date, directory: directory, config: config,
                                            state: StateDirectory.resolve(environment: environment), team: team,
                                            now: Timestamp.format(Date()))
            var lines: [String] = []
            if team != nil {
                lines.append(outcome.teamKeys.isEmpty
                    ? "Ingen teamnøgle bruges kun til besøg før \(date.iso)."
                    : "Destrueret \(outcome.teamKeys.count) teamnøgle(r) (\(outcome.teamKeys.map(KeyFingerprint.short).joined(separator: ", "))): \(outcome.erasedRecords) registreringer kan ikke længere læses.")
                for (fingerprint, count) in outcome.keptTeamKeys.sorted(by: { $0.key < $1.key }) {
                    lines.append("Beholdt teamnøglen \(KeyFingerprint.short(fingerprint)): \(count) registreringer med den handler om besøg fra \(date.iso) eller senere.")
                }
            }
            lines.append(outcome.deviceYears.isEmpty
                ? "Denne computer har ingen årsnøgler fra før \(date.year)."
                : "Destrueret denne computers nøgler for besøgsårene \(outcome.deviceYears.map(String.init).joined(separator: ", ")).")
            lines.append("Loggen er uændret og kan stadig kontrolleres (konflikt verify). Slet også gamle sikkerhedskopier af nøglefilerne.")
            print(lines.joined(separator: "\n"))
        }
    }
}
