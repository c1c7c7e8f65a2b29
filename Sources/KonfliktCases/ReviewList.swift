import Foundation
import KonfliktCore
import KonfliktLog

/// Which flagged cases the team lead sees.
public struct ReviewFilter: Sendable, Hashable {
    /// Closed cases too (default: only cases with an open action).
    public var includeClosed: Bool
    /// Only cases that track this action.
    public var action: String?
    /// Only cases recorded by this health visitor (initials, case-insensitive).
    public var author: String?
    /// Only the child with this CPR number (digits; the dash is ignored). Typed by the lead, never an argument.
    public var cpr: String?

    /// A filter; the defaults show every open flagged case.
    public init(includeClosed: Bool = false, action: String? = nil, author: String? = nil, cpr: String? = nil) {
        self.includeClosed = includeClosed
        self.action = action
        self.author = author
        self.cpr = cpr
    }

    /// Whether any filter beyond open/all is set.
    public var isNarrowed: Bool { action != nil || author != nil || cpr != nil }
}

/// One row of the team lead's list: a flagged case as it is shown, with the CPR number masked.
public struct ReviewRow: Sendable, Hashable {
    /// The case.
    public var item: CaseSummary
    /// The visit (`2mdr`, `8mdr`) if answered.
    public var visit: String?
    /// The day the case counts from: the visit date, else the screening date.
    public var date: LocalDate
    /// Days since `date` while the case is open; nil when closed.
    public var daysOpen: Int?

    /// `DDMMYY-****`, or `—` without a CPR number.
    public var maskedCPR: String { item.maskedCPR }

    /// Masks a CPR number to its birth date part.
    public static func mask(_ cpr: String?) -> String {
        guard let cpr else { return "—" }
        let digits = cpr.filter(\.isNumber)
        guard digits.count == 10 else { return "******-****" }
        return String(digits.prefix(6)) + "-****"
    }
}

/// Builds the team lead's list from folded cases: flagged cases only, filtered, most urgent first.
public enum ReviewList {
    /// How many rows are written (or kept ready on the screen) per reading of the cases left in the index
    /// file (`CaseList.prepare`).
    public static let block = 32_768

    /// The rows for `cases` under `filter`, sorted by urgency (see `order`).
    public static func rows(_ cases: some RandomAccessCollection<CaseSummary>, filter: ReviewFilter, form: Form,
                            today: LocalDate, cprKey: (String) -> UInt64 = { _ in 0 }) -> [ReviewRow] {
        let cases = Array(cases)
        return order(cases, filter: filter, form: form, today: today, cprKey: cprKey).map { row(cases[$0], today: today) }
    }

    /// The positions in `cases` of the rows under `filter`, sorted by urgency: overdue cases first (the
    /// most severe action first, then the oldest deadline), then open cases by deadline, then closed
    /// ones newest first. A CPR filter of ten digits matches by `cprKey` (the index's keyed hash of that
    /// number), fewer digits match the start of the birth date. Each case is read once here and again
    /// for its row (`row`), so a long list is never held as rows.
    public static func order<Cases: RandomAccessCollection<CaseSummary>>(
        _ cases: Cases, filter: ReviewFilter, form: Form, today: LocalDate,
        cprKey: (String) -> UInt64 = { _ in 0 }) -> [Int] where Cases.Index == Int {
        ordered(cases, filter: filter, form: form, today: today, cprKey: cprKey).places
    }

    /// As `order`, with how many of the rows are open and how many overdue (counted as they are read).
    /// `each` is given every case as it is read, listed or not (for what else the caller gathers in the
    /// same pass: a long list's summaries are made when read).
    public static func ordered<Cases: RandomAccessCollection<CaseSummary>>(
        _ cases: Cases, filter: ReviewFilter, form: Form, today: LocalDate,
        cprKey: (String) -> UInt64 = { _ in 0 },
        each: (CaseSummary) -> Void = { _ in }) -> (places: [Int], open: Int, overdue: Int) where Cases.Index == Int {
        let severity = Dictionary(form.actions.map { ($0.id, $0.severity) }, uniquingKeysWith: { first, _ in first })
        let wantedCPR = filter.cpr.map { $0.filter(\.isNumber) }.flatMap { $0.isEmpty ? nil : $0 }
        let wantedKey = wantedCPR.flatMap { $0.count == 10 ? cprKey($0) : nil }
        let wantedAuthor = filter.author?.trimmingCharacters(in: .whitespaces).uppercased()
        var keyed: [(key: Urgency, place: Int32)] = []
        keyed.reserveCapacity(cases.count)   // grown by doubling, a list of all cases held twice its size
        var open = 0, overdue = 0
        for place in cases.indices {
            let item = cases[place]
            each(item)
            guard item.flagged || (filter.includeClosed && item.wasFlagged) else { continue }
            if !filter.includeClosed, !item.isOpen { continue }
            if let action = filter.action, !item.actions.contains(where: { $0.action == action }) { continue }
            if let wantedAuthor, !wantedAuthor.isEmpty, item.author.uppercased() != wantedAuthor { continue }
            if let wantedCPR {
                if let wantedKey {
                    guard wantedKey != 0, item.cprKey == wantedKey else { continue }
                } else {
                    guard let birth = item.birthDigits, birth.hasPrefix(wantedCPR) else { continue }
                }
            }
            keyed.append((urgency(item, severity), Int32(place)))
            if item.isOpen { open += 1 }
            if item.isOverdue { overdue += 1 }
        }
        keyed.sort { $0.key < $1.key }
        return (keyed.map { Int($0.place) }, open, overdue)
    }

    /// The row of `item` in the list.
    public static func row(_ item: CaseSummary, today: LocalDate) -> ReviewRow {
        let date = item.visitDate ?? item.screeningDate
        return ReviewRow(item: item, visit: item.visit, date: date,
                         daysOpen: item.isOpen ? max(0, date.days(until: today)) : nil)
    }

    /// A row's sort key: smaller is more urgent. The group, the severity, the deadline and the age are
    /// packed into one number (24 bytes a key with the id: the list of all cases sorts 140,000 of them).
    struct Urgency: Comparable {
        var rank: UInt64
        /// The id's text order (`UUID.sortKey`).
        var idHigh: UInt64, idLow: UInt64

        /// Group (0…2) in the top 2 bits, then the severity (16 bits), the deadline and the age (23 bits
        /// each), each offset to count from its least value: a day more than 4 million days from 1970
        /// (past the year 13,000) sorts as the bound.
        init(group: Int, severity: Int, deadline: Int, age: Int, id: (UInt64, UInt64)) {
            func biased(_ value: Int, bits: Int) -> UInt64 {
                let half = 1 << (bits - 1)
                return UInt64(Swift.min(Swift.max(value, -half), half - 1) + half)
            }
            rank = UInt64(group) << 62 | biased(severity, bits: 16) << 46 | biased(deadline, bits: 23) << 23
                | biased(age, bits: 23)
            idHigh = id.0
            idLow = id.1
        }

        static func < (lhs: Urgency, rhs: Urgency) -> Bool {
            (lhs.rank, lhs.idHigh, lhs.idLow) < (rhs.rank, rhs.idHigh, rhs.idLow)
        }
    }

    /// The sort key of `item`.
    private static func urgency(_ item: CaseSummary, _ severity: [String: Int]) -> Urgency {
        // Over the open actions: the most severe, and the earliest deadline.
        var topSeverity: Int?, deadline = Int.max, overdue = false
        for action in item.actions where !action.status.closes {
            overdue = overdue || action.overdue
            topSeverity = max(topSeverity ?? .min, severity[action.action] ?? 0)
            if let day = action.deadline?.dayNumber { deadline = min(deadline, day) }
        }
        let group = overdue ? 0 : topSeverity != nil ? 1 : 2
        // Closed cases: newest first.
        let day = (item.visitDate ?? item.screeningDate).dayNumber
        let age = group == 2 ? -day : day
        let id = item.id.sortKey          // the order of the id's text, without building it
        return Urgency(group: group, severity: -(topSeverity ?? 0), deadline: group == 2 ? 0 : deadline, age: age, id: id)
    }
}
