import ArgumentParser
import Foundation
import KonfliktCore

/// `konflikt leaflet [--lang da|en] [--out FILE]`: the one-page text for the family, from the form's
/// `leaflet` and `resources`.
struct LeafletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaflet", abstract: "Skriv folderen med hjælpemuligheder til familien (fra formularen).",
        discussion: "Hjælpemuligheder uden telefonnummer skrives uden nummer, og der advares på standard error.")

    @Option(name: .long, help: "Sprog: da eller en.")
    var lang: String = "da"

    @Option(name: .long, help: "Filen, der skrives (udelades: standard output).")
    var out: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    @Option(name: .long, help: "Formularens id (standard: konfliktscreening).")
    var form: String?

    func run() throws {
        guard ["da", "en"].contains(lang) else {
            printError("--lang skal være da eller en, ikke \"\(lang)\".")
            throw ExitCode(ExitStatus.usage)
        }
        let environment = ProcessInfo.processInfo.environment
        var loaded: Form?
        try reportingErrors {
            loaded = try FormLoader.loadForm(id: form, directory: FormLocator.resolve(option: forms, environment: environment))
        }
        guard let loadedForm = loaded else { throw ExitCode(ExitStatus.dataError) }
        guard let text = Leaflet.text(form: loadedForm, language: lang) else {
            printError("Formularen '\(loadedForm.id)' har ingen folder på sproget \"\(lang)\" (leaflet: \(lang): i formularen).")
            throw ExitCode(ExitStatus.dataError)
        }
        for resource in loadedForm.resources where resource.phone.isEmpty {
            printError("advarsel: \(resource.name) har intet telefonnummer i formularen; kommunen skal udfylde det.")
        }
        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                printError("Kunne ikke skrive \(out).")
                throw ExitCode(ExitStatus.ioError)
            }
            printError("Folderen er skrevet til \(out).")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
