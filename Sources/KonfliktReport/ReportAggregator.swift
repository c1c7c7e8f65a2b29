import Crypto
import Foundation
import KonfliktCore
import KonfliktLog

/// Which screenings to count and how to group them.
public struct ReportOptions: Sendable, Hashable {
    /// The period grouping.
    public var granularity: PeriodGranularity
    /// The first visit date counted (inclusive), if any.
    public var from: LocalDate?
    /// The last visit date counted (inclusive), if any.
    public var to: LocalDate?

    /// Options for a report.
    public init(granularity: PeriodGranularity = .quarter, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.granularity = granularity
        self.from = from
        self.to = to
    }
}

/// One row of counts: a period and a visit (`2mdr`, `8mdr`, `ukendt`) or the period's total (`i alt`).
public struct ReportRow: Sendable, Hashable {
    /// The period label, e.g. `2026K1`.
    public var period: String
    /// The visit id, `ukendt` (no known visit) or `i alt` (the period's total).
    public var visit: String
    /// One count per column of the layout.
    public var values: [Int]

    /// The row label of a period's total.
    public static let totalLabel = "i alt"
    /// The row label of screenings without a known visit.
    public static let unknownVisitLabel = "ukendt"

    /// Whether this is a period's total row.
    public var isTotal: Bool { visit == ReportRow.totalLabel }
}

/// The counts before suppression, with what they cover.
public struct ReportTable: Sendable {
    /// The columns.
    public var layout: ReportLayout
    /// The options the table was made with.
    public var options: ReportOptions
    /// Per period (ascending, gaps filled with zero rows): one row per visit, `ukendt` when the period
    /// has screenings without a known visit, then the total.
    public var rows: [ReportRow]
    /// The form versions of the counted screenings, ascending.
    public var formVersions: [Int]
    /// SHA-256 (hex) over the data directory's files and head hashes (see docs/EXPORT.md).
    public var dataFingerprint: String
    /// Screenings counted.
    public var screeningsCounted: Int
    /// Screenings of other forms, not counted.
    public var otherFormScreenings: Int
    /// Corrections and follow-ups whose screening is not in the log, not counted.
    public var orphans: Int

    /// The period labels in order.
    public var periods: [String] {
        var seen: [String] = []
        for row in rows where seen.last != row.period { seen.append(row.period) }
        return seen
    }
}

/// Folds a stream of log events into export counts with bounded memory: per screening it keeps only
/// a compact 48-byte summary (counted columns as bits, visit, visit day, override flag, the timestamp of the
/// correction in force), never the answers. Events may come in any order: a correction may come
/// before or after its screening; the latest correction by timestamp wins (a later one in the stream
/// wins a tie). Per flagging action the latest follow-up (by date, then timestamp) decides whether it
/// counts as `udfoert`.
public struct ReportAggregator: Sendable {
    /// The columns.
    public let layout: ReportLayout
    private var store = ScreeningStore()
    private var followups: [FollowupKey: FollowupState] = [:]
    private var heads: [String: String] = [:]
    /// With a reference scan: the options of the table, and the screenings some event points at.
    private let settled: (options: ReportOptions, referenced: [UUID: Int32])?
    /// Screenings that nothing points at, counted as they were read (with `settled`).
    private var direct = Tally()
    /// Fingerprints of the screenings counted directly, so that a repeated id still counts once.
    private var directIDs = Set<UInt64>()

    /// An aggregator for `layout`; `finish(options:)` may be called with any options.
    public init(layout: ReportLayout) {
        self.layout = layout
        settled = nil
    }

    /// An aggregator for `layout` and `options` that counts a screening as soon as it is read when
    /// no correction or follow-up points at it (`references`, from `ReferenceScan`), keeping 8 bytes
    /// of it instead of 48. `finish(options:)` then uses `options` from here.
    public init(layout: ReportLayout, options: ReportOptions, references: [UUID: Int32]) {
        self.layout = layout
        settled = (options, references)
    }

    /// Folds one event read from `file`.
    public mutating func add(_ event: LogEvent, file: String) {
        heads[file] = event.hash
        switch event.body {
        case .screening(let body):
            if let settled, settled.referenced[event.id] == nil {
                countDirectly(event, body, options: settled.options)
                return
            }
            let slot = store.findOrInsert(event.id)
            guard store[slot].flags & Entry.seen == 0 else { return } // a repeated id: the first one counts
            var entry = store[slot]
            markSeen(&entry, event, body)
            store[slot] = entry
            if entry.correctionTimestamp == Entry.none {
                apply(answers: body.answers, actions: body.decision.actions, visitDate: body.visitDate, at: slot)
            }
        case .correction(let body):
            let slot = store.findOrInsert(body.screening)
            if body.override != nil { store[slot].flags |= Entry.override }
            let time = Self.milliseconds(event.timestamp)
            if time >= store[slot].correctionTimestamp {
                store[slot].correctionTimestamp = time
                apply(answers: body.answers, actions: body.decision.actions, visitDate: body.visitDate, at: slot)
            }
        case .followup(let body):
            guard let column = layout.followupColumns[body.action] else { return }
            let key = FollowupKey(screening: body.screening, column: UInt16(clamping: column))
            let state = FollowupState(day: Int32(clamping: body.date.dayNumber), time: Self.milliseconds(event.timestamp),
                                      done: body.status == .udfoert)
            if let old = followups[key], (old.day, old.time) > (state.day, state.time) { return }
            followups[key] = state
        case .export:
            break
        }
    }

    /// Counts a screening that nothing points at: its answers are final.
    private mutating func countDirectly(_ event: LogEvent, _ body: ScreeningBody, options: ReportOptions) {
        guard directIDs.insert(UInt64(truncatingIfNeeded: ScreeningStore.hash(event.id))).inserted else { return }
        var entry = Entry(id: event.id)
        markSeen(&entry, event, body)
        let bits = layout.bits(answers: body.answers, actions: body.decision.actions)
        entry.answerDay = answerDay(body.answers, visitDate: body.visitDate)
        entry.visit = visitRow(body.answers)
        direct.add(entry, layout: layout, options: options) { column in bits.contains(column) }
    }

    /// Records in `entry` what the screening event itself says (not its answers).
    private func markSeen(_ entry: inout Entry, _ event: LogEvent, _ body: ScreeningBody) {
        entry.flags |= Entry.seen
        if body.form != layout.formID { entry.flags |= Entry.otherForm }
        if body.override != nil { entry.flags |= Entry.override }
        entry.formVersion = Int32(clamping: body.formVersion)
        entry.screeningDay = Int32(clamping: (body.visitDate ?? LocalDate.today(now: event.date)).dayNumber)
    }

    /// The counts for `options` (for an aggregator made with options, those options).
    public func finish(options requested: ReportOptions) -> ReportTable {
        let options = settled?.options ?? requested
        var tally = direct
        var orphans = 0
        for slot in 0..<store.count {
            let entry = store[slot]
            if entry.flags & Entry.seen == 0 { orphans += 1; continue }
            tally.add(entry, layout: layout, options: options) { store.contains($0, at: slot) }
        }
        let width = layout.columns.count
        let visitRows = layout.visits.count + 1 // the last is `ukendt`
        var counts = tally.counts
        let versions = tally.versions
        let counted = tally.counted, otherForm = tally.otherForm
        for (key, state) in followups where state.done {
            guard let slot = store.find(key.screening) else { continue }
            guard let (period, visit) = Tally.place(store[slot], layout: layout, options: options),
                  counts[period] != nil else { continue }
            counts[period]?[visit][Int(key.column)] += 1
        }
        for key in followups.keys {
            let known = store.find(key.screening).map { store[$0].flags & Entry.seen != 0 } ?? false
            if !known { orphans += 1 }
        }

        var rows: [ReportRow] = []
        if let first = counts.keys.min(), let last = counts.keys.max() {
            for period in first...last {
                let label = options.granularity.label(ofKey: period)
                let table = counts[period] ?? Array(repeating: Array(repeating: 0, count: width), count: visitRows)
                var total = Array(repeating: 0, count: width)
                for (row, values) in table.enumerated() {
                    for column in 0..<width { total[column] += values[column] }
                    if row < layout.visits.count {
                        rows.append(ReportRow(period: label, visit: layout.visits[row], values: values))
                    } else if values[0] > 0 {
                        rows.append(ReportRow(period: label, visit: ReportRow.unknownVisitLabel, values: values))
                    }
                }
                rows.append(ReportRow(period: label, visit: ReportRow.totalLabel, values: total))
            }
        }
        return ReportTable(layout: layout, options: options, rows: rows, formVersions: versions.sorted(),
                           dataFingerprint: fingerprint, screeningsCounted: counted,
                           otherFormScreenings: otherForm, orphans: orphans)
    }

    /// SHA-256 (hex) over `<file name> <head hash>\n` for every file with a readable event, sorted by name.
    public var fingerprint: String {
        var hasher = SHA256()
        for name in heads.keys.sorted() {
            hasher.update(data: Data("\(name) \(heads[name] ?? "")\n".utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private mutating func apply(answers: Answers, actions: [String], visitDate: LocalDate?, at slot: Int) {
        store.setBits(layout.bits(answers: answers, actions: actions), at: slot)
        store[slot].answerDay = answerDay(answers, visitDate: visitDate)
        store[slot].visit = visitRow(answers)
    }

    /// The visit day of answers: the visit date answer, else the event's visitDate.
    private func answerDay(_ answers: Answers, visitDate: LocalDate?) -> Int32 {
        var day: LocalDate?
        if case .string(let text)? = answers[layout.dateQuestion] { day = LocalDate(iso: text) }
        day = day ?? visitDate
        return day.map { Int32(clamping: $0.dayNumber) } ?? Entry.noDay
    }

    /// The visit row of answers, -1 when unknown.
    private func visitRow(_ answers: Answers) -> Int8 {
        if case .string(let visit)? = answers[layout.visitQuestion], let row = layout.visits.firstIndex(of: visit) {
            return Int8(clamping: row)
        }
        return -1
    }

    /// Milliseconds since the epoch of a `YYYY-MM-DDTHH:MM:SS(.mmm)Z` timestamp; sorts like the text.
    static func milliseconds(_ timestamp: String) -> Int64 {
        var digits: [Int64] = []
        digits.reserveCapacity(17)
        for byte in timestamp.utf8 where byte >= 0x30 && byte <= 0x39 { digits.append(Int64(byte - 0x30)) }
        guard digits.count >= 14 else { return Entry.none + 1 }
        func number(_ range: Range<Int>) -> Int64 { range.reduce(0) { $0 * 10 + digits[$1] } }
        let date = LocalDate(year: Int(number(0..<4)), month: Int(number(4..<6)), day: Int(number(6..<8)))
        guard let date else { return Entry.none + 1 }
        let seconds = Int64(date.dayNumber) * 86_400 + number(8..<10) * 3600 + number(10..<12) * 60 + number(12..<14)
        let millis = digits.count >= 17 ? number(14..<17) : 0
        return seconds * 1000 + millis
    }
}

private typealias Entry = ScreeningEntry

/// Counts per period and visit row, before follow-ups.
private struct Tally: Sendable {
    var counts: [Int: [[Int]]] = [:]
    var versions = Set<Int>()
    var counted = 0
    var otherForm = 0

    /// Where a counted entry goes: (period key, visit row), or nil when it is not counted.
    static func place(_ entry: Entry, layout: ReportLayout, options: ReportOptions) -> (Int, Int)? {
        guard entry.flags & Entry.seen != 0, entry.flags & Entry.otherForm == 0 else { return nil }
        let day = entry.answerDay != Entry.noDay ? entry.answerDay : entry.screeningDay
        if let from = options.from, day < Int32(clamping: from.dayNumber) { return nil }
        if let to = options.to, day > Int32(clamping: to.dayNumber) { return nil }
        let period = options.granularity.key(of: LocalDate(dayNumber: Int(day)))
        let visit = entry.visit >= 0 ? Int(entry.visit) : layout.visits.count
        return (period, visit)
    }

    /// Counts a seen entry whose counted columns are given by `contains`.
    mutating func add(_ entry: Entry, layout: ReportLayout, options: ReportOptions, contains: (Int) -> Bool) {
        if entry.flags & Entry.otherForm != 0 { otherForm += 1; return }
        guard let (period, visit) = Self.place(entry, layout: layout, options: options) else { return }
        counted += 1
        versions.insert(Int(entry.formVersion))
        let width = layout.columns.count
        var table = counts.removeValue(forKey: period)
            ?? Array(repeating: Array(repeating: 0, count: width), count: layout.visits.count + 1)
        table[visit][0] += 1
        for column in 1..<width where contains(column) { table[visit][column] += 1 }
        if entry.flags & Entry.override != 0 { table[visit][layout.overridesColumn] += 1 }
        counts[period] = table
    }
}

private struct FollowupKey: Hashable, Sendable {
    var screening: UUID
    var column: UInt16
}

private struct FollowupState: Sendable {
    var day: Int32
    var time: Int64
    var done: Bool
}
