import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// The "already screened at this visit" warning, looked up in the case index by the child's CPR
/// number (keyed hash) and the visit. Nothing is said when the data folder or the index cannot be read:
/// it is a warning, never a block.
enum EarlierVisits {
    static func warnings(form: Form, directory: DataDirectory, answers: Answers) -> [String] {
        guard let cpr = form.text(role: .childCPR, in: answers).flatMap(CPRNumber.init),
              let visit = form.text(role: .visit, in: answers) else { return [] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue,
              var store = try? CaseStore.open(directory: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment),
                                              form: form, scope: .lookup) else { return [] }
        return store.hasScreening(cpr: cpr.normalized, visit: visit) ? [form.alreadyScreenedWarning(answers)] : []
    }
}
