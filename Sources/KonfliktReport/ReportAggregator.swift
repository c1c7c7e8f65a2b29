import Crypto
import Foundation
import KonfliktCore
import KonfliktLog

/// Folds a stream of log events into `ScreeningFacts` and counts them with a `ReportTableBuilder`.
/// This is the only part of the export that knows the log's events; it is meant to be replaced by the
/// case index, which can hand its cases to `ReportTableBuilder` as facts.
///
/// Memory stays bounded: per screening it keeps a compact 48-byte entry (the report answers and
/// recommended actions as bits, visit, visit day, the timestamp of the correction in force), never the
/// answers. Events may come in any order: a correction may come before or after its screening; the
/// latest correction by timestamp wins (a later one in the stream wins a tie). The latest override by
/// timestamp gives the final actions. Per action the latest follow-up (by date, then timestamp) gives
/// its status.
public struct ReportAggregator: Sendable {
    /// The columns.
    public let layout: ReportLayout
    private let coding: FactCoding
    private var store = ScreeningStore()
    private var followups: [FollowupKey: FollowupState] = [:]
    private var overrides: [UUID: (time: Int64, actions: [String])] = [:]
    private var heads: [String: String] = [:]
    /// With a reference scan: the builder for the options, and the screenings some event points at.
    private var settled: (builder: ReportTableBuilder, referenced: [UUID: Int32])?
    /// Fingerprints of the screenings counted directly, so that a repeated id still counts once.
    private var directIDs = Set<UInt64>()
    private var directOtherForm = 0

    /// An aggregator for `layout`; `finish(options:)` may be called with any options.
    public init(layout: ReportLayout) {
        self.layout = layout
        coding = FactCoding(layout: layout)
        settled = nil
    }

    /// An aggregator for `layout` and `options` that counts a screening as soon as it is read when
    /// no correction or follow-up points at it (`references`, from `ReferenceScan`), keeping 8 bytes
    /// of it instead of 48. `finish(options:)` then uses `options` from here.
    public init(layout: ReportLayout, options: ReportOptions, references: [UUID: Int32]) {
        self.layout = layout
        coding = FactCoding(layout: layout)
        settled = (ReportTableBuilder(layout: layout, options: options), references)
    }

    /// Folds one event read from `file`.
    public mutating func add(_ event: LogEvent, file: String) {
        heads[file] = event.hash
        switch event.body {
        case .screening(let body):
            if let referenced = settled?.referenced, referenced[event.id] == nil {
                countDirectly(event, body)
                return
            }
            let slot = store.findOrInsert(event.id)
            guard store[slot].flags & Entry.seen == 0 else { return } // a repeated id: the first one counts
            var entry = store[slot]
            markSeen(&entry, event, body)
            store[slot] = entry
            if let override = body.override { noteOverride(event.id, Self.milliseconds(event.timestamp), override) }
            if entry.correctionTimestamp == Entry.none {
                apply(answers: body.answers, actions: body.decision.actions, visitDate: body.visitDate, at: slot)
            }
        case .correction(let body):
            let slot = store.findOrInsert(body.screening)
            let time = Self.milliseconds(event.timestamp)
            if let override = body.override { noteOverride(body.screening, time, override) }
            if time >= store[slot].correctionTimestamp {
                store[slot].correctionTimestamp = time
                apply(answers: body.answers, actions: body.decision.actions, visitDate: body.visitDate, at: slot)
            }
        case .followup(let body):
            guard let action = layout.actions.firstIndex(where: { $0.id == body.action }) else { return }
            let key = FollowupKey(screening: body.screening, action: UInt16(clamping: action))
            let state = FollowupState(day: Int32(clamping: body.date.dayNumber), time: Self.milliseconds(event.timestamp),
                                      status: body.status)
            if let old = followups[key], (old.day, old.time) > (state.day, state.time) { return }
            followups[key] = state
        case .export:
            break
        }
    }

    private mutating func noteOverride(_ id: UUID, _ time: Int64, _ override: Override) {
        if let old = overrides[id], old.time > time { return }
        overrides[id] = (time, override.actions)
    }

    /// Counts a screening that nothing points at: its answers are final.
    private mutating func countDirectly(_ event: LogEvent, _ body: ScreeningBody) {
        guard directIDs.insert(UInt64(truncatingIfNeeded: ScreeningStore.hash(event.id))).inserted else { return }
        guard body.form == layout.formID else { directOtherForm += 1; return }
        let answers = ScreeningFacts.reportAnswers(body.answers, layout: layout)
        let day = answerDay(body.answers, visitDate: body.visitDate)
        let date = day != Entry.noDay ? LocalDate(dayNumber: Int(day))
            : (body.visitDate ?? LocalDate.today(now: event.date))
        let visit = visitRow(body.answers)
        settled?.builder.add(ScreeningFacts(
            visit: visit >= 0 ? layout.visits[Int(visit)] : nil, date: date, formVersion: body.formVersion, answers: answers,
            recommended: body.decision.actions, final: body.override?.actions ?? body.decision.actions,
            overridden: body.override != nil))
    }

    /// Records in `entry` what the screening event itself says (not its answers).
    private func markSeen(_ entry: inout Entry, _ event: LogEvent, _ body: ScreeningBody) {
        entry.flags |= Entry.seen
        if body.form != layout.formID { entry.flags |= Entry.otherForm }
        entry.formVersion = Int32(clamping: body.formVersion)
        entry.screeningDay = Int32(clamping: (body.visitDate ?? LocalDate.today(now: event.date)).dayNumber)
    }

    /// The facts of every screening kept, with overrides and follow-ups applied.
    public func facts(_ body: (ScreeningFacts) -> Void) {
        var statuses: [Int: [String: FollowupStatus]] = [:]
        for (key, state) in followups {
            guard let slot = store.find(key.screening) else { continue }
            statuses[slot, default: [:]][layout.actions[Int(key.action)].id] = state.status
        }
        for slot in 0..<store.count {
            let entry = store[slot]
            guard entry.flags & Entry.seen != 0, entry.flags & Entry.otherForm == 0 else { continue }
            let (answers, recommended) = coding.decode { store.contains($0, at: slot) }
            let day = entry.answerDay != Entry.noDay ? entry.answerDay : entry.screeningDay
            let override = overrides[entry.id]
            body(ScreeningFacts(visit: entry.visit >= 0 ? layout.visits[Int(entry.visit)] : nil,
                                date: LocalDate(dayNumber: Int(day)), formVersion: Int(entry.formVersion),
                                answers: answers, recommended: recommended, final: override?.actions ?? recommended,
                                overridden: override != nil, statuses: statuses[slot] ?? [:]))
        }
    }

    /// The counts for `options` (for an aggregator made with options, those options).
    public func finish(options requested: ReportOptions) -> ReportTable {
        var builder = settled?.builder ?? ReportTableBuilder(layout: layout, options: requested)
        facts { builder.add($0) }
        var orphans = 0, otherForm = directOtherForm
        for slot in 0..<store.count {
            if store[slot].flags & Entry.seen == 0 { orphans += 1 } else if store[slot].flags & Entry.otherForm != 0 { otherForm += 1 }
        }
        for key in followups.keys {
            let known = store.find(key.screening).map { store[$0].flags & Entry.seen != 0 } ?? false
            if !known { orphans += 1 }
        }
        return builder.table(dataFingerprint: fingerprint, otherFormScreenings: otherForm, orphans: orphans)
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
        store.setBits(coding.encode(answers: answers, actions: actions), at: slot)
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

/// The report answers and recommended actions of a screening as bits, so a kept screening costs a
/// few bytes: one bit per answer value of each counted question, then one per action.
private struct FactCoding: Sendable {
    let values: [(question: String, value: String)]
    let bits: [String: [String: Int]]
    let actions: [String]

    init(layout: ReportLayout) {
        var values: [(String, String)] = []
        var bits: [String: [String: Int]] = [:]
        for question in layout.questions {
            for value in question.values {
                bits[question.id, default: [:]][value.id] = values.count
                values.append((question.id, value.id))
            }
        }
        self.values = values
        self.bits = bits
        actions = layout.actions.map(\.id)
    }

    func encode(answers: Answers, actions chosen: [String]) -> ColumnBits {
        var result = ColumnBits()
        for (question, map) in bits {
            switch answers[question] {
            case .string(let value)?: if let bit = map[value] { result.insert(bit) }
            case .strings(let chosen)?: for value in chosen { if let bit = map[value] { result.insert(bit) } }
            case .bool(let value)?: if let bit = map[value ? "ja" : "nej"] { result.insert(bit) }
            case .number?, nil: break
            }
        }
        for action in chosen { if let index = actions.firstIndex(of: action) { result.insert(values.count + index) } }
        return result
    }

    func decode(_ contains: (Int) -> Bool) -> (answers: [String: [String]], recommended: [String]) {
        var answers: [String: [String]] = [:]
        for (bit, value) in values.enumerated() where contains(bit) { answers[value.question, default: []].append(value.value) }
        let recommended = actions.enumerated().filter { contains(values.count + $0.offset) }.map(\.element)
        return (answers, recommended)
    }
}

/// A small set of bit indices: one inline word, more words only for very wide forms.
struct ColumnBits: Sendable, Hashable {
    /// Bits 0–63.
    var low: UInt64 = 0
    /// Bits from 64 on, 64 per word; nil when none is set.
    var high: [UInt64]?

    mutating func insert(_ index: Int) {
        if index < 64 { low |= 1 << UInt64(index); return }
        let word = index / 64 - 1
        var words = high ?? []
        while words.count <= word { words.append(0) }
        words[word] |= 1 << UInt64(index % 64)
        high = words
    }

    func contains(_ index: Int) -> Bool {
        if index < 64 { return low & (1 << UInt64(index)) != 0 }
        let word = index / 64 - 1
        guard let high, word < high.count else { return false }
        return high[word] & (1 << UInt64(index % 64)) != 0
    }
}

private struct FollowupKey: Hashable, Sendable {
    var screening: UUID
    var action: UInt16
}

private struct FollowupState: Sendable {
    var day: Int32
    var time: Int64
    var status: FollowupStatus
}
