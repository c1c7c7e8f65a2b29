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
    /// The rows for `cases` under `filter`, sorted by urgency: overdue cases first (the most severe
    /// action first, then the oldest deadline), then open cases by deadline, then closed ones newest
    /// first. A CPR filter of ten digits matches by `cprKey` (the index's keyed hash of that number),
    /// fewer digits match the start of the birth date.
    public static func rows(_ cases: [CaseSummary], filter: ReviewFilter, form: Form, today: LocalDate,
                            cprKey: (String) -> UInt64 = { _ in 0 }) -> [ReviewRow] {
        let severity = Dictionary(form.actions.map { ($0.id, $0.severity) }, uniquingKeysWith: { first, _ in first })
        let wantedCPR = filter.cpr.map { $0.filter(\.isNumber) }.flatMap { $0.isEmpty ? nil : $0 }
        let wantedKey = wantedCPR.flatMap { $0.count == 10 ? cprKey($0) : nil }
        let wantedAuthor = filter.author?.trimmingCharacters(in: .whitespaces).uppercased()
        var rows: [ReviewRow] = []
        for item in cases where item.flagged || (filter.includeClosed && item.wasFlagged) {
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
            let date = item.visitDate ?? item.screeningDate
            rows.append(ReviewRow(item: item, visit: item.visit, date: date,
                                  daysOpen: item.isOpen ? max(0, date.days(until: today)) : nil))
        }
        let keys = rows.map { urgency($0, severity) }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        return order.map { rows[$0] }
    }

    /// A sort key: smaller is more urgent.
    private static func urgency(_ row: ReviewRow, _ severity: [String: Int])
        -> (Int, Int, Int, Int, UInt64, UInt64) {
        let item = row.item
        let open = item.actions.filter { !$0.status.closes }
        let group = item.isOverdue ? 0 : item.isOpen ? 1 : 2
        let topSeverity = open.map { severity[$0.action] ?? 0 }.max() ?? 0
        let deadline = open.compactMap(\.deadline).map(\.dayNumber).min() ?? Int.max
        // Closed cases: newest first.
        let age = group == 2 ? -row.date.dayNumber : row.date.dayNumber
        let id = item.id.sortKey          // the order of the id's text, without building it
        return (group, -topSeverity, group == 2 ? 0 : deadline, age, id.0, id.1)
    }
}
