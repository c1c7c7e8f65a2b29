/// The kind of a question, which decides its answer's JSON type and its widget.
public enum QuestionKind: String, Sendable, Hashable, CaseIterable {
    /// One of the question's choices (answer: the choice id).
    case choice
    /// Any number of the choices (answer: array of choice ids).
    case multichoice
    /// Yes or no (answer: true/false).
    case yesno
    /// Free text (answer: string); `multiline` makes it a note.
    case text
    /// A date (answer: `YYYY-MM-DD`).
    case date
    /// A CPR number (answer: `DDMMYY-SSSS`).
    case cpr
    /// A number.
    case number
}

/// What a question means to the program. Code finds questions by role (`form.field(role:)`), so a
/// municipality can rename or reword its questions; `konflikt check` requires the `required` roles.
public enum FieldRole: String, Sendable, Hashable, CaseIterable {
    /// Which visit (a choice; its choices may carry the visit's age window).
    case visit
    /// The visit's date (a date).
    case visitDate = "visit_date"
    /// The child's CPR number (a cpr).
    case childCPR = "child_cpr"
    /// The health visitor's initials (a text).
    case author
    /// Who took part in the conversation (a multichoice).
    case participants
    /// Whether the parents were told, before the question, that conflicts can grow (a yesno).
    case informed
    /// Whether the screening question was asked at this visit (a yesno; no = a visit without screening).
    case screened
    /// Why it was not asked (a choice), shown when `screened` is no.
    case notScreenedReason = "not_screened_reason"

    /// The roles every screening form must declare exactly once.
    public static let required: [FieldRole] = [.visit, .visitDate, .childCPR, .author]

    /// What the program cannot do when a form has no question with this role, in Danish; nil for a
    /// required role (missing it is a problem) and for `participants` (only the demo data fills it in).
    public var lostWithout: String? {
        switch self {
        case .visit, .visitDate, .childCPR, .author, .participants: return nil
        case .informed:
            return "eksporten kan ikke tælle, om forældrene fik at vide før spørgsmålet, at konflikter kan vokse"
        case .screened:
            return "alle besøg regnes som screenet, og journalnotatet kan ikke sige, at spørgsmålet ikke blev stillet"
        case .notScreenedReason:
            return "journalnotatet kan ikke sige, hvorfor spørgsmålet ikke blev stillet"
        }
    }

    /// The question kind a question with this role must have.
    public var kind: QuestionKind {
        switch self {
        case .visit, .notScreenedReason: return .choice
        case .visitDate: return .date
        case .childCPR: return .cpr
        case .author: return .text
        case .participants: return .multichoice
        case .screened, .informed: return .yesno
        }
    }
}

/// One choice of a choice or multichoice question.
public struct Choice: Sendable, Hashable {
    /// The id stored in answers and named in expressions.
    public let id: String
    /// The Danish label shown to the user.
    public let label: String
    /// For a choice of the `visit` question: the child's age in days at the visit that fits this
    /// visit (`min_age_days`–`max_age_days`); outside it the decision warns. Nil when not given.
    public let ageDays: ClosedRange<Int>?

    init(id: String, label: String, ageDays: ClosedRange<Int>? = nil) {
        self.id = id
        self.label = label
        self.ageDays = ageDays
    }
}

/// One question of a form.
public struct Question: Sendable {
    /// The answer's key.
    public let id: String
    /// The question's kind.
    public let kind: QuestionKind
    /// The question text (Danish).
    public let text: String
    /// Help text shown on demand; empty when none.
    public let help: String
    /// Whether a shown question must be answered.
    public let required: Bool
    /// For text questions: several lines.
    public let multiline: Bool
    /// The choices of a choice or multichoice question.
    public let choices: [Choice]
    /// Shown only when this holds; nil means always shown.
    public let when: Expression?
    /// An answer must make this hold; checked only when the question is answered.
    public let constraint: Expression?
    /// The message when `constraint` fails (Danish).
    public let constraintMessage: String
    /// The default as written in the form: `today` for dates, `$initialer` for the user's initials,
    /// or a literal answer.
    public let defaultValue: String?
    /// Whether the export counts this question's answers.
    public let report: Bool
    /// What the question means to the program (visit, visit date, child's CPR, …); nil when nothing.
    public let role: FieldRole?
    /// Said in the question's place when it is not asked although every question its `when` reads
    /// has been answered (e.g. why the violence question is not asked); empty when none.
    public let hiddenText: String
    /// A short column label for the export (`report_label`); nil when the form gives none.
    public let reportLabel: String?

    /// The label of the choice `id`, or `id` when there is no such choice.
    public func label(ofChoice id: String) -> String {
        choices.first { $0.id == id }?.label ?? id
    }
}

/// One page of the guided form.
public struct FormStep: Sendable {
    /// The step's id.
    public let id: String
    /// The step's title (Danish).
    public let title: String
    /// The step's questions in order.
    public let questions: [Question]
}

/// An action the rules can recommend.
public struct FormAction: Sendable, Hashable {
    /// The action's id.
    public let id: String
    /// The Danish label.
    public let label: String
    /// Higher is more serious; decisions list actions most serious first.
    public let severity: Int
    /// Whether recommending it flags the case for the team lead.
    public let flags: Bool
    /// Days from the visit until the action is overdue; nil when it has no deadline.
    public let deadlineDays: Int?
    /// What the health visitor does now, shown after saving.
    public let instruction: String
    /// What to tell the family, shown after saving.
    public let familyInfo: String
    /// A warning shown first on the summary when the action is recommended (e.g. "Ring 112 …");
    /// empty when none.
    public let banner: String
    /// Ids of the form's resources to point the family to.
    public let resources: [String]
    /// When one of these actions is also recommended, this action waits: it is replaced by
    /// `waitingAction` (e.g. the course waits for Familierådgivningen's assessment of a report).
    public let waitsFor: [String]
    /// The action that stands in for this one while it waits; nil when it never waits.
    public let waitingAction: String?
    /// A label of at most 14 characters for lists (`short_label`, else the label cut to fit).
    public let shortLabel: String
    /// How a follow-up with status "done" reads for this action, e.g. "Udført – underretningen er
    /// sendt" (`done_label`, else "Udført").
    public let doneLabel: String
    /// The follow-up statuses the team lead can record, in form order (`statuses:`, else
    /// `FollowupStatus.defaults`). At least one closes the action.
    public let statuses: [FollowupStatus]

    /// The status with `id`, if the action has it.
    public func status(id: String) -> FollowupStatus? { statuses.first { $0.id == id } }
}

/// A rule: when its condition holds it recommends its action, with a reason and a legal basis.
public struct Rule: Sendable {
    /// The rule's id.
    public let id: String
    /// The condition.
    public let when: Expression
    /// The recommended action's id.
    public let action: String
    /// Why (Danish).
    public let reason: String
    /// The legal basis; empty when none.
    public let basis: String
    /// Whether the rule is a legal duty (the § 133 duty to report): an override may not remove its
    /// action; wrong answers must be corrected instead.
    public let mandatory: Bool
    /// What the health visitor does, shown before the action's own instruction; empty when none.
    public let instruction: String
    /// What to tell the family, shown before the action's own text; empty when none.
    public let familyInfo: String
    /// Ids of resources to point the family to, before the action's.
    public let resources: [String]
    /// Whether the rule's `family_info` replaces the action's instead of coming before it (when the
    /// action's usual words to the family would be unsafe, e.g. "tell the parents about the report").
    public let replacesFamilyInfo: Bool
}

/// A warning the form declares: shown on the summary (never blocking) when its condition holds.
public struct FormWarning: Sendable {
    /// The warning's id.
    public let id: String
    /// When it is shown.
    public let when: Expression
    /// The text (Danish).
    public let text: String
}

/// Where a family can turn for help. The municipality fills in phone and web; a missing phone
/// number is a warning from `konflikt check`, never an invented one.
public struct Resource: Sendable, Hashable {
    /// The resource's id, named by actions and rules.
    public let id: String
    /// Its name in Danish.
    public let name: String
    /// What it offers, in Danish.
    public let offers: String
    /// Phone number; empty when the municipality has not filled it in.
    public let phone: String
    /// Web address; empty when not filled in.
    public let web: String
    /// Name and offer in other languages, by language code (`en`).
    public let translations: [String: (name: String, offers: String)]

    public static func == (a: Resource, b: Resource) -> Bool {
        a.id == b.id && a.name == b.name && a.offers == b.offers && a.phone == b.phone && a.web == b.web
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The name in `language`, falling back to Danish.
    public func name(in language: String) -> String { translations[language]?.name ?? name }
    /// The offer in `language`, falling back to Danish.
    public func offers(in language: String) -> String { translations[language]?.offers ?? offers }
}

/// The texts framing the family leaflet in one language.
public struct LeafletText: Sendable, Hashable {
    /// The heading.
    public let title: String
    /// The text before the resources.
    public let intro: String
    /// The text after them.
    public let outro: String
}

/// The headings of the journal note; the form may give its own (`journal:`), else these.
public struct JournalTexts: Sendable, Hashable {
    public var heading = "Konfliktscreening"
    public var asked = "Screeningsspørgsmålet blev stillet."
    public var notAsked = "Screeningsspørgsmålet blev ikke stillet. Årsag:"
    public var answers = "Svar"
    public var recommendation = "Anbefaling"
    public var override = "Sundhedsplejersken valgte i stedet"
    public var instruction = "Videre handling"
    public var family = "Til familien"
    public var resources = "Hjælp til familien"
    public var author = "Sundhedsplejerske"

    /// The default headings.
    public init() {}

    /// The YAML key of each heading, for loading.
    static var keys: [(String, WritableKeyPath<JournalTexts, String>)] { [
        ("heading", \.heading), ("asked", \.asked), ("not_asked", \.notAsked), ("answers", \.answers),
        ("recommendation", \.recommendation), ("override", \.override), ("instruction", \.instruction),
        ("family", \.family), ("resources", \.resources), ("author", \.author),
    ] }
}

/// A screening form loaded and checked from a YAML file in `forms/`.
public struct Form: Sendable {
    /// The form's id, e.g. `konfliktscreening`.
    public let id: String
    /// The form's version.
    public let version: Int
    /// The title (Danish).
    public let title: String
    /// The steps in order.
    public let steps: [FormStep]
    /// The actions the rules can recommend.
    public let actions: [FormAction]
    /// The rules in order.
    public let rules: [Rule]
    /// The action recommended when no rule fires.
    public let defaultActionID: String
    /// SHA-256 (hex) of the form file's bytes.
    public let fingerprint: String
    /// The file the form was loaded from.
    public let path: String
    /// The warnings the form declares.
    public let warningRules: [FormWarning]
    /// Where families can turn, in form order.
    public let resources: [Resource]
    /// The leaflet's framing texts by language code (`da`, `en`).
    public let leaflet: [String: LeafletText]
    /// The journal note's headings.
    public let journalTexts: JournalTexts
    /// What `konflikt check` warns about without refusing the form (e.g. a resource without a phone
    /// number, a rule no golden case fires).
    public internal(set) var notices: [FormProblem]
    /// How many golden cases the form passed when it was loaded (0 when it has none).
    public internal(set) var goldenCaseCount = 0

    /// Every question in form order.
    public var questions: [Question] { steps.flatMap(\.questions) }

    /// The question `id`, if any.
    public func question(id: String) -> Question? {
        for step in steps { if let q = step.questions.first(where: { $0.id == id }) { return q } }
        return nil
    }

    /// The action `id`, if any.
    public func action(id: String) -> FormAction? { actions.first { $0.id == id } }

    /// The follow-up statuses of action `id`; an action the form does not know (from another form
    /// version) gets `FollowupStatus.defaults`, as it would have had before statuses were form data.
    public func statuses(ofAction id: String) -> [FollowupStatus] {
        action(id: id)?.statuses ?? FollowupStatus.defaults(doneLabel: "Udført")
    }

    /// The short label of follow-up status `id` of action `action` ("udført", "kontakt givet"), or
    /// "ukendt status (id)" for an id the form does not give the action.
    public func statusShortLabel(_ id: String, action: String) -> String {
        statuses(ofAction: action).first { $0.id == id }?.shortLabel ?? "ukendt status (\(id))"
    }

    /// The follow-up statuses per action id (every action of the form).
    public var statusesByAction: [String: [FollowupStatus]] {
        Dictionary(actions.map { ($0.id, $0.statuses) }, uniquingKeysWith: { a, _ in a })
    }

    /// The required roles the form does not declare (reported by `konflikt check`).
    public var missingRoles: [FieldRole] { FieldRole.required.filter { field(role: $0) == nil } }

    /// The roles the program uses but does not require, which the form does not declare, with what is
    /// lost (warned by `konflikt check`). The reason a screening was not done matters only when the form
    /// asks whether it was.
    public var missingUsefulRoles: [(role: FieldRole, lost: String)] {
        FieldRole.allCases.compactMap { role in
            guard let lost = role.lostWithout, field(role: role) == nil else { return nil }
            if role == .notScreenedReason, field(role: .screened) == nil { return nil }
            return (role, lost)
        }
    }

    /// The rule `id`, if any.
    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }

    /// The resource `id`, if any.
    public func resource(id: String) -> Resource? { resources.first { $0.id == id } }

    /// The question that has `role`, if the form declares one. Code names roles, never field ids.
    public func field(role: FieldRole) -> Question? { questions.first { $0.role == role } }

    /// The answer to the question with `role` as text (choice id, date, CPR, initials), if any.
    public func text(role: FieldRole, in answers: Answers) -> String? {
        guard let id = field(role: role)?.id, case .string(let text)? = answers[id] else { return nil }
        return text
    }

    /// The visit date answer (role `visit_date`), if any.
    public func visitDate(in answers: Answers) -> LocalDate? {
        text(role: .visitDate, in: answers).flatMap(LocalDate.init(iso:))
    }

    /// Whether the answers record a visit where the screening question was asked: false only when
    /// the `screened` question is answered no (a missing answer, as in records before it existed,
    /// counts as screened).
    public func wasScreened(_ answers: Answers) -> Bool {
        guard let id = field(role: .screened)?.id, case .bool(let screened)? = answers[id] else { return true }
        return screened
    }

    /// Each action's deadline in days, for folding the log into cases.
    public var deadlineDays: [String: Int] {
        var result: [String: Int] = [:]
        for action in actions { if let days = action.deadlineDays { result[action.id] = days } }
        return result
    }

    /// The ids of the actions that flag a case.
    public var flaggingActionIDs: Set<String> { Set(actions.filter(\.flags).map(\.id)) }
}
