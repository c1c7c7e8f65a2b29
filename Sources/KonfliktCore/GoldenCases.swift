import Foundation
import Yams

/// The golden cases of a form (`forms/<form-id>.cases.yaml`): named answers with the actions (and
/// optionally the warnings, and whether an override is refused) the rules must give. They are the
/// rules as the municipality's lawyers read and sign them off; `konflikt check` and every load run
/// them, and a form whose cases fail is refused like a broken form.
///
/// ```yaml
/// form: konfliktscreening
/// today: 2026-11-22            # the date `today` means (optional)
/// base:                        # answers every case starts from (optional)
///   besoeg: 2mdr
/// cases:
///   - name: Højt konfliktniveau, begge interesserede
///     answers: {konfliktniveau: hoejt, ...}   # over `base`; `~` removes a base answer
///     override: {actions: [ingen], reason: …}  # optional
///     expect:
///       actions: [gruppeforloeb]
///       warnings: ["kun én forælder"]          # optional; each must be part of a warning, [] = none
///       override: refused                      # with `override`: refused or accepted
/// ```
public enum GoldenCases {
    /// The result of running a cases file.
    public struct Report: Sendable {
        /// Every mismatch and every problem with the file, at its line and column.
        public var problems: [FormProblem] = []
        /// How many cases ran.
        public var count = 0
        /// The ids of the rules at least one case fired.
        public var firedRules: Set<String> = []
        /// The ids of the form warnings at least one case gave.
        public var givenWarnings: Set<String> = []
    }

    /// The cases file that belongs to `form`: `<form's folder>/<form id>.cases.yaml`.
    public static func url(for form: Form) -> URL {
        URL(fileURLWithPath: form.path).deletingLastPathComponent().appendingPathComponent("\(form.id).cases.yaml")
    }

    /// Whether `name` is a cases file rather than a form.
    static func isCasesFile(_ name: String) -> Bool { name.hasSuffix(".cases.yaml") || name.hasSuffix(".cases.yml") }

    /// Runs the cases in the file at `url` against `form`.
    public static func run(form: Form, url: URL) -> Report {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return Report(problems: [FormProblem(file: url.path, line: 1, column: 1, message: "Kan ikke læse filen.")])
        }
        return run(form: form, data: data, path: url.path)
    }

    /// Runs the cases in `data` (a cases file named `path` in messages) against `form`.
    public static func run(form: Form, data: Data, path: String) -> Report {
        var runner = Runner(form: form, path: path)
        guard let text = String(data: data, encoding: .utf8) else {
            runner.fail(nil, "Filen er ikke gyldig UTF-8.")
            return runner.report
        }
        do {
            guard let root = try Yams.compose(yaml: text.precomposedStringWithCanonicalMapping, .basic) else {
                runner.fail(nil, "Filen er tom.")
                return runner.report
            }
            runner.run(root)
        } catch let error as YamlError {
            runner.report.problems.append(FormLoader.yamlProblem(error, path: path, text: text))
        } catch {
            runner.fail(nil, "Filen er ikke gyldig YAML.")
        }
        return runner.report
    }

    struct Runner {
        let form: Form
        let path: String
        var report = Report()
        var builder: FormBuilder

        init(form: Form, path: String) {
            self.form = form
            self.path = path
            builder = FormBuilder(path: path, fingerprint: "")
        }

        mutating func fail(_ node: Node?, _ message: String) {
            let mark = node?.mark
            report.problems.append(FormProblem(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
        }

        /// Moves the builder's problems (typed access) into the report.
        mutating func collect() {
            report.problems += builder.problems
            builder.problems = []
        }

        mutating func run(_ root: Node) {
            defer { collect() }
            guard let top = builder.mapping(root, what: "filen med tilfælde", required: ["form", "cases"], optional: ["today", "base"]) else { return }
            if let id = builder.string(top["form"]?.value, "form"), id != form.id {
                fail(top["form"]?.value, "Tilfældene er til formularen '\(id)', men formularen er '\(form.id)'.")
                return
            }
            var today = LocalDate.today()
            if let text = builder.string(top["today"]?.value, "today") {
                if let date = LocalDate(iso: text) { today = date } else { fail(top["today"]?.value, "today skal være en dato ÅÅÅÅ-MM-DD.") }
            }
            var base: Answers = [:]
            if let node = top["base"]?.value { base = answers(node, over: [:], caseName: "base") }
            var names = Set<String>()
            for item in builder.sequence(top["cases"]?.value, "cases") ?? [] {
                collect()
                runCase(item, base: base, today: today, names: &names)
            }
        }

        mutating func runCase(_ node: Node, base: Answers, today: LocalDate, names: inout Set<String>) {
            guard let c = builder.mapping(node, what: "et tilfælde", required: ["name", "answers", "expect"], optional: ["override"]),
                  let name = builder.nonEmptyString(c["name"]?.value, "name") else { return }
            if !names.insert(name).inserted { fail(c["name"]?.value, "Tilfældet '\(name)' står to gange.") }
            report.count += 1
            guard let answersNode = c["answers"]?.value else { return }
            let problemsBefore = report.problems.count + builder.problems.count
            let given = answers(answersNode, over: base, caseName: name)
            guard let expectNode = c["expect"]?.value,
                  let expect = builder.mapping(expectNode, what: "expect", required: ["actions"], optional: ["warnings", "override"]) else { return }
            guard report.problems.count + builder.problems.count == problemsBefore else { return }
            for problem in form.validate(given, today: today) {
                let at = answerNode(answersNode, problem.questionID) ?? answersNode
                fail(at, "Tilfældet '\(name)': \(problem.questionID.isEmpty ? "" : "svaret på '\(problem.questionID)': ")\(problem.message)")
            }
            let decision = form.decide(given, today: today)
            report.firedRules.formUnion(decision.rules.map(\.id))
            let relevant = form.relevantAnswers(given, today: today).answers
            for warning in form.warningRules where warning.when.holds(for: relevant, today: today) {
                report.givenWarnings.insert(warning.id)
            }
            // Actions.
            if let expected = builder.sequence(expect["actions"]?.value, "actions")?.compactMap({ builder.string($0, "en handling") }) {
                for id in expected where form.action(id: id) == nil {
                    fail(expect["actions"]?.value, "Tilfældet '\(name)': handlingen '\(id)' findes ikke i formularen.")
                }
                if Set(expected) != Set(decision.actions) || expected.count != decision.actions.count {
                    fail(expect["actions"]?.value,
                         "Tilfældet '\(name)': forventede \(list(expected)), men reglerne giver \(list(decision.actions)).")
                }
            }
            // Warnings: each expected text is part of a warning, and with the key every warning is expected.
            if let node = expect["warnings"]?.value, let items = builder.sequence(node, "warnings") {
                var matched = Set<Int>()
                for item in items {
                    guard let text = builder.nonEmptyString(item, "en advarsel") else { continue }
                    if let index = decision.warnings.firstIndex(where: { $0.localizedCaseInsensitiveContains(text) }) {
                        matched.insert(index)
                    } else {
                        fail(item, "Tilfældet '\(name)': ingen advarsel indeholder \"\(text)\"; advarslerne er: \(quoted(decision.warnings)).")
                    }
                }
                for (index, warning) in decision.warnings.enumerated() where !matched.contains(index) {
                    fail(node, "Tilfældet '\(name)': uventet advarsel \"\(warning)\".")
                }
            }
            // Override.
            let expectedOverride = builder.string(expect["override"]?.value, "override")
            if let overrideNode = c["override"]?.value {
                guard let o = builder.mapping(overrideNode, what: "override", required: ["actions", "reason"], optional: []) else { return }
                let actions = builder.sequence(o["actions"]?.value, "actions")?.compactMap { builder.string($0, "en handling") } ?? []
                let reason = builder.string(o["reason"]?.value, "reason") ?? ""
                let refused: Bool
                do { _ = try form.checkOverride(actions: actions, reason: reason, decision: decision); refused = false } catch { refused = true }
                switch expectedOverride {
                case "refused", "afvist":
                    if !refused { fail(expect["override"]?.value, "Tilfældet '\(name)': tilsidesættelsen skulle afvises, men blev godkendt.") }
                case "accepted", "godkendt":
                    if refused { fail(expect["override"]?.value, "Tilfældet '\(name)': tilsidesættelsen skulle godkendes, men blev afvist.") }
                default:
                    fail(expect["override"]?.value ?? c["expect"]?.value, "Tilfældet '\(name)': skriv override: refused eller override: accepted under expect.")
                }
            } else if expectedOverride != nil {
                fail(expect["override"]?.key, "Tilfældet '\(name)': expect.override kræver en override i tilfældet.")
            }
        }

        func list(_ ids: [String]) -> String { ids.isEmpty ? "ingen handlinger" : "[" + ids.joined(separator: ", ") + "]" }
        func quoted(_ texts: [String]) -> String { texts.isEmpty ? "ingen" : texts.map { "\"\($0)\"" }.joined(separator: "; ") }

        func answerNode(_ answers: Node, _ id: String) -> Node? {
            guard case .mapping(let mapping) = answers else { return nil }
            return mapping.first { $0.key.scalar?.string == id }?.value
        }

        /// The answers in `node` over `base`, typed by each question's kind; `~` removes an answer.
        mutating func answers(_ node: Node, over base: Answers, caseName: String) -> Answers {
            var result = base
            guard case .mapping(let mapping) = node else {
                fail(node, "Tilfældet '\(caseName)': answers skal være en samling af spørgsmål og svar.")
                return result
            }
            for (key, value) in mapping {
                guard let id = key.scalar?.string else { fail(key, "En nøgle skal være en tekst."); continue }
                guard let question = form.question(id: id) else {
                    fail(key, "Tilfældet '\(caseName)': ukendt spørgsmål '\(id)' i formularen '\(form.id)'.")
                    continue
                }
                if case .scalar(let scalar) = value, scalar.style == .plain, ["~", "null", ""].contains(scalar.string) {
                    result.removeValue(forKey: id)
                    continue
                }
                switch question.kind {
                case .yesno:
                    if let bool = builder.bool(value, "Svaret på '\(id)'") { result[id] = .bool(bool) }
                case .multichoice:
                    if let items = builder.sequence(value, "Svaret på '\(id)'") {
                        result[id] = .strings(items.compactMap { builder.string($0, "et valg") })
                    }
                case .number:
                    if let text = builder.string(value, "Svaret på '\(id)'") {
                        if let number = Double(text) { result[id] = .number(number) } else { fail(value, "Svaret på '\(id)' skal være et tal.") }
                    }
                case .choice, .text, .date, .cpr:
                    if let text = builder.string(value, "Svaret på '\(id)'") { result[id] = .string(text) }
                }
            }
            return result
        }
    }
}
