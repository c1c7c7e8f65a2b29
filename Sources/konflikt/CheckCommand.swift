import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktDemo

/// `konflikt check`: loads every form in the forms folder, runs each form's golden cases, and lists
/// every problem (exit 1) and every warning (exit 0 when there are only warnings).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Kontrollér formularer, regler og gyldne tilfælde i forms-mappen.",
        discussion: """
            Fejl og afvigelser i de gyldne tilfælde (<formular-id>.cases.yaml) meldes som fil:linje:kolonne: \
            besked og giver afslutningskode 1; formularen bruges så ikke. Advarsler (fx en hjælpemulighed \
            uden telefonnummer eller en regel, som intet tilfælde afprøver) meldes med 'advarsel:' og \
            giver ikke fejl.
            """)

    @Option(name: .long, help: "Mappen med formularer (ellers KONFLIKT_FORMS, ./forms eller den installerede).")
    var forms: String?

    func run() throws {
        let directory = FormLocator.resolve(option: forms, environment: ProcessInfo.processInfo.environment)
        let loaded: [Form]
        do {
            loaded = try FormLoader.loadAll(directory: directory)
        } catch .invalid(let problems) {
            for problem in problems { print(maskCPR(problem.description)) }
            printError("\(problems.count) problem(er) fundet; formularen bruges ikke, før de er rettet.")
            throw ExitCode(ExitStatus.problemsFound)
        } catch {
            printError(error.danishDescription)
            throw ExitCode(error.exitCode)
        }
        var problems: [FormProblem] = []
        for form in loaded {
            for role in form.missingRoles {
                problems.append(FormProblem(
                    file: form.path, line: 1, column: 1,
                    message: "Formularen mangler et spørgsmål med role: \(role.rawValue) (påkrævet: \(FieldRole.required.map(\.rawValue).joined(separator: ", ")))."))
            }
        }
        for problem in problems { print(problem.description) }
        for form in loaded {
            for notice in form.notices {
                print("\(notice.file):\(notice.line):\(notice.column): advarsel: \(notice.message)")
            }
            for (role, lost) in form.missingUsefulRoles {
                print("\(form.path):1:1: advarsel: Formularen har intet spørgsmål med role: \(role.rawValue); \(lost).")
            }
            // The demo profile is only read by `demo-data`: a problem there never stops the form.
            do throws(DemoProfileError) { _ = try DemoProfile.load(for: form) } catch {
                print("\(error.path):1:1: advarsel: \(error.danishDescription) konflikt demo-data afviser den.")
            }
        }
        guard problems.isEmpty else {
            printError("\(problems.count) problem(er) fundet; ret dem, før formularen bruges.")
            throw ExitCode(ExitStatus.problemsFound)
        }
        for form in loaded {
            let cases = form.goldenCaseCount == 0 ? "ingen gyldne tilfælde" : "\(form.goldenCaseCount) gyldne tilfælde i orden"
            print("OK: \(form.path): '\(form.id)' version \(form.version), \(form.questions.count) spørgsmål, \(form.rules.count) regler, \(cases).")
        }
    }
}
