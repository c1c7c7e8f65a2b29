import Foundation
@testable import KonfliktCore

/// Shared fixtures: the default form from the package's forms/ folder and typical answers.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let formsDirectory = packageRoot.appendingPathComponent("forms")

    static func defaultForm() throws -> Form {
        try FormLoader.loadForm(directory: formsDirectory)
    }

    static let today = LocalDate(iso: "2026-11-22")!

    /// A complete low-conflict 2-month screening (no rule fires).
    static let lowConflict: Answers = [
        "besoeg": .string("2mdr"),
        "besoegsdato": .string("2026-11-20"),
        "barn_cpr": .string("150926-4123"),
        "sundhedsplejerske": .string("AB"),
        "deltagere": .strings(["mor", "far"]),
        "informeret": .bool(true),
        "konfliktniveau": .string("lavt"),
        "bekymring_trivsel": .string("nej"),
        "barn_udsat": .string("nej"),
    ]

    /// `lowConflict` with `changes` applied (nil removes an answer).
    static func answers(_ changes: [String: AnswerValue?]) -> Answers {
        var result = lowConflict
        for (key, value) in changes { result[key] = value }
        return result
    }

    /// Writes `text` as a form file in a new temporary folder and returns the file's URL.
    static func writeForm(_ text: String, name: String = "form.yaml") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The problems loading `text` gives, as `line:column: message` (file name dropped).
    static func problems(_ text: String) throws -> [String] {
        let url = try writeForm(text)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            _ = try FormLoader.load(url: url)
            return []
        } catch {
            guard case .invalid(let problems) = error else { return ["\(error)"] }
            return problems.map { "\($0.line):\($0.column): \($0.message)" }
        }
    }

    /// A small valid form to mutate in error tests; line numbers matter to the tests.
    static let miniForm = """
    id: mini
    version: 1
    title: Mini
    default_action: ingen
    steps:
      - id: s1
        title: Trin
        questions:
          - id: niveau
            type: choice
            text: Niveau?
            choices:
              - id: lavt
                label: Lavt
              - id: hoejt
                label: Højt
          - id: vold
            type: yesno
            text: Vold?
            when: niveau == "hoejt"
          - id: hvem
            type: multichoice
            text: Hvem?
            required: false
            choices:
              - id: mor
                label: Mor
              - id: far
                label: Far
          - id: antal
            type: number
            text: Antal?
            required: false
          - id: dato
            type: date
            text: Dato
            required: false
    actions:
      - id: ingen
        label: Ingen
        severity: 0
        flags: false
        instruction: Intet.
      - id: handling
        label: Handling
        severity: 1
        flags: true
        deadline_days: 3
        instruction: Gør noget.
    rules:
      - id: r1
        when: vold == true
        action: handling
        reason: Fordi.
    """
}

extension Fixtures {
    /// The problems of the mini form with `role: <role>` added after the first line containing `anchor`.
    static func problems(withRole role: String, after anchor: String) throws -> [String] {
        guard let range = miniForm.range(of: anchor) else { return ["anchor not found"] }
        let lineEnd = miniForm[range.upperBound...].firstIndex(of: "\n") ?? miniForm.endIndex
        var text = miniForm
        text.insert(contentsOf: "\n        role: \(role)", at: lineEnd)
        return try problems(text)
    }

    /// The problems of a whole form text (file name dropped), without its golden cases.
    static func problemsInText(_ text: String) throws -> [String] { try problems(text) }
}
