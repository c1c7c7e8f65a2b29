import Foundation

/// What the export counts of one screening of the index's form, at day granularity: the day it counts
/// from, the visit, the form version, the kept answer values, the recommended, in-force and tracked
/// actions, the follow-up statuses and whether the recommendation was overridden. Screenings with the
/// same key are counted together; the saved index keeps the distinct keys of its records with their
/// counts (the `tallies` section), so the export can count without reading a record.
public struct TallyKey: Sendable, Hashable {
    /// The day the screening counts from (`CaseRecord.startDay`, a day number).
    public var day: Int32
    /// The visit's position among the schema's visits, or -1.
    public var visit: Int8
    /// The form version of the screening.
    public var formVersion: Int32
    /// The kept answer values in force.
    public var answers: AnswerBits
    /// The recommended, in-force and tracked actions (action bits).
    public var recommended: UInt64, inForce: UInt64, tracked: UInt64
    /// The follow-up status in force of each action.
    public var statuses: StatusCodes
    /// Whether the recommendation was overridden.
    public var overridden: Bool

    /// The status of the action with bit `bit`, read through the schema's statuses for it.
    public func status(ofBit bit: Int, schema: CaseSchema) -> ActionStatus {
        schema.status(code: statuses.code(bit), bit: bit)
    }

    /// Four words mixed from the fields rather than every field one by one: a rebuild counts a million
    /// keys (equal keys still compare every field).
    public func hash(into hasher: inout Hasher) {
        let dayBits: UInt64 = UInt64(UInt32(bitPattern: day))
        let visitBits: UInt64 = UInt64(UInt8(bitPattern: visit)) << 32
        let flagBits: UInt64 = overridden ? 1 << 40 : 0
        let versionBits: UInt64 = UInt64(UInt16(truncatingIfNeeded: formVersion)) << 48
        hasher.combine(dayBits | visitBits | flagBits | versionBits)
        let high: UInt64 = answers.high &* 0x9E37_79B9_7F4A_7C15
        hasher.combine(answers.low ^ high)
        let inForceBits: UInt64 = inForce &* 0xBF58_476D_1CE4_E5B9
        let trackedBits: UInt64 = tracked &* 0x94D0_49BB_1331_11EB
        hasher.combine(recommended ^ inForceBits ^ trackedBits)
        let (p0, p1, p2, p3): (UInt64, UInt64, UInt64, UInt64) = statuses.planes
        hasher.combine(p0 ^ (p1 &* 3) ^ (p2 &* 5) ^ (p3 &* 7))
    }

    /// The order the saved tallies are written in: by day, then field by field in writing order.
    static func precedes(_ a: TallyKey, _ b: TallyKey) -> Bool {
        if a.day != b.day { return a.day < b.day }
        if a.visit != b.visit { return a.visit < b.visit }
        if a.formVersion != b.formVersion { return a.formVersion < b.formVersion }
        if a.answers.low != b.answers.low { return a.answers.low < b.answers.low }
        if a.answers.high != b.answers.high { return a.answers.high < b.answers.high }
        if a.recommended != b.recommended { return a.recommended < b.recommended }
        if a.inForce != b.inForce { return a.inForce < b.inForce }
        if a.tracked != b.tracked { return a.tracked < b.tracked }
        if a.statuses.planes.0 != b.statuses.planes.0 { return a.statuses.planes.0 < b.statuses.planes.0 }
        if a.statuses.planes.1 != b.statuses.planes.1 { return a.statuses.planes.1 < b.statuses.planes.1 }
        if a.statuses.planes.2 != b.statuses.planes.2 { return a.statuses.planes.2 < b.statuses.planes.2 }
        if a.statuses.planes.3 != b.statuses.planes.3 { return a.statuses.planes.3 < b.statuses.planes.3 }
        return !a.overridden && b.overridden
    }
}

extension TallyKey {
    /// The key of `record`, as the fold left it (corrections, overrides and follow-ups applied).
    public init(_ record: CaseRecord) {
        day = record.startDay
        visit = record.visit
        formVersion = record.formVersion
        answers = record.answers
        recommended = record.recommended
        inForce = record.inForce
        tracked = record.tracked
        statuses = record.statuses
        overridden = record.isOverridden
    }
}

extension CaseIndex {
    // MARK: The export's tallies

    /// Calls `body` with the tally key of every screening of the index's form and how many screenings
    /// share it; returns how many screenings of other forms there are. A complete index counts its
    /// records; an index read with `IndexScope.tallies` counts the saved tallies and the screenings
    /// folded since (a saved record that changed since, by a correction or a follow-up, made the reader
    /// read every record first, so the saved tallies are true while the other records are unread).
    /// Nil when the index was read in part without its tallies (`IndexScope.open`, `.lookup`).
    public func tallies(_ body: (TallyKey, Int) -> Void) -> Int? {
        guard let partial, partial.restUnread else { return Self.tally(records[...], body) }
        guard let saved = partial.tallies else { return nil }
        // Checked in full when read (`readTallies`), so it reads to its end here.
        _ = Self.decodeTallies(saved.bytes, body)
        return saved.otherForm + Self.tally(records[partial.savedRecordsRead...], body)
    }

    /// Counts `records` one by one: screenings of the index's form go to `body`; returns the others.
    private static func tally(_ records: ArraySlice<CaseRecord>, _ body: (TallyKey, Int) -> Void) -> Int {
        var otherForm = 0
        for record in records {
            if record.isOtherForm { otherForm += 1 } else { body(TallyKey(record), 1) }
        }
        return otherForm
    }

    /// Reads the `tallies` section `bytes`, calling `body` with each key and count; returns how many
    /// screenings of other forms and how many screenings in all it counts, or nil when it is not well
    /// formed.
    static func decodeTallies(_ bytes: Data, _ body: (TallyKey, Int) -> Void) -> (otherForm: Int, screenings: Int)? {
        BinaryReader.read(bytes) { input -> (otherForm: Int, screenings: Int)? in
            guard let otherForm = input.varint(), otherForm < 1 << 31, let count = input.count() else { return nil }
            var day: Int64 = 0
            var screenings = Int(otherForm)
            for _ in 0..<count {
                guard let step = input.signed(), let visit = input.signed(), let formVersion = input.signed(),
                      let low = input.varint(), let high = input.varint(), let recommended = input.varint(),
                      let inForce = input.varint(), let tracked = input.varint(), let plane0 = input.varint(),
                      let plane1 = input.varint(), let plane2 = input.varint(), let plane3 = input.varint(),
                      let overridden = input.varint(), overridden <= 1, let number = input.varint(),
                      number > 0, number < 1 << 31 else { return nil }
                day += step
                guard let dayNumber = Int32(exactly: day), let visitNumber = Int8(exactly: visit),
                      let version = Int32(exactly: formVersion) else { return nil }
                screenings += Int(number)
                guard screenings < 1 << 31 else { return nil }
                body(TallyKey(day: dayNumber, visit: visitNumber, formVersion: version,
                              answers: AnswerBits(low: low, high: high), recommended: recommended, inForce: inForce,
                              tracked: tracked, statuses: StatusCodes(plane0, plane1, plane2, plane3),
                              overridden: overridden == 1), Int(number))
            }
            return input.atEnd ? (Int(otherForm), screenings) : nil
        }
    }

    /// Reads the `tallies` section of a partly read index (for `IndexScope.tallies`) and checks it all:
    /// well formed, and counting every record the file holds. False when it cannot be read or trusted.
    mutating func readTallies() -> Bool {
        guard var partial, partial.restUnread else { return true }
        guard let bytes = partial.source.section(.tallies), let counted = Self.decodeTallies(bytes, { _, _ in }),
              counted.screenings == partial.totalRecords else { return false }
        partial.tallies = SavedTallies(bytes: bytes, otherForm: counted.otherForm)
        self.partial = partial
        return true
    }
}

/// The `tallies` section of a partly read index, checked.
struct SavedTallies: Sendable {
    /// The section's bytes.
    var bytes: Data
    /// How many saved screenings are of other forms.
    var otherForm: Int
}

/// Counts records for the `tallies` section as they come: how many screenings of other forms, and the
/// distinct tally keys of the records of the index's form with their counts. At a million screenings
/// there are some 100,000 keys (18 MB in one table): with `runs` on a spill, the table is written out
/// sorted each time it holds `runs.limit` keys, and the runs are merged when the section is encoded.
struct TallyCounter {
    private var counts: [TallyKey: Int] = [:]
    private var otherForm = 0
    private var runs: SortedRuns<TallyEntry>

    /// A key and its count.
    struct TallyEntry: Sendable {
        var key: TallyKey
        var count: Int
    }

    /// A counter that writes runs to `spill` (nil: all keys held).
    init(spill: Spill<TallyEntry>? = nil) {
        runs = SortedRuns(spill: spill) { TallyKey.precedes($0.key, $1.key) }
    }

    mutating func add(_ record: CaseRecord) throws {
        if record.isOtherForm {
            otherForm += 1
            return
        }
        counts[TallyKey(record), default: 0] += 1
        if counts.count >= runs.limit { try cut() }
    }

    private mutating func cut() throws {
        try runs.addRun(counts.map { TallyEntry(key: $0.key, count: $0.value) })
        counts = [:]
    }

    /// The section: the count of other forms, then the keys with their counts, sorted, each day written
    /// as the step from the one before (the records are in reading order, the days nearly so, and many
    /// share a day). Afterwards the counter is empty.
    mutating func encoded() throws -> [UInt8] {
        try cut()
        var out = TallyWriter()
        var last: TallyEntry?
        // A key counted in more than one run comes once from each, one after the other.
        try runs.merge { entry in
            if let counted = last, counted.key == entry.key {
                last?.count += entry.count
                return
            }
            if let counted = last { out.add(counted.key, counted.count) }
            last = entry
        }
        if let counted = last { out.add(counted.key, counted.count) }
        return out.section(otherForm: otherForm)
    }

    /// The saved `tallies` section `saved` with `delta` added to its keys' counts and `otherFormDelta`
    /// to its screenings of other forms (a rewrite: a changed record's old key −1 and new key +1, a new
    /// record's key +1), merged in order without counting every record again; nil when `saved` cannot
    /// be read or a count would fall below zero.
    static func merged(_ saved: Data, delta: [TallyKey: Int], otherFormDelta: Int) -> [UInt8]? {
        let changes = delta.filter { $0.value != 0 }.sorted { TallyKey.precedes($0.key, $1.key) }
        var out = TallyWriter()
        var next = 0, bad = false
        func add(_ key: TallyKey, _ count: Int) {
            if count > 0 { out.add(key, count) } else if count < 0 { bad = true }
        }
        let counted = CaseIndex.decodeTallies(saved) { key, count in
            while next < changes.count, TallyKey.precedes(changes[next].key, key) {
                add(changes[next].key, changes[next].value)
                next += 1
            }
            if next < changes.count, changes[next].key == key {
                add(key, count + changes[next].value)
                next += 1
            } else {
                add(key, count)
            }
        }
        for change in changes[next...] { add(change.key, change.value) }
        guard let counted, !bad, counted.otherForm + otherFormDelta >= 0 else { return nil }
        return out.section(otherForm: counted.otherForm + otherFormDelta)
    }
}

/// Writes sorted tally keys with their counts as the `tallies` section.
struct TallyWriter {
    private var body = BinaryWriter()
    private var day: Int64 = 0
    private var count = 0

    mutating func add(_ key: TallyKey, _ number: Int) {
        body.signed(Int64(key.day) - day)
        day = Int64(key.day)
        body.signed(Int64(key.visit))
        body.signed(Int64(key.formVersion))
        body.varint(key.answers.low)
        body.varint(key.answers.high)
        body.varint(key.recommended)
        body.varint(key.inForce)
        body.varint(key.tracked)
        body.statuses(key.statuses)
        body.varint(key.overridden ? 1 : 0)
        body.varint(UInt64(number))
        count += 1
    }

    func section(otherForm: Int) -> [UInt8] {
        var out = BinaryWriter()
        out.reserve(body.data.count + 16)
        out.varint(UInt64(otherForm))
        out.varint(UInt64(count))
        out.bytes(body.data)
        return out.data
    }
}
