import Foundation

/// Where each record is in the index's `records`, by its id: an open-addressing table of positions
/// (4 bytes a slot) that finds the id in the record itself, so it holds no second copy of the ids and
/// hashes a UUID with a few multiplications instead of `Hasher` (the fold looks up every event's id).
struct PositionTable: Sendable {
    /// Record positions, -1 for an empty slot; the count is a power of two.
    private var slots: [Int32] = []
    private(set) var count = 0

    /// An empty table with room for `capacity` ids before it grows.
    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
    }

    /// The position of the record with `id` in `records`, if any.
    func find(_ id: UUID, in records: [CaseRecord]) -> Int32? {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if records[Int(position)].id == id { return position }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `position`, the place in `records` of a record whose id is not in the table yet.
    mutating func insert(_ position: Int32, records: [CaseRecord]) {
        if (count + 1) * 2 > slots.count { grow(records: records) }
        place(position, id: records[Int(position)].id)
        count += 1
    }

    private mutating func place(_ position: Int32, id: UUID) {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = position
    }

    private mutating func grow(records: [CaseRecord]) {
        let old = slots
        slots = Array(repeating: -1, count: old.count * 2)
        for position in old where position >= 0 { place(position, id: records[Int(position)].id) }
    }

    /// A random seed per process, so that a hostile log cannot choose ids that all land in one run of
    /// slots (as `Hasher` is seeded).
    private static let seed = UInt64.random(in: .min ... .max)

    /// The id's 128 bits mixed into a slot number (ids are random, but a log is not trusted to be:
    /// both halves count, so ids alike in one half still spread).
    private static func hash(_ id: UUID) -> Int {
        let (low, high) = withUnsafeBytes(of: id.uuid) { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        var mixed = (low ^ seed) &* 0x9E37_79B9_7F4A_7C15 ^ high
        mixed ^= mixed >> 31
        mixed &*= 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        return Int(truncatingIfNeeded: mixed)
    }
}
