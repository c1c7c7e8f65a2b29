import Crypto
import Foundation
import Yams

/// Loads and checks form files. Every problem is collected (as `file:line:column: message` in
/// Danish) and a form with any problem is never returned.
public enum FormLoader {
    /// Loads the form in the file at `url`.
    public static func load(url: URL) throws(FormLoadError) -> Form {
        // Only a regular file is read (a FIFO named x.yaml would block the read for ever), and only up
        // to a size no form comes near.
        var info = stat()
        guard stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: url.path) }
        guard info.st_size <= maximumFileBytes else {
            throw .invalid([FormProblem(file: url.path, line: 1, column: 1,
                                        message: "Filen er for stor (højst \(maximumFileBytes) byte).")])
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .unreadable(path: url.path)
        }
        var form = try load(data: data, path: url.path)
        // The golden cases beside the form: a form whose cases fail is refused like a broken form.
        let cases = GoldenCases.url(for: form)
        if FileManager.default.fileExists(atPath: cases.path) {
            let report = GoldenCases.run(form: form, url: cases)
            guard report.problems.isEmpty else { throw .invalid(report.problems) }
            form.goldenCaseCount = report.count
            for rule in form.rules where !report.firedRules.contains(rule.id) {
                form.notices.append(FormProblem(file: cases.path, line: 1, column: 1,
                                                message: "Intet tilfælde får reglen '\(rule.id)' til at slå til."))
            }
            for warning in form.warningRules where !report.givenWarnings.contains(warning.id) {
                form.notices.append(FormProblem(file: cases.path, line: 1, column: 1,
                                                message: "Intet tilfælde giver advarslen '\(warning.id)'."))
            }
        }
        return form
    }

    /// Loads a form from the bytes of a file; `path` names it in messages.
    public static func load(data: Data, path: String) throws(FormLoadError) -> Form {
        let fingerprint = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid([FormProblem(file: path, line: 1, column: 1, message: "Filen er ikke gyldig UTF-8.")])
        }
        let root: Node?
        do {
            // Tags are never read (every value is read from its text and style), so plain scalars are not
            // resolved to types: the default resolver's regular expressions cost 30–60 ms of CPU at every start.
            root = try Yams.compose(yaml: text.precomposedStringWithCanonicalMapping, .basic)
        } catch let error as YamlError {
            throw .invalid([yamlProblem(error, path: path, text: text)])
        } catch {
            throw .invalid([FormProblem(file: path, line: 1, column: 1, message: "Filen er ikke gyldig YAML.")])
        }
        guard let root else {
            throw .invalid([FormProblem(file: path, line: 1, column: 1, message: "Filen er tom.")])
        }
        var builder = FormBuilder(path: path, fingerprint: fingerprint)
        let form = builder.build(root)
        guard builder.problems.isEmpty, let form else {
            var seen = Set<FormProblem>()
            throw .invalid(builder.problems.filter { seen.insert($0).inserted })
        }
        return form
    }

    /// Whether `name` is a demo profile (`<form id>.demo.yaml`), which only `konflikt demo-data` reads.
    public static func isDemoProfile(_ name: String) -> Bool { name.hasSuffix(".demo.yaml") || name.hasSuffix(".demo.yml") }

    /// Loads every `*.yaml`/`*.yml` file in `directory`; any problem in any file fails the whole
    /// load, with every problem of every file listed.
    public static func loadAll(directory: URL) throws(FormLoadError) -> [Form] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw .unreadable(path: directory.path)
        }
        let files = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !GoldenCases.isCasesFile($0) && !isDemoProfile($0) }.sorted()
        guard !files.isEmpty else { throw .noForms(directory: directory.path) }
        var forms: [Form] = []
        var problems: [FormProblem] = []
        for name in files {
            do { forms.append(try load(url: directory.appendingPathComponent(name))) } catch {
                if case .invalid(let found) = error { problems += found } else { throw error }
            }
        }
        var seen: [String: String] = [:]
        for form in forms {
            if let other = seen[form.id] {
                problems.append(FormProblem(file: form.path, line: 1, column: 1,
                                            message: "Formular-id '\(form.id)' bruges også i \(other)."))
            }
            seen[form.id] = form.path
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return forms
    }

    /// Loads the form `id` (default `konfliktscreening`, or the only form) from `directory`.
    public static func loadForm(id: String? = nil, directory: URL) throws(FormLoadError) -> Form {
        let forms = try loadAll(directory: directory)
        if let id {
            guard let form = forms.first(where: { $0.id == id }) else {
                throw .unknownForm(id: id, directory: directory.path)
            }
            return form
        }
        if forms.count == 1 { return forms[0] }
        guard let form = forms.first(where: { $0.id == defaultFormID }) else {
            throw .unknownForm(id: defaultFormID, directory: directory.path)
        }
        return form
    }

    /// Where `key:` appears the second time at the indentation of the mapping that starts at `mark`
    /// (Yams reports the mapping, not the duplicate).
    static func secondOccurrence(of key: String, in text: String, from mark: Mark) -> (Int, Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var seen = 0
        var index = max(0, mark.line - 1)
        while index < lines.count {
            let line = Array(lines[index])
            let column = mark.column - 1
            if column < line.count {
                let prefix = line[..<column]
                let rest = String(line[column...])
                let indentOK = prefix.allSatisfy { $0 == " " || $0 == "-" }
                if indentOK, rest.hasPrefix(key + ":") {
                    seen += 1
                    if seen == 2 { return (index + 1, column + 1) }
                } else if indentOK, !prefix.isEmpty, prefix.contains("-"), index > mark.line - 1 {
                    break // the next item of the enclosing list
                }
            }
            index += 1
        }
        return (mark.line, mark.column)
    }

    /// The largest form file read (4 MiB).
    public static let maximumFileBytes = 4 << 20

    /// The id of the default screening form.
    public static let defaultFormID = "konfliktscreening"

    static func yamlProblem(_ error: YamlError, path: String, text: String) -> FormProblem {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.sorted().first ?? ""
            let (line, column) = secondOccurrence(of: key, in: text, from: context.mark)
            return FormProblem(file: path, line: line, column: column,
                               message: "Nøglen '\(key)' står to gange i samme afsnit.")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return FormProblem(file: path, line: mark.line, column: mark.column,
                               message: "Ugyldig YAML: \(problem).")
        default:
            return FormProblem(file: path, line: 1, column: 1, message: "Ugyldig YAML: \(error).")
        }
    }
}
