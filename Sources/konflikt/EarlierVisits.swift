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
              let store = try? CaseStore.open(directory: directory, state: StateDirectory.resolve(environment: ProcessInfo.processInfo.environment),
                                              form: form) else { return [] }
        let visits = store.index.schema.visits
        let same = store.index.records(cpr: cpr.normalized.filter(\.isNumber)).contains { record in
            record.visit >= 0 && Int(record.visit) < visits.count && visits[Int(record.visit)] == visit
        }
        return same ? [form.alreadyScreenedWarning(answers)] : []
    }
}
