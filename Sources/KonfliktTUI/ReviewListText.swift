import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog

/// How the team lead's list is shown: the Danish text table and the JSON of `review --list`, and the
/// short action names of the screen (presentation, next to the screens; the query is `ReviewList.rows`).
extension ReviewList {
    /// One case as `review --list --json` writes it (CPR masked). Properties are declared in
    /// alphabetical order, so the encoder writes keys sorted without sorting them.
    public struct Item: Encodable, Sendable {
        public var actions: [String]
        public var author: String
        public var child: String
        public var corrections: Int
        public var date: String
        public var days_open: Int?
        public var deadlines: [String: String]
        public var device: String
        public var id: String
        public var open: Bool
        public var overdue: Bool
        public var overridden: Bool
        public var status: [String: String]
        public var visit: String?

        public func encode(to encoder: Encoder) throws {
            enum Key: String, CodingKey {
                case actions, author, child, corrections, date, days_open, deadlines, device, id, open, overdue
                case overridden, status, visit
            }
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(actions, forKey: .actions)
            try container.encode(author, forKey: .author)
            try container.encode(child, forKey: .child)
            try container.encode(corrections, forKey: .corrections)
            try container.encode(date, forKey: .date)
            try container.encode(days_open, forKey: .days_open)       // null when closed
            try container.encode(deadlines, forKey: .deadlines)
            try container.encode(device, forKey: .device)
            try container.encode(id, forKey: .id)
            try container.encode(open, forKey: .open)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(overridden, forKey: .overridden)
            try container.encode(status, forKey: .status)
            try container.encode(visit, forKey: .visit)
        }
    }

    /// A row as the JSON object of `review --list --json`.
    public static func item(_ row: ReviewRow) -> Item {
        let case_ = row.item
        var deadlines: [String: String] = [:]
        for state in case_.actions { if let deadline = state.deadline { deadlines[state.action] = deadline.iso } }
        return Item(actions: case_.actions.map(\.action), author: case_.author, child: row.maskedCPR,
                    corrections: case_.corrections, date: row.date.iso, days_open: row.daysOpen,
                    deadlines: deadlines, device: case_.device, id: case_.id.lowercaseText,
                    open: case_.isOpen, overdue: case_.isOverdue, overridden: case_.overridden,
                    status: Dictionary(case_.actions.map { ($0.action, jsonStatus($0.status)) }, uniquingKeysWith: { a, _ in a }),
                    visit: row.visit)
    }

    /// `item(row).jsonLine()`'s bytes, with `author` in place of the row's, appended to `out` without
    /// building the item and its two dictionaries (the list at a million events has 23,000 lines).
    public static func appendJSON(_ row: ReviewRow, author: String, to out: inout [UInt8]) {
        let case_ = row.item
        // The maps are written sorted by action id; an action appears once (a bit in the index).
        let sorted = case_.actions.sorted { $0.action < $1.action }
        writeJSON(actions: case_.actions.lazy.map(\.action), author: author, child: row.maskedCPR,
                  corrections: case_.corrections, date: row.date.iso, daysOpen: row.daysOpen,
                  deadlines: sorted.lazy.compactMap { state in state.deadline.map { (state.action, $0.iso) } },
                  device: case_.device, id: case_.id.lowercaseText, open: case_.isOpen, overdue: case_.isOverdue,
                  overridden: case_.overridden, status: sorted.lazy.map { ($0.action, jsonStatus($0.status)) },
                  visit: row.visit, to: &out)
    }

    /// The one writer of a `review --list --json` line: keys in alphabetical order, the two maps given
    /// as pairs already sorted by key, strings escaped as `JSONEncoder` escapes them.
    static func writeJSON(actions: some Sequence<String>, author: String, child: String, corrections: Int, date: String,
                          daysOpen: Int?, deadlines: some Sequence<(String, String)>, device: String, id: String,
                          open: Bool, overdue: Bool, overridden: Bool, status: some Sequence<(String, String)>,
                          visit: String?, to out: inout [UInt8]) {
        func string(_ text: String) { JSONString.append(text, to: &out) }
        func raw(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func flag(_ value: Bool) { if value { raw("true") } else { raw("false") } }
        func map(_ pairs: some Sequence<(String, String)>) {
            out.append(0x7B)
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(0x2C) }
                string(pair.0)
                out.append(0x3A)
                string(pair.1)
            }
            out.append(0x7D)
        }
        raw("{\"actions\":[")
        for (index, action) in actions.enumerated() {
            if index > 0 { out.append(0x2C) }
            string(action)
        }
        raw("],\"author\":")
        string(author)
        raw(",\"child\":")
        string(child)
        raw(",\"corrections\":")
        out.append(contentsOf: String(corrections).utf8)
        raw(",\"date\":")
        string(date)
        raw(",\"days_open\":")
        if let daysOpen { out.append(contentsOf: String(daysOpen).utf8) } else { raw("null") }
        raw(",\"deadlines\":")
        map(deadlines)
        raw(",\"device\":")
        string(device)
        raw(",\"id\":")
        string(id)
        raw(",\"open\":")
        flag(open)
        raw(",\"overdue\":")
        flag(overdue)
        raw(",\"overridden\":")
        flag(overridden)
        raw(",\"status\":")
        map(status)
        raw(",\"visit\":")
        if let visit { string(visit) } else { raw("null") }
        out.append(0x7D)
    }

    /// An action's status in `review --list --json`: `open` without a follow-up, else the status id as
    /// the log and `konflikt followup --status` spell it (`udfoert`, `kontakt_givet`, …), or `ukendt`
    /// for an id the form does not know for the action.
    static func jsonStatus(_ status: ActionStatus) -> String {
        status.id == nil ? "open" : status.key
    }

    /// The short Danish name of an action for the table.
    public static func shortLabel(_ action: String, form: Form) -> String {
        // The form's `short_label`, else its label cut to fit the table.
        guard let found = form.action(id: action) else { return action }
        let label = found.shortLabel
        return label.count > 14 ? String(label.prefix(13)) + "…" : label
    }

    /// The heading of the text table of `review --list` (one line per case, the actions last).
    public static let textHeader = "Dato        Besøg  Barn         SP     Dage  Id                                    Handlinger"

    /// One row of the text table (its columns have fixed widths, so a long list is written a row at a time).
    public static func textLine(_ row: ReviewRow, form: Form) -> String {
        var actions = row.item.actions.map { state -> String in
            "\(shortLabel(state.action, form: form)): \(state.status.label)\(state.overdue ? " (over frist)" : "")"
        }.joined(separator: ", ")
        if row.item.overridden { actions += " [tilsidesat]" }
        let days = row.daysOpen.map(String.init) ?? "–"
        return [
            pad(row.date.danish, 11), pad(row.visit ?? "–", 6), pad(row.maskedCPR, 12), pad(row.item.author, 6),
            pad(days, 5), pad(row.item.id.lowercaseText, 37), actions,
        ].joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

extension ReviewList.Item {
    /// The item as one line of JSON, written by hand (`ReviewList.writeJSON`): the same bytes as
    /// `JSONEncoder` with sorted keys and unescaped slashes (a test compares them), about twenty times
    /// faster for long lists.
    public func jsonLine() -> String {
        var out: [UInt8] = []
        func sorted(_ map: [String: String]) -> [(String, String)] {
            map.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        ReviewList.writeJSON(actions: actions, author: author, child: child, corrections: corrections, date: date,
                             daysOpen: days_open, deadlines: sorted(deadlines), device: device, id: id, open: open,
                             overdue: overdue, overridden: overridden, status: sorted(status), visit: visit, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
