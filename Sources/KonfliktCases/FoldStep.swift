import Foundation
import KonfliktCore
import KonfliktLog

/// What one event brings to the case index's fold, worked out from the event alone (`CaseIndex.step`):
/// the answers as bits, the CPR key, the action masks, the times. Steps are made on the threads that
/// decode the log, while earlier events are folded; the serial fold (`CaseIndex.fold`) only puts them
/// in order, so folding an event's step is folding the event.
struct FoldStep: Sendable, Equatable {
    /// What a screening's or correction's answers and decision set in a record (`CaseIndex.apply`).
    struct Outcome: Sendable, Equatable {
        /// Whether the decision flags the case.
        var decisionFlagged: Bool
        /// Whether the decision flagged it or was overridden (the case was flagged at some point).
        var flagsCase: Bool
        /// The recommended actions.
        var recommended: UInt64
        /// The override's actions, when there is an override.
        var overridden: UInt64?
        /// The tracked actions when there is no override.
        var tracked: UInt64
        /// The visit date (the date question's answer, else the body's visit date), when known.
        var visitDay: Int32?
        /// The visit's row, -1 when none.
        var visit: Int8
        /// The kept answer values.
        var answers: AnswerBits
        /// The CPR number's birth digits (-1 when none) and keyed hash (0 when none).
        var birth: Int32, cprKey: UInt64
    }

    /// The event's part in the fold.
    enum Body: Sendable, Equatable {
        case screening(device: String, author: String, otherForm: Bool, formVersion: Int32, outcome: Outcome)
        case correction(screening: UUID, outcome: Outcome)
        case followup(screening: UUID, day: Int32, action: Int8, status: UInt8, closes: Bool)
        /// Exports and access lines: nothing to fold.
        case none
    }

    /// The event's id.
    var id: UUID
    /// Where the line is: its number, byte offset and length without the newline.
    var line: Int, offset: Int, length: Int
    /// When the event was recorded (`CaseRules.millis`).
    var millis: Int64
    /// The event's hash (the file's head after it).
    var hash: LineHash
    /// Whether the reader's keys admit the event into the fold (`BodyKeys.admits`).
    var admitted: Bool
    var body: Body
}

extension CaseIndex {
    /// The fold step of `located` under `schema`, keying CPR numbers with `cprSecret`; `admitted` says
    /// whether it counts (see `BodyKeys.admits`). A pure function of its arguments: safe on any thread.
    static func step(_ located: LocatedEvent, schema: CaseSchema, cprSecret: [UInt8], admitted: Bool = true) -> FoldStep {
        let event = located.event
        let body: FoldStep.Body
        switch event.body {
        case .screening(let screening):
            body = .screening(device: event.device, author: event.author, otherForm: screening.form != schema.formID,
                              formVersion: Int32(clamping: screening.formVersion),
                              outcome: outcome(answers: screening.answers, decision: screening.decision,
                                               visitDate: screening.visitDate, override: screening.override,
                                               schema: schema, cprSecret: cprSecret))
        case .correction(let correction):
            body = .correction(screening: correction.screening,
                               outcome: outcome(answers: correction.answers, decision: correction.decision,
                                                visitDate: correction.visitDate, override: correction.override,
                                                schema: schema, cprSecret: cprSecret))
        case .followup(let followup):
            let bit = schema.actionBit(followup.action) ?? -1
            let status = schema.statusCode(followup.status, bit: bit)
            body = .followup(screening: followup.screening, day: Int32(clamping: followup.date.dayNumber),
                             action: Int8(bit), status: status, closes: schema.status(code: status, bit: bit).closes)
        case .export, .access:
            body = .none
        }
        return FoldStep(id: event.id, line: located.line, offset: located.offset, length: located.length,
                        millis: CaseRules.millis(event.timestamp), hash: LineHash(event.hash), admitted: admitted, body: body)
    }

    /// The fold step of a line read straight from its bytes (`LeanLineDecoder`) at `line`, `offset`,
    /// `length`: the same as `step` gives for the event on that line.
    static func step(_ lean: LeanLine, line: Int, offset: Int, length: Int, schema: CaseSchema, cprSecret: [UInt8],
                     admitted: Bool) -> FoldStep {
        let body: FoldStep.Body
        switch lean.kind {
        case .screening:
            body = .screening(device: lean.device, author: lean.author, otherForm: lean.otherForm,
                              formVersion: Int32(clamping: lean.formVersion), outcome: outcome(lean, cprSecret: cprSecret))
        case .correction:
            body = .correction(screening: lean.screening, outcome: outcome(lean, cprSecret: cprSecret))
        case .followup:
            let status = lean.statusIndex >= 0 ? UInt8(lean.statusIndex + 1) : StatusCodes.unknown
            body = .followup(screening: lean.screening, day: Int32(clamping: lean.day), action: Int8(lean.actionBit),
                             status: status, closes: schema.status(code: status, bit: lean.actionBit).closes)
        }
        return FoldStep(id: lean.id, line: line, offset: offset, length: length, millis: CaseRules.millis(lean.time),
                        hash: lean.hash, admitted: admitted, body: body)
    }

    /// `outcome` of a screening or correction read straight from its bytes.
    private static func outcome(_ lean: LeanLine, cprSecret: [UInt8]) -> FoldStep.Outcome {
        var birth: Int32 = -1, cprKey: UInt64 = 0
        if lean.cprDigits == 10 {
            // The ten digits again, leading zeros and all.
            var digits = [UInt8](repeating: 0x30, count: 10)
            var value = lean.cprValue
            for index in stride(from: 9, through: 0, by: -1) {
                digits[index] = 0x30 + UInt8(value % 10)
                value /= 10
            }
            birth = Int32(lean.cprValue / 10_000)
            cprKey = Self.cprKey(digits: digits, secret: cprSecret)
        }
        var answers = AnswerBits()
        answers.low = lean.answersLow
        answers.high = lean.answersHigh
        return FoldStep.Outcome(
            decisionFlagged: lean.flagged, flagsCase: lean.flagged || lean.overridden, recommended: lean.recommended,
            overridden: lean.overridden ? lean.overrideActions : nil, tracked: lean.tracked,
            visitDay: (lean.answerDay ?? lean.visitDate).map { Int32(clamping: $0.dayNumber) }, visit: lean.visit,
            answers: answers, birth: birth, cprKey: cprKey)
    }

    /// What a screening's or correction's answers and decision set in its record, by `CaseRules`.
    static func outcome(answers: Answers, decision: Decision, visitDate: LocalDate?, override: Override?,
                        schema: CaseSchema, cprSecret: [UInt8]) -> FoldStep.Outcome {
        var day: LocalDate?
        if case .string(let text)? = answers[schema.dateQuestion] { day = LocalDate(iso: text) }
        var visit: Int8 = -1
        if case .string(let choice)? = answers[schema.visitQuestion], let row = schema.visits.firstIndex(of: choice) {
            visit = Int8(clamping: row)
        }
        var birth: Int32 = -1, cprKey: UInt64 = 0
        if case .string(let cpr)? = answers[schema.cprQuestion] {
            let digits = String(decoding: cpr.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
            birth = digits.utf8.count == 10 ? Int32(digits.prefix(6)) ?? -1 : -1
            cprKey = Self.cprKey(digits, secret: cprSecret)
        }
        return FoldStep.Outcome(
            decisionFlagged: decision.flagged, flagsCase: decision.flagged || override != nil,
            recommended: schema.mask(decision.actions), overridden: override.map { schema.mask($0.actions) },
            tracked: schema.mask(CaseRules.trackedActions(decision: decision, override: nil,
                                                          flaggingActions: schema.flaggingActions)),
            visitDay: (day ?? visitDate).map { Int32(clamping: $0.dayNumber) }, visit: visit,
            answers: schema.answerMask(answers), birth: birth, cprKey: cprKey)
    }
}
