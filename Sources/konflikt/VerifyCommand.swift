import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt verify`: checks every log file's hashes, chain and sequence; with `--against` also
/// truncation and rollback since an earlier `verify --json`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Kontrollér at loggene er hele og uændrede.",
        discussion: "Afslutter med 0 når alt er i orden og 1 når der er fundet problemer.")

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    @Flag(name: .long, help: "Skriv resultatet som JSON (kan gemmes og bruges med --against).")
    var json = false

    @Option(name: .long, help: "En fil med tidligere output fra verify --json; finder afkortning og tilbagerulning.")
    var against: String?

    @Flag(name: .customLong("skip-bodies"), help: "Kontrollér kun linjernes form, hash og kæde, ikke at indholdet kan læses (hurtigere).")
    var skipBodies = false

    @Flag(name: .long, help: "Kontrollér også ægtheden med teamnøglen (faglig leder): hvilken godkendt enhed skrev hver hændelse.")
    var key = false

    @Option(name: .customLong("key-file"), help: "Med --key: teamnøglens fil (ellers den i konfigurationsmappen).")
    var keyFile: String?

    func run() throws {
        try reportingErrors {
            let directory = DataDirectory.resolve(option: data, environment: ProcessInfo.processInfo.environment)
            let previous = try against.map { path throws(LogError) in try LogVerifier.loadHeads(path: path) }
            let report = try LogVerifier.verify(directory: directory, against: previous, checkingBodies: !skipBodies)
            // With a team key, also how many bodies are still clear text (no key needed to count them).
            let hasTeamKey = FileManager.default.fileExists(atPath: directory.file(TeamFile.name))
            let clear = hasTeamKey ? try ClearTextCount.count(directory: directory) : nil
            // This reader's own witness of the files it has seen: truncation and rollback without a heads file.
            let witnessed = SeenHeads.check(directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                var data = try encoder.encode(report)
                if let clear, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    object["clearTextBodies"] = clear.clearBodies
                    object["encryptedBodies"] = clear.sealedBodies
                    data = try JSONSerialization.data(withJSONObject: object,
                                                      options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                }
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(Self.text(report, directory: directory))
                if let clear {
                    print(clear.clearBodies == 0
                        ? "Teamnøgle: alle \(clear.sealedBodies) screeninger, rettelser og opfølgninger er krypterede."
                        : "Teamnøgle: \(clear.clearBodies) screeninger, rettelser og opfølgninger står i klar tekst (skrevet før teamnøglen eller uden kryptering); \(clear.sealedBodies) er krypterede.")
                }
            }
            for problem in witnessed { printError(problem) }
            var authentic = true
            if key {
                let keys = try KeyRing.lead(keyFile: keyFile, config: ConfigDirectory.resolve(environment: ProcessInfo.processInfo.environment),
                                            environment: ProcessInfo.processInfo.environment, directory: directory)
                let check = try Authenticity.check(directory: directory, keys: keys)
                print(check.text)
                authentic = check.unauthentic.isEmpty && check.unapproved == 0
            }
            if !report.intact || !witnessed.isEmpty || !authentic { throw ExitCode(ExitStatus.problemsFound) }
        }
    }

    /// The human-readable Danish report.
    static func text(_ report: VerifyReport, directory: DataDirectory) -> String {
        var lines: [String] = []
        for problem in report.access { lines.append("FEJL: \(problem.danishDescription)") }
        for file in report.files {
            let head = file.head.map { "hoved \($0.seq) \($0.hash.prefix(12))…" } ?? "tom"
            let status = file.problem.map { "FEJL: \($0.danishDescription)" } ?? "i orden"
            let newline = file.missingFinalNewline == true
                ? " (sidste linje mangler sit linjeskift; den er en gyldig hændelse, og linjeskiftet skrives ved næste registrering)" : ""
            lines.append("\(file.file): \(file.events) \(file.events == 1 ? "hændelse" : "hændelser"), \(head) — \(status)\(newline)")
        }
        if !report.quarantineFiles.isEmpty {
            lines.append("Karantænefiler (ufuldstændige sidste linjer, der aldrig blev bekræftet som gemt, og som er skåret af loggen): "
                + report.quarantineFiles.joined(separator: ", "))
        }
        let damaged = report.files.filter { $0.problem != nil }.count
        if report.files.isEmpty {
            lines.append("Ingen logfiler i \(directory.path).")
        } else {
            lines.append(damaged == 0
                ? "Alle \(report.files.count) logfiler er i orden."
                : "\(damaged) af \(report.files.count) logfiler har problemer.")
        }
        if !report.access.isEmpty {
            lines.append("\(report.access.count) problem(er) med rettigheder eller ejer i \(directory.path).")
        }
        return lines.joined(separator: "\n")
    }
}

/// `verify --key`: every readable event checked for who wrote it, with the lead's keys and approvals.
enum Authenticity {
    struct Result {
        var authenticated = 0
        var unapproved = 0
        var erased = 0
        var unauthentic: [String] = []
        var unreadable = 0

        /// Danish lines for the report.
        var text: String {
            var lines = ["Ægthed (med teamnøglen): \(authenticated) hændelser er skrevet af en godkendt enhed."]
            if unapproved > 0 {
                lines.append("FEJL: \(unapproved) hændelser fra en enhed, der ikke er godkendt (konflikt team devices viser dem).")
            }
            if !unauthentic.isEmpty {
                lines.append("FEJL: \(unauthentic.count) hændelser kan ikke godkendes (ændret kuvert, eller skrevet igen med en anden enheds nøgle):")
                lines += unauthentic.prefix(20).map { "  \($0)" }
            }
            if erased > 0 { lines.append("\(erased) hændelser er slettet efter reglerne for opbevaring (nøglerne er destrueret).") }
            if unreadable > 0 { lines.append("\(unreadable) linjer kunne ikke læses (se ovenfor).") }
            return lines.joined(separator: "\n")
        }
    }

    static func check(directory: DataDirectory, keys: BodyKeys) throws -> Result {
        var result = Result()
        let problems = try LogReader.forEachEvent(in: directory, keys: keys) { located in
            switch located.event.body {
            case .export, .access: return
            case .screening, .correction, .followup:
                if keys.admits(located.event) { result.authenticated += 1 } else { result.unapproved += 1 }
            }
        }
        for problem in problems {
            switch problem {
            case .unauthenticBody: result.unauthentic.append(problem.danishDescription)
            case .erasedBody: result.erased += 1
            default: result.unreadable += 1
            }
        }
        return result
    }
}
