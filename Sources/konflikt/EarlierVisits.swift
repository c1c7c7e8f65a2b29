import Foundation
import KonfliktCore
import KonfliktLog

/// The "already screened at this visit" warning from the log. Folds every case once per call.
// TODO(case index): look the child and visit up in the case index instead of folding every file.
enum EarlierVisits {
    static func warnings(form: Form, directory: DataDirectory, answers: Answers) -> [String] {
        guard form.visitKey(answers) != nil,
              let result = try? CaseFolder.fold(directory: directory, options: FoldOptions()) else { return [] }
        return form.alreadyScreenedWarnings(answers, earlier: result.cases.filter { $0.form == form.id }.map(\.answers))
    }
}
