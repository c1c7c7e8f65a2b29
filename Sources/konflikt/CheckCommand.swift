import ArgumentParser
import Foundation
import KonfliktCore

/// `konflikt check`: loads every form in the forms folder and lists every problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Kontrollér formularer og regler i forms-mappen.")

    @Option(name: .long, help: "Mappen med formularer (ellers KONFLIKT_FORMS, ./forms eller den installerede).")
    var forms: String?

    func run() throws {
        let directory = FormLocator.resolve(option: forms, environment: ProcessInfo.processInfo.environment)
        do {
            let loaded = try FormLoader.loadAll(directory: directory)
            for form in loaded {
                print("OK: \(form.path): '\(form.id)' version \(form.version), \(form.questions.count) spørgsmål, \(form.rules.count) regler.")
            }
        } catch .invalid(let problems) {
            for problem in problems { print(maskCPR(problem.description)) }
            printError("\(problems.count) problem(er) fundet; formularen bruges ikke, før de er rettet.")
            throw ExitCode(ExitStatus.problemsFound)
        } catch {
            printError(error.danishDescription)
            throw ExitCode(error.exitCode)
        }
    }
}
