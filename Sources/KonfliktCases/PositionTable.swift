import Foundation

/// Where each record is in the index's reading order, by its id: the ids in that order, and an
/// open-addressing table of their positions (4 bytes a slot), which hashes a UUID with a few
/// multiplications instead of `Hasher` (the fold looks up every event's id). The ids are kept here,
/// densely, rather than looked up in the records: the table is all an index built from scratch keeps
/// of its records while it reads the log (`RecordSpill`), and a probe touches 16 bytes, not a record.
struct PositionTable: Sendable {
    /// Record positions, -1 for an empty slot; the count is a power of two.
    private var slots: [Int32] = []
    /// The ids, by position.
    private(set) var ids = ChunkedList<UUID>()

    /// An empty table with room for `capacity` ids before it grows.
    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
    }

    /// How many ids the table holds.
    var count: Int { ids.count }

    /// The position of `id`, if the table has it.
    func find(_ id: UUID) -> Int32? {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if ids[Int(position)] == id { return position }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `id`, which is not in the table yet, at the next position (`count`).
    mutating func append(_ id: UUID) {
        if (ids.count + 1) * 2 > slots.count { grow() }
        place(Int32(ids.count), id: id)
        ids.append(id)
    }

    private mutating func place(_ position: Int32, id: UUID) {
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = position
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for (position, id) in ids.enumerated() { place(Int32(position), id: id) }
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
