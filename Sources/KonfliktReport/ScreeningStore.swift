import Foundation

/// The compact state of one screening: 48 bytes, never the answers.
struct ScreeningEntry: Sendable {
    static let none = Int64.min
    static let noDay = Int32.min
    static let seen: UInt8 = 1
    static let override: UInt8 = 2
    static let otherForm: UInt8 = 4
    static let wide: UInt8 = 8

    /// The screening event's id.
    var id: UUID
    /// The counted columns 0–63 of the answers in force (more in the store's overflow when `wide`).
    var bits: UInt64 = 0
    /// The timestamp (ms) of the correction in force, or `none`.
    var correctionTimestamp = ScreeningEntry.none
    /// The visit day of the answers in force (visit date answer, else the event's visitDate), or `noDay`.
    var answerDay = ScreeningEntry.noDay
    /// The screening's visitDate, else its recording day (Danish time), or `noDay` before it is seen.
    var screeningDay = ScreeningEntry.noDay
    /// The screening's form version.
    var formVersion: Int32 = 0
    /// The visit row of the answers in force, -1 when unknown.
    var visit: Int8 = -1
    /// `seen`, `override`, `otherForm`, `wide`.
    var flags: UInt8 = 0

    init(id: UUID) { self.id = id }
}

/// Screening entries by id, built for a million screenings: entries live in fixed-size chunks (no
/// copying when growing) and an open-addressing table of 32-bit indices finds them (4 bytes per slot
/// instead of a dictionary's key copy). Columns beyond 64 are kept aside for the few forms that need them.
struct ScreeningStore: Sendable {
    private static let chunkShift = 16
    private static let chunkSize = 1 << chunkShift
    private var chunks: [[ScreeningEntry]] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private var overflow: [Int32: [UInt64]] = [:]
    /// The number of entries.
    private(set) var count = 0

    /// The index of the entry for `id`, if any.
    func find(_ id: UUID) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            if self[Int(index)].id == id { return Int(index) }
            slot = (slot + 1) & mask
        }
    }

    /// The index of the entry for `id`, inserting a new one when missing.
    mutating func findOrInsert(_ id: UUID) -> Int {
        if let index = find(id) { return index }
        if (count + 1) * 10 > slots.count * 7 { grow() }
        let index = count
        if index >> Self.chunkShift == chunks.count {
            var chunk: [ScreeningEntry] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[index >> Self.chunkShift].append(ScreeningEntry(id: id))
        count += 1
        place(Int32(index), id: id)
        return index
    }

    /// The entry at `index`.
    subscript(index: Int) -> ScreeningEntry {
        get { chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)] }
        set { chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)] = newValue }
    }

    /// Sets the counted columns of the entry at `index`.
    mutating func setBits(_ bits: ColumnBits, at index: Int) {
        self[index].bits = bits.low
        if let high = bits.high {
            overflow[Int32(index)] = high
            self[index].flags |= ScreeningEntry.wide
        } else if self[index].flags & ScreeningEntry.wide != 0 {
            overflow[Int32(index)] = nil
            self[index].flags &= ~ScreeningEntry.wide
        }
    }

    /// Whether the entry at `index` counts `column`.
    func contains(_ column: Int, at index: Int) -> Bool {
        if column < 64 { return self[index].bits & (1 << UInt64(column)) != 0 }
        guard let high = overflow[Int32(index)], column / 64 - 1 < high.count else { return false }
        return high[column / 64 - 1] & (1 << UInt64(column % 64)) != 0
    }

    /// Calls `body` with every entry index.
    func forEachIndex(_ body: (Int) -> Void) {
        for index in 0..<count { body(index) }
    }

    private mutating func place(_ index: Int32, id: UUID) {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in 0..<count { place(Int32(index), id: self[index].id) }
    }

    /// A well-mixed hash of all 16 bytes (ids written by tests have long runs of zeros).
    static func hash(_ id: UUID) -> Int {
        let u = id.uuid
        let a = UInt64(u.0) | UInt64(u.1) << 8 | UInt64(u.2) << 16 | UInt64(u.3) << 24
            | UInt64(u.4) << 32 | UInt64(u.5) << 40 | UInt64(u.6) << 48 | UInt64(u.7) << 56
        let b = UInt64(u.8) | UInt64(u.9) << 8 | UInt64(u.10) << 16 | UInt64(u.11) << 24
            | UInt64(u.12) << 32 | UInt64(u.13) << 40 | UInt64(u.14) << 48 | UInt64(u.15) << 56
        var z = a ^ (b &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31))
    }
}
