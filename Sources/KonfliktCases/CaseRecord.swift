import Foundation
import KonfliktCore
import KonfliktLog

/// Where a line is: the file (an index into the index's file names), its line number, byte offset and
/// length without the newline.
public struct LinePlace: Sendable, Hashable {
    /// The file's number in `CaseIndex.files`.
    public var file: Int32
    /// The 1-based line number.
    public var line: Int32
    /// The byte offset of the line's start.
    public var offset: Int64
    /// The line's length without its newline.
    public var length: Int32
}

/// The compact record of one screening in the case index: where its lines are, the visit and dates,
/// flags, the tracked actions with their status, the export's tallies (kept answer values as bits)
/// and a keyed hash of the child's CPR number for search. It never holds a CPR number, a note or a
/// free-text answer; the details are read again from the log when a case is opened.
public struct CaseRecord: Sendable, Hashable {
    /// The screening's id (the case id).
    public var id: UUID
    /// The screening line.
    public var place: LinePlace
    /// The device and the author, as indices into the index's string table.
    public var device: Int32, author: Int32
    /// When the screening was recorded (milliseconds since 1970).
    public var recorded: Int64
    /// When the correction in force was recorded; `noCorrection` when none.
    public var correctedAt: Int64
    /// The visit date in force (day number), or `noDay`.
    public var visitDay: Int32
    /// The day the screening was recorded (Danish time).
    public var screeningDay: Int32
    /// The visit's position among the schema's visits, or -1.
    public var visit: Int8
    /// `Flag` bits.
    public var flags: UInt8
    /// The form version of the screening.
    public var formVersion: Int32
    /// The child's birth date part of the CPR number (DDMMYY as a number), or -1: shown masked as `DDMMYY-****`.
    public var birth: Int32
    /// A keyed hash of the child's full CPR number (digits), 0 when none: search without keeping the number.
    public var cprKey: UInt64
    /// Actions recommended by the decision in force, and in force after an override (action bits).
    public var recommended: UInt64, inForce: UInt64
    /// Tracked actions (for the team lead), and the actions whose follow-up status in force closes them.
    public var tracked: UInt64, closed: UInt64
    /// Per action, the follow-up status in force as its position in the action's statuses.
    public var statuses: StatusCodes
    /// The kept answer values in force.
    public var answers: AnswerBits
    /// How many corrections and follow-ups point at the case.
    public var corrections: Int32, followups: Int32

    /// No correction.
    public static let noCorrection = Int64.min
    /// No day.
    public static let noDay = Int32.min

    /// Flag bits.
    public enum Flag {
        /// The decision in force flags the case.
        public static let decisionFlagged: UInt8 = 1
        /// The health visitor (or a correction) overrode the recommendation.
        public static let overridden: UInt8 = 2
        /// The screening was made with another form than the index's.
        public static let otherForm: UInt8 = 4
        /// The screening or any correction of it flagged the case or overrode the recommendation: the
        /// lead keeps seeing it among all cases even when a correction took the flag away.
        public static let wasFlagged: UInt8 = 8
    }

    /// Whether the case is flagged for the team lead.
    public var isFlagged: Bool {
        CaseRules.isFlagged(decisionFlagged: flags & Flag.decisionFlagged != 0, overridden: isOverridden)
    }
    /// Whether the case was flagged at some point (see `Flag.wasFlagged`).
    public var wasFlagged: Bool { isFlagged || flags & Flag.wasFlagged != 0 }
    /// Whether the recommendation was overridden.
    public var isOverridden: Bool { flags & Flag.overridden != 0 }
    /// Whether the screening was made with another form.
    public var isOtherForm: Bool { flags & Flag.otherForm != 0 }
    /// The tracked actions not closed by their follow-up status in force.
    public var openActions: UInt64 { tracked & ~closed }
    /// Whether any tracked action is open.
    public var isOpen: Bool { openActions != 0 }
    /// The day the case counts from: the visit date, else the screening day.
    public var startDay: Int32 { visitDay != Self.noDay ? visitDay : screeningDay }

    /// The status of the action with bit `bit`, read through the schema's statuses for it.
    public func status(ofBit bit: Int, schema: CaseSchema) -> ActionStatus {
        schema.status(code: statuses.code(bit), bit: bit)
    }

    /// The tracked actions with status, deadline and overdue, in the order of the actions in force
    /// (the override's or the decision's), by `CaseRules`.
    public func actionStates(schema: CaseSchema, today: LocalDate) -> [ActionState] {
        let start = LocalDate(dayNumber: Int(startDay))
        return schema.actions.indices.compactMap { bit -> ActionState? in
            guard tracked & (1 << UInt64(bit)) != 0 else { return nil }
            let action = schema.actions[bit]
            let status = status(ofBit: bit, schema: schema)
            let deadline = CaseRules.deadline(of: action, from: start, deadlineDays: schema.deadlineDays)
            return ActionState(action: action, status: status, deadline: deadline,
                               overdue: CaseRules.isOverdue(status: status, deadline: deadline, today: today),
                               followup: nil)
        }
    }

    /// Whether any tracked action is open past its deadline on `today`.
    public func isOverdue(schema: CaseSchema, today: LocalDate) -> Bool {
        actionStates(schema: schema, today: today).contains { $0.overdue }
    }

    /// `DDMMYY-****`, or `—` without a CPR number.
    public var maskedCPR: String { birth >= 0 ? Self.birthText(birth, masked: true) : "—" }

    /// The six birth-date digits (DDMMYY), if the case has a CPR number.
    public var birthDigits: String? { birth >= 0 ? Self.birthText(birth, masked: false) : nil }

    /// `birth` as six zero-padded digits, followed by `-****` when `masked`: written straight into the
    /// string (short enough to need no allocation), as the lists show one for each of thousands of cases.
    private static func birthText(_ birth: Int32, masked: Bool) -> String {
        let count = masked ? 11 : 6
        return String(unsafeUninitializedCapacity: count) { bytes in
            var rest = Int(birth) % 1_000_000
            for place in (0..<6).reversed() {
                bytes[place] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            if masked {
                bytes[6] = UInt8(ascii: "-")
                for place in 7..<11 { bytes[place] = UInt8(ascii: "*") }
            }
            return count
        }
    }
}

/// The follow-up status in force of each action of a record, as a 4-bit code per action bit, kept in
/// four bit planes (plane k holds bit k of every action's code), so a record stays fixed-size: 0 is no
/// follow-up, 1…14 the status's position in the action's statuses plus one, 15 an id the form does not
/// know for the action.
public struct StatusCodes: Sendable, Hashable {
    /// The bit planes, lowest bit first.
    public var planes: (UInt64, UInt64, UInt64, UInt64)

    /// No follow-up.
    public static let none: UInt8 = 0
    /// A status id the form does not know for the action.
    public static let unknown: UInt8 = 15

    /// No follow-up on any action.
    public init() { planes = (0, 0, 0, 0) }

    /// Codes from their planes (as `encoded` writes them).
    init(_ p0: UInt64, _ p1: UInt64, _ p2: UInt64, _ p3: UInt64) { planes = (p0, p1, p2, p3) }

    /// The code of the action with bit `bit`.
    public func code(_ bit: Int) -> UInt8 {
        let shift = UInt64(bit)
        return UInt8((planes.0 >> shift) & 1) | UInt8((planes.1 >> shift) & 1) << 1
            | UInt8((planes.2 >> shift) & 1) << 2 | UInt8((planes.3 >> shift) & 1) << 3
    }

    /// Sets the code of the action with bit `bit`.
    mutating func set(_ code: UInt8, bit: Int) {
        let mask: UInt64 = 1 << UInt64(bit)
        func apply(_ plane: inout UInt64, _ k: UInt8) {
            if code & (1 << k) != 0 { plane |= mask } else { plane &= ~mask }
        }
        apply(&planes.0, 0)
        apply(&planes.1, 1)
        apply(&planes.2, 2)
        apply(&planes.3, 3)
    }

    public static func == (lhs: StatusCodes, rhs: StatusCodes) -> Bool { lhs.planes == rhs.planes }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(planes.0)
        hasher.combine(planes.1)
        hasher.combine(planes.2)
        hasher.combine(planes.3)
    }
}
