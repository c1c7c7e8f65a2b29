import Foundation
import KonfliktCore
import KonfliktLog

/// What the case index needs to know of a form, in one place: which questions play which role, the
/// actions as bit positions, and the answer values it keeps as bits for the export's tallies.
public struct CaseSchema: Sendable, Hashable {
    /// The form's id.
    public let formID: String
    /// The form file's fingerprint; an index made under another form is rebuilt.
    public let formFingerprint: String
    /// The question giving the visit (a choice question), the visit date, the child's CPR number, and
    /// whether the parents were informed.
    public let visitQuestion: String, dateQuestion: String, cprQuestion: String, informedQuestion: String
    /// The visit choice ids in form order.
    public let visits: [String]
    /// The action ids, most severe first, then in form order; an action's bit is its position.
    public let actions: [String]
    /// Deadline days per action.
    public let deadlineDays: [String: Int]
    /// The flagging actions.
    public let flaggingActions: Set<String>
    /// The follow-up statuses of each action, by action bit; a record keeps a status as its position
    /// here (see `StatusCodes`).
    public let statuses: [[FollowupStatus]]
    /// The answer values kept per screening: (question, value) in order; a value's bit is its position.
    /// Yes/no questions give `ja` and `nej`.
    public let answerValues: [AnswerValueKey]
    private let answerBit: [String: [String: Int]]

    /// At most this many actions and answer values fit in a record.
    public static let maxActions = 64, maxAnswerValues = 128

    /// The schema of `form`: the kept answers are those of every `report: true` choice, multichoice or
    /// yes/no question, and the informed question. Forms with more actions or values than fit are
    /// refused with a Danish message.
    public init(form: Form) throws(CaseIndexError) {
        formID = form.id
        formFingerprint = form.fingerprint
        // By the roles the form declares, as `ReportLayout` finds them; a form without a role has no such
        // question here (an empty id matches none).
        visitQuestion = form.field(role: .visit)?.id ?? ""
        dateQuestion = form.field(role: .visitDate)?.id ?? ""
        cprQuestion = form.field(role: .childCPR)?.id ?? ""
        informedQuestion = form.field(role: .informed)?.id ?? ""
        visits = form.question(id: visitQuestion)?.choices.map(\.id) ?? []
        // Most severe first (as a decision orders them), then form order: the order actions are shown in.
        actions = form.actions.enumerated().sorted { ($0.element.severity, -$0.offset) > ($1.element.severity, -$1.offset) }
            .map(\.element.id)
        deadlineDays = form.deadlineDays
        flaggingActions = form.flaggingActionIDs
        statuses = actions.map { form.statuses(ofAction: $0) }
        var values: [AnswerValueKey] = []
        var bits: [String: [String: Int]] = [:]
        for question in form.questions where question.report || question.id == informedQuestion {
            guard question.id != visitQuestion else { continue }
            let ids: [String]
            switch question.kind {
            case .choice, .multichoice: ids = question.choices.map(\.id)
            case .yesno: ids = ["ja", "nej"]
            case .text, .date, .cpr, .number: continue
            }
            for id in ids {
                bits[question.id, default: [:]][id] = values.count
                values.append(AnswerValueKey(question: question.id, value: id))
            }
        }
        answerValues = values
        answerBit = bits
        guard actions.count <= Self.maxActions, values.count <= Self.maxAnswerValues else {
            throw .formTooWide(actions: actions.count, values: values.count)
        }
    }

    /// What makes an index made under this schema usable: the form's fingerprint and the kept values.
    var signature: String {
        ([formID, formFingerprint, visitQuestion, dateQuestion, cprQuestion, informedQuestion]
         + visits + ["|"] + actions + ["|"] + answerValues.map { "\($0.question)=\($0.value)" } + ["|"]
         + statuses.map { $0.map { "\($0.id)=\($0.closes ? 1 : 0)" }.joined(separator: ",") }).joined(separator: "\u{1F}")
    }

    /// The bit of action `id`, if the form has it.
    public func actionBit(_ id: String) -> Int? { actions.firstIndex(of: id) }

    /// The statuses of each action by id, for folding a case's details.
    var statusesByAction: [String: [FollowupStatus]] {
        Dictionary(zip(actions, statuses).map { ($0, $1) }, uniquingKeysWith: { a, _ in a })
    }

    /// The code a record keeps for a follow-up with status `id` on the action with bit `bit`: its
    /// position in the action's statuses plus one, or `StatusCodes.unknown` for an id the form does not
    /// give the action.
    func statusCode(_ id: String, bit: Int) -> UInt8 {
        guard bit >= 0, bit < statuses.count, let index = statuses[bit].firstIndex(where: { $0.id == id }) else {
            return StatusCodes.unknown
        }
        return UInt8(index + 1)
    }

    /// The status of the action with bit `bit` whose record keeps `code`.
    public func status(code: UInt8, bit: Int) -> ActionStatus {
        guard code != StatusCodes.none, bit >= 0, bit < statuses.count else { return .open }
        let list = statuses[bit]
        guard code != StatusCodes.unknown, Int(code) <= list.count else {
            return ActionStatus(id: FollowupStatus.unknownID, status: nil)
        }
        return CaseRules.status(id: list[Int(code) - 1].id, statuses: list)
    }

    /// The bit of the answer `value` to `question`, if it is kept.
    public func answerBit(question: String, value: String) -> Int? { answerBit[question]?[value] }

    /// The bits of `actions`.
    func mask(_ actions: [String]) -> UInt64 {
        var mask: UInt64 = 0
        for action in actions { if let bit = actionBit(action) { mask |= 1 << UInt64(bit) } }
        return mask
    }

    /// The kept answer values of `answers` as bits.
    func answerMask(_ answers: Answers) -> AnswerBits {
        var bits = AnswerBits()
        for (question, values) in answerBit {
            guard let answer = answers[question] else { continue }
            switch answer {
            case .string(let value): if let bit = values[value] { bits.insert(bit) }
            case .strings(let chosen): for value in chosen { if let bit = values[value] { bits.insert(bit) } }
            case .bool(let value): if let bit = values[value ? "ja" : "nej"] { bits.insert(bit) }
            case .number: break
            }
        }
        return bits
    }

    /// The ids the direct line decoder looks up (`LeanLineDecoder`), with the same meaning as `actionBit`,
    /// `statusCode`, `answerMask` and the role questions give them; nil when an id is not ASCII (then
    /// every line takes the usual path) or there are more than 64 questions to look up.
    public var leanTables: LeanLineTables? {
        var all = [formID, visitQuestion, dateQuestion, cprQuestion] + visits + actions
        all += statuses.flatMap { $0.map(\.id) }
        for (question, values) in answerBit { all += [question] + Array(values.keys) }
        guard all.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        var questions: [LeanLineTables.Question] = []
        func slot(_ id: String) -> Int {
            if let found = questions.firstIndex(where: { $0.id == Array(id.utf8) }) { return found }
            questions.append(LeanLineTables.Question(id: Array(id.utf8)))
            return questions.count - 1
        }
        for (question, values) in answerBit {
            let index = slot(question)
            for (value, bit) in values {
                questions[index].values.append(Array(value.utf8))
                questions[index].bits.append(bit)
            }
            questions[index].trueBit = values["ja"]
            questions[index].falseBit = values["nej"]
        }
        let visit = slot(visitQuestion)
        for (row, choice) in visits.enumerated() where !questions[visit].visits.contains(Array(choice.utf8)) {
            questions[visit].visits.append(Array(choice.utf8))
            questions[visit].rows.append(Int8(clamping: row))
        }
        questions[slot(dateQuestion)].isDate = true
        questions[slot(cprQuestion)].isCPR = true
        guard questions.count <= 64 else { return nil }
        var ids: [[UInt8]] = [], bits: [Int] = [], flagging: [Bool] = []
        for (bit, action) in actions.enumerated() where !ids.contains(Array(action.utf8)) {
            ids.append(Array(action.utf8))
            bits.append(bit)
            flagging.append(flaggingActions.contains(action))
        }
        return LeanLineTables(formID: Array(formID.utf8), questions: questions, actions: ids, actionBits: bits,
                              flagging: flagging, statuses: statuses.map { $0.map { Array($0.id.utf8) } })
    }

    /// The action ids of `mask`, most severe first.
    public func actions(in mask: UInt64) -> [String] {
        actions.indices.filter { mask & (1 << UInt64($0)) != 0 }.map { actions[$0] }
    }
}

/// One kept answer value.
public struct AnswerValueKey: Sendable, Hashable {
    /// The question id.
    public var question: String
    /// The choice id, or `ja`/`nej`.
    public var value: String
}

/// A set of answer-value bits (up to 128).
public struct AnswerBits: Sendable, Hashable {
    /// Bits 0–63 and 64–127.
    public var low: UInt64 = 0, high: UInt64 = 0

    /// An empty set.
    public init() {}

    mutating func insert(_ bit: Int) {
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }

    /// Whether `bit` is set.
    public func contains(_ bit: Int) -> Bool {
        bit < 64 ? low & (1 << UInt64(bit)) != 0 : high & (1 << UInt64(bit - 64)) != 0
    }
}

/// Why the case index could not be used.
public enum CaseIndexError: Error, Sendable, Equatable, UserFacingError {
    /// The form has more actions or answer values than a record holds.
    case formTooWide(actions: Int, values: Int)

    public var danishDescription: String {
        switch self {
        case .formTooWide(let actions, let values):
            return "Formularen har \(actions) handlinger og \(values) svarværdier til optælling; sagsindekset kan højst rumme \(CaseSchema.maxActions) og \(CaseSchema.maxAnswerValues)."
        }
    }

    public var exitCode: Int32 { ExitStatus.dataError }
}
