import Foundation
import KonfliktCore

/// What the screening program needs from the outside world, as values so tests can supply their own.
public struct ScreeningEnvironment {
    /// The form to fill in.
    public var form: Form
    /// Where unfinished screenings are kept.
    public var drafts: DraftStore
    /// Today's date.
    public var today: LocalDate
    /// The user's saved initials, nil before the first start.
    public var initials: () -> String?
    /// Stores the user's initials.
    public var saveInitials: (String) throws -> Void
    /// Durably stores a screening with the user's initials as author; throws unless it was saved.
    public var save: (ScreeningSubmission, String) throws -> Void
    /// Opens the team lead's review, when available.
    public var review: ((any Terminal) -> Void)?
    /// Exports anonymous figures and returns the path written, when available.
    public var export: ((ExportRequest) throws -> String)?
    /// Warnings that need the log, e.g. the same child already screened at this visit.
    public var earlierVisit: @Sendable (Answers) -> [String] = { _ in [] }
    /// A line shown on the start menu the first time (e.g. drafts moved out of the shared folder).
    public var startNotice: String?

    /// Creates an environment.
    public init(form: Form, drafts: DraftStore, today: LocalDate, initials: @escaping () -> String?,
                saveInitials: @escaping (String) throws -> Void,
                save: @escaping (ScreeningSubmission, String) throws -> Void,
                review: ((any Terminal) -> Void)? = nil, export: ((ExportRequest) throws -> String)? = nil,
                earlierVisit: @escaping @Sendable (Answers) -> [String] = { _ in [] }) {
        self.earlierVisit = earlierVisit
        self.export = export
        self.form = form
        self.drafts = drafts
        self.today = today
        self.initials = initials
        self.saveInitials = saveInitials
        self.save = save
        self.review = review
    }
}

/// The whole screening program on a terminal: the start menu, new and resumed screenings
/// (drafts saved after every step, deleted once the screening is saved) and the review.
public final class ScreeningApp {
    private let environment: ScreeningEnvironment

    /// Creates the program.
    public init(environment: ScreeningEnvironment) {
        self.environment = environment
    }

    /// Runs until the user quits or input ends.
    public func run(on terminal: any Terminal) {
        let expired = environment.drafts.discardExpired()
        let expiredNotice: String? = expired == 0 ? nil
            : expired == 1 ? "1 kladde ældre end 14 dage er slettet." : "\(expired) kladder ældre end 14 dage er slettet."
        var notice = [environment.startNotice, expiredNotice].compactMap { $0 }.joined(separator: " ")
            .nilIfEmpty
        let store = environment.drafts
        while true {
            let menu = StartMenu(title: environment.form.title, drafts: drafts(), stepCount: environment.form.steps.count,
                                 initials: environment.initials(), reviewAvailable: environment.review != nil,
                                 exportAvailable: environment.export != nil, form: environment.form, notice: notice,
                                 discardDraft: { store.delete($0) },
                                 saveInitials: environment.saveInitials)
            notice = nil
            switch menu.run(on: terminal) {
            case .quit: return
            case .review: environment.review?(terminal)
            case .export:
                if let export = environment.export { ExportScreen(run: export).run(on: terminal) }
            case .newScreening:
                if runForm(draft: Draft(form: environment.form.id, step: 0, answers: [:]), on: terminal) == .running { return }
            case .resume(let id):
                guard let draft = drafts().first(where: { $0.id == id }) else { continue }
                if runForm(draft: draft, on: terminal) == .running { return }
            }
        }
    }

    /// The drafts of this form, newest first.
    private func drafts() -> [Draft] {
        environment.drafts.list().filter { $0.form == environment.form.id }
    }

    /// Runs one screening; returns `.running` when input ended mid-form (the draft is kept).
    private func runForm(draft: Draft, on terminal: any Terminal) -> FormScreen.Outcome {
        let initials = environment.initials() ?? ""
        let model = FormScreeningModel(form: environment.form, initials: initials, today: environment.today,
                                       earlierVisit: environment.earlierVisit)
        let store = environment.drafts
        let formID = environment.form.id
        let save = environment.save
        let screen = FormScreen(
            model: model, answers: draft.answers, step: draft.step, today: environment.today,
            save: { submission in
                try save(submission, initials)
                store.delete(draft.id)
            },
            saveDraft: { answers, step in
                do {
                    try store.save(Draft(id: draft.id, form: formID, step: step, answers: answers))
                    return nil
                } catch let error as UserFacingError {
                    return error.danishDescription
                } catch {
                    return "ukendt fejl"
                }
            })
        return screen.run(on: terminal)
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
