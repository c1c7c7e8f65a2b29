import Crypto
#if canImport(CMalloc)
import CMalloc
#endif
import Dispatch
import Foundation
import KonfliktLog
import Synchronization

/// The records of an index built from scratch, written out as they are folded instead of kept: at a
/// million screenings they are 170 MB, the rest of the fold some 30. They go, a chunk at a time, to a
/// file in the reader's state folder that is unlinked as soon as it is made (nothing is left behind,
/// even by a crash, and nothing else can open it), each chunk sealed with a key that exists only in
/// this process's memory when the index is sealed. A record is written once, when its screening is
/// read; the corrections and follow-ups go to a spill of their own (`BuildSpill`) and are applied when
/// the records are read back (`CaseIndex.writeSpilled`).
typealias RecordSpill = Spill<CaseRecord>

/// What an index built from scratch writes out instead of keeping: its records, their ids (at the same
/// positions), the corrections and follow-ups in the order read, and the ids of the screenings they
/// change (at the same numbers). The ids are matched a share at a time when the index is written
/// (`CaseIndex.matchIDs`), so that no table of every id is ever held.
struct BuildSpill: Sendable {
    private(set) var records: RecordSpill
    private(set) var ids: Spill<UUID>
    private(set) var changes: Spill<CaseIndex.Waiting>
    private(set) var targets: Spill<UUID>
    /// Ids matched at a time (`SpillPlace.matchShare`).
    let matchShare: Int

    /// Four new spills at `place`.
    init(_ place: SpillPlace) throws {
        matchShare = max(1, place.matchShare)
        records = try RecordSpill(directory: place.directory, sealed: place.sealed, chunkRecords: place.chunkRecords)
        ids = try records.sibling(UUID.self)
        changes = try records.sibling(CaseIndex.Waiting.self)
        targets = try records.sibling(UUID.self)
    }

    mutating func add(_ record: CaseRecord) throws {
        try records.append(record)
        try ids.append(record.id)
    }

    mutating func add(_ change: CaseIndex.Waiting) throws {
        try changes.append(change)
        try targets.append(change.screening)
    }

    /// A new spill next to these, with `scale` times as many items a chunk as the records (`Spill.sibling`).
    func more<Other: Sendable>(_ type: Other.Type, scale: Double = 1) throws -> Spill<Other> {
        try records.sibling(type, scale: scale)
    }

    /// Writes what is not written yet.
    mutating func flush() throws {
        try records.flush()
        try ids.flush()
        try changes.flush()
        try targets.flush()
    }
}

/// Items (records, waiting changes) written to an unlinked temporary file a chunk at a time, and read
/// back a chunk at a time (see `RecordSpill`).
struct Spill<Element: Sendable>: Sendable {
    /// Items a chunk (about 0.8 MB of records).
    static var chunkRecords: Int { 4096 }
    /// This spill's items a chunk (`chunkRecords`; fewer in tests, for many chunks).
    let chunkSize: Int

    private let file: SpillFile
    /// The chunk key's bytes, nil in clear (`SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]?
    /// Where each written chunk is (offset, stored length), its first item's position and how many items it holds.
    private var chunks: [(offset: Int64, length: Int, first: Int, items: Int)] = []
    private var end: Int64 = 0
    /// Items not written yet.
    private var buffer: [Element] = []
    /// Items added.
    private(set) var count = 0

    /// The spill file's descriptor (for tests).
    var fileDescriptor: Int32 { file.fd }

    /// Whether items can be written out as their bytes and read back (an item holds no reference).
    static var isPossible: Bool { _isPOD(Element.self) }

    /// A new spill in the folder `directory`, sealed when `sealed`, with `scale` times `chunkRecords`
    /// items a chunk.
    init(directory: String, sealed: Bool, chunkRecords: Int = Self.chunkRecords, scale: Double = 1) throws {
        guard Self.isPossible else { throw CocoaError(.featureUnsupported) }
        chunkSize = max(1, Int(Double(chunkRecords) * scale))
        file = try SpillFile(directory: directory)
        keyBytes = sealed ? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } : nil
        buffer.reserveCapacity(chunkSize)
    }

    /// A new spill of other items next to this one: in its folder, sealed when it is, with `scale` times
    /// as many items a chunk.
    func sibling<Other: Sendable>(_ type: Other.Type, scale: Double = 1) throws -> Spill<Other> {
        try Spill<Other>(directory: file.directory, sealed: keyBytes != nil, chunkRecords: chunkSize, scale: scale)
    }

    /// Adds `item` at position `count`.
    mutating func append(_ item: Element) throws {
        buffer.append(item)
        count += 1
        if buffer.count == chunkSize { try flush() }
    }

    /// Adds `items`, the first at position `count`.
    mutating func append(contentsOf items: [Element]) throws {
        var start = 0
        while start < items.count {
            let taken = min(chunkSize - buffer.count, items.count - start)
            buffer.append(contentsOf: items[start..<(start + taken)])
            count += taken
            start += taken
            if buffer.count == chunkSize { try flush() }
        }
    }

    /// Writes the items not written yet.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let bound = Self.binding(chunks.count)
        var stored = buffer.withUnsafeBytes { Array($0) }
        if let keyBytes {
            stored = Array(try ChaChaPoly.seal(stored, using: SymmetricKey(data: keyBytes), authenticating: bound).combined)
        }
        try file.write(stored, at: end)
        chunks.append((end, stored.count, count - buffer.count, buffer.count))
        end += Int64(stored.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The chunks written (`flush` first).
    var chunkCount: Int { chunks.count }

    /// The position of the first item of chunk `number`, or the count after the last chunk.
    func firstPosition(ofChunk number: Int) -> Int32 {
        chunks.indices.contains(number) ? Int32(chunks[number].first) : Int32(count)
    }

    /// The position of the first item of chunk `number` and its items, read back (from any thread).
    func chunk(_ number: Int) throws -> (first: Int32, items: [Element]) {
        guard buffer.isEmpty, chunks.indices.contains(number) else { throw CocoaError(.fileReadUnknown) }
        let chunk = chunks[number]
        var stored = try file.read(at: chunk.offset, count: chunk.length)
        if let keyBytes {
            let box = try ChaChaPoly.SealedBox(combined: stored)
            stored = Array(try ChaChaPoly.open(box, using: SymmetricKey(data: keyBytes), authenticating: Self.binding(number)))
        }
        guard stored.count == chunk.items * MemoryLayout<Element>.stride else { throw CocoaError(.fileReadCorruptFile) }
        let items = [Element](unsafeUninitializedCapacity: chunk.items) { target, initialized in
            stored.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
            }
            initialized = chunk.items
        }
        return (Int32(chunk.first), items)
    }

    /// The chunk that holds the item at `position` (every chunk but the last is full), read back.
    func chunk(holding position: Int32) throws -> (first: Int32, items: [Element]) {
        try chunk(Int(position) / chunkSize)
    }

    /// Calls `body` with every item in order, with its position, reading the chunks back one at a
    /// time (`flush` first).
    func forEach(_ body: (Int32, Element) throws -> Void) throws {
        for number in chunks.indices {
            let (first, items) = try chunk(number)
            for (offset, item) in items.enumerated() { try body(first + Int32(offset), item) }
        }
    }

    /// What a chunk's seal is bound to: its number.
    private static func binding(_ chunk: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(chunk).littleEndian) { Array("konflikt spill".utf8) + Array($0) }
    }
}

/// An unlinked temporary file, closed when the last copy of the spill that uses it is gone.
final class SpillFile: Sendable {
    let fd: Int32
    /// The folder, for messages.
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        let name = (directory as NSString).appendingPathComponent(".sagsindeks-bygges-\(getpid())-\(UInt32.random(in: .min ... .max))")
        let fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LogError.writeFailed(path: directory, errno: errno) }
        unlink(name)
        self.fd = fd
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        let failure = bytes.withUnsafeBytes { writeAll($0, fd: fd, at: offset) }
        if failure != 0 { throw LogError.writeFailed(path: directory, errno: failure) }
    }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBytes { ExactRead.fill($0, fd: fd, offset: offset) }
        guard ok else { throw CocoaError(.fileReadCorruptFile) }
        return bytes
    }
}

/// Where an index built from scratch spills its records: the reader's state folder, and whether the
/// index is sealed (then so is the spill).
public struct SpillPlace: Sendable {
    public var directory: String
    public var sealed: Bool
    /// Records a chunk of the spill (fewer in tests).
    var chunkRecords = RecordSpill.chunkRecords
    /// Ids matched at a time when the index is written (`CaseIndex.matchIDs`): a table of some 3 MB
    /// (fewer in tests, for many shares).
    var matchShare = 1 << 17

    public init(directory: String, sealed: Bool) {
        self.directory = directory
        self.sealed = sealed
    }

    /// A new spill here, with `scale` times as many items a chunk as a record spill.
    func spill<Element: Sendable>(_ type: Element.Type, scale: Double = 1) throws -> Spill<Element> {
        try Spill(directory: directory, sealed: sealed, chunkRecords: chunkRecords, scale: scale)
    }
}

extension CaseIndex {
    /// Whether the index was built with a spill: its records are not in memory, and it must be written
    /// (`writeSpilled`) and read back to be used.
    public var isSpilled: Bool { spill != nil }

    /// Writes an index built with a spill to `sink`, as `write(to:key:)` would have written it had the
    /// records been kept. The ids are matched (`matchIDs`): each waiting change finds its record, and a
    /// screening whose id was read before is left out. The changes are spilled again in the records'
    /// order (`sortedChanges`); then come the `history` and `ids` sections, from the spilled ids and
    /// those changes alone; then the records are read back in order, each with its corrections and
    /// follow-ups applied in the order they were read, and go straight to their sections (`rest`, the
    /// biggest, is written as they come). Afterwards the index holds no records: read the file back.
    /// `going` is asked now and then whether to go on (the lead may leave the review screen meanwhile);
    /// when it says no, `CancellationError` is thrown.
    mutating func writeSpilled(to sink: IndexSink, key: SymmetricKey?, going: () -> Bool = { true }) throws {
        guard var spill, !spillFailed else { throw CocoaError(.fileWriteUnknown) }
        try spill.flush()
        self.spill = nil
        var writer = try IndexFormat.Writer(sink: sink, key: key)
        var (order, repeated) = try matchIDs(spill)
        for position in repeated {
            let (first, items) = try spill.records.chunk(holding: position)
            duplicates.append(items[Int(position - first)].place)
        }
        guard going() else { throw CancellationError() }
        order.sort { $0.position != $1.position ? $0.position < $1.position : $0.number < $1.number }
        let changes = try Self.sortedChanges(spill.changes, order: order)
        let changed = order.map(\.position)
        order = []
        var cursor = ChangeCursor(spill: changes, positions: changed)
        try Self.writeSpilledHistory(&cursor, ids: spill.ids, to: &writer)
        var prefixes = Self.idRuns(spill: try spill.more(UInt32.self))
        var skip = 0
        try spill.ids.forEach { position, id in
            if skip < repeated.count, repeated[skip] == position {
                skip += 1
            } else {
                try prefixes.add(Self.idPrefix(id))
            }
        }
        try Self.writeIDs(&prefixes, to: &writer)
        FreedMemory.giveBack()

        // Read back twice, each time on two cores (a chunk each, written in order): first for `rest` and
        // the tallies, then for the CPR table and the flagged cases' two sections, so the tallies are
        // never held with those (read back once, the three together needed 28 MB more at a million).
        let records = spill.records
        try writer.begin(.rest)
        do {
            // The tallies are counted here, in order: one counter (a few megabytes) instead of one a core.
            var tallies = TallyCounter(spill: try spill.more(TallyCounter.TallyEntry.self, scale: 1.0 / 8))
            var cursor = ChangeCursor(spill: changes, positions: changed)
            try Self.readBack(records, changes: &cursor, leavingOut: repeated, going: going) { _, records in
                var rest = BinaryWriter()
                for record in records where !record.wasFlagged { Self.encode(record, to: &rest) }
                return (records, rest.data)
            } consume: { records, bytes in
                for record in records { try tallies.add(record) }
                try writer.append(bytes)
            }
            try writer.end()
            try writer.write(.tallies, try tallies.encoded())
        }
        FreedMemory.giveBack()
        var split = try RecordSplit { try spill.more(UInt8.self, scale: 256) }
        var cprs = CPRTable(spill: try spill.more(CPREntry.self))
        cursor = ChangeCursor(spill: changes, positions: changed)
        try Self.readBack(records, changes: &cursor, leavingOut: repeated, going: going) { first, records in
            (first, records)
        } consume: { first, records in
            for (offset, record) in records.enumerated() {
                try cprs.add(record)
                _ = try split.add(record, at: first + Int32(offset))
            }
        }
        try writer.begin(.cprs)
        try cprs.write { try writer.append($0) }
        try writer.end()
        try split.open.write(.open, to: &writer)
        try split.flagged.write(.flagged, to: &writer)
        try writer.write(.head, encodedHead(recordCount: records.count - repeated.count))
        try writer.finish()
    }

    /// Finds the record of each waiting change of `spill`, by its number, and the records whose id was
    /// read before (repeated screenings, to be left out), by their positions (ascending). The ids are
    /// read a share at a time (`SpillPlace.matchShare`), each share from one reading of the spilled ids and
    /// targets: what is held stays the same at any size of log (a table of every id took 22 MB at a
    /// million screenings). Changes of screenings never read become orphans (`pending`).
    private mutating func matchIDs(_ spill: BuildSpill) throws -> (order: [(position: Int32, number: Int32)], repeated: [Int32]) {
        let shares = max(1, (spill.ids.count + spill.matchShare - 1) / spill.matchShare)
        var order: [(position: Int32, number: Int32)] = [], repeated: [Int32] = [], orphans: [Int32] = []
        order.reserveCapacity(spill.targets.count)
        for share in 0..<shares {
            var table = PositionTable(capacity: spill.ids.count / shares + 1)
            var positions: [Int32] = []
            try spill.ids.forEach { position, id in
                guard Self.share(of: id, among: shares) == share else { return }
                if table.find(id) != nil {
                    repeated.append(position)
                } else {
                    table.append(id)
                    positions.append(position)
                }
            }
            try spill.targets.forEach { number, id in
                guard Self.share(of: id, among: shares) == share else { return }
                if let found = table.find(id) { order.append((positions[Int(found)], number)) } else { orphans.append(number) }
            }
        }
        repeated.sort()
        if !orphans.isEmpty {
            orphans.sort()
            var next = 0
            try spill.changes.forEach { number, change in
                guard next < orphans.count, orphans[next] == number else { return }
                pending[change.screening, default: []].append(change.entry)
                next += 1
            }
        }
        return (order, repeated)
    }

    /// Which of `shares` shares `id` is matched in (by its last 8 bytes, mixed: `PositionTable` hashes
    /// all 16, so a share's ids still spread over its table).
    private static func share(of id: UUID, among shares: Int) -> Int {
        guard shares > 1 else { return 0 }
        var mixed = withUnsafeBytes(of: id.uuid) { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
        mixed = (mixed ^ (mixed >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 33
        return Int(mixed.multipliedFullWidth(by: UInt64(shares)).high)
    }

    /// The waiting changes of `spill` spilled again in `order` (their records' positions, then the order
    /// read; orphans left out), so that each reading takes them as it goes. They are gathered a window
    /// of 8 chunks at a time, each window by reading `spill` once: what is held stays the same at any
    /// size of log (at a million events, 191,000 changes took 17 MB in memory).
    private static func sortedChanges(_ spill: Spill<Waiting>, order: [(position: Int32, number: Int32)]) throws -> Spill<Waiting> {
        var rank = [Int32](repeating: -1, count: spill.count)
        for (index, entry) in order.enumerated() { rank[Int(entry.number)] = Int32(index) }
        var sorted = try spill.sibling(Waiting.self)
        let window = spill.chunkSize * 8
        var start = 0
        while start < order.count {
            let count = min(window, order.count - start)
            var items = [Waiting?](repeating: nil, count: count)
            try spill.forEach { number, change in
                let slot = Int(rank[Int(number)]) - start
                if slot >= 0, slot < count { items[slot] = change }
            }
            for item in items {
                guard let item else { throw CocoaError(.fileReadCorruptFile) }
                try sorted.append(item)
            }
            start += count
        }
        try sorted.flush()
        return sorted
    }

    /// Reads the records of `spill` back in order with their changes (from `changes`) applied, a chunk
    /// at a time on two cores: `work` makes what it makes of a chunk (its first position and records)
    /// on either core, and `consume` gets what was made in the records' order, on this thread.
    /// The records at the positions `repeated` (ascending) are left out, and the positions `work` gets
    /// count only the records kept.
    private static func readBack<Made: Sendable>(
        _ spill: RecordSpill, changes cursor: inout ChangeCursor, leavingOut repeated: [Int32],
        going: () -> Bool, work: @Sendable @escaping (Int32, [CaseRecord]) -> Made, consume: (Made) throws -> Void
    ) throws {
        let cores = 2
        var chunk = 0
        while chunk < spill.chunkCount {
            guard going() else { throw CancellationError() }
            let first = chunk, count = min(cores, spill.chunkCount - chunk)
            let taken = try cursor.take(before: spill.firstPosition(ofChunk: chunk + count))
            let changes = SpillChanges(positions: taken.positions, items: taken.items)
            let made = Mutex<[Result<Made, any Error>?]>(Array(repeating: nil, count: count))
            DispatchQueue.concurrentPerform(iterations: count) { core in
                let result = Result<Made, any Error> {
                    var (position, records) = try spill.chunk(first + core)
                    changes.apply(to: &records, from: position)
                    // Repeated screenings are rare: usually none is in the chunk.
                    let before = lowerBound(repeated, position)
                    let inside = lowerBound(repeated, position + Int32(records.count)) - before
                    if inside > 0 {
                        let left = Set(repeated[before..<(before + inside)])
                        records = records.enumerated().filter { !left.contains(position + Int32($0.offset)) }.map(\.element)
                    }
                    return work(position - Int32(before), records)
                }
                made.withLock { $0[core] = result }
            }
            for result in made.withLock({ $0 }) {
                guard let result else { throw CocoaError(.fileReadUnknown) }
                try consume(try result.get())
            }
            chunk += count
        }
        guard cursor.isAtEnd else { throw CocoaError(.fileReadCorruptFile) }
    }

    /// The `history` section of a spilled index: each screening's waiting entries in the order read,
    /// taken from `cursor` (positions ascending), written in parts as they come.
    private static func writeSpilledHistory(_ cursor: inout ChangeCursor, ids: Spill<UUID>,
                                            to writer: inout IndexFormat.Writer) throws {
        var screenings = 0
        for (index, position) in cursor.positions.enumerated() where index == 0 || cursor.positions[index - 1] != position {
            screenings += 1
        }
        var out = BinaryWriter()
        out.varint(UInt64(screenings))
        try writer.begin(.history)
        var held: (first: Int32, items: [UUID]) = (0, [])
        while let position = cursor.nextPosition {
            let taken = try cursor.take(before: position + 1)
            if position < held.first || Int(position - held.first) >= held.items.count {
                held = try ids.chunk(holding: position)
            }
            encode(held.items[Int(position - held.first)], taken.items.map(\.entry), to: &out)
            try out.handOver { try writer.append($0) }
        }
        try writer.append(out.data)
        try writer.end()
    }
}

/// The waiting changes of an index built with a spill, spilled in their records' order
/// (`CaseIndex.sortedChanges`), taken a stretch of records at a time while one chunk of them is held.
struct ChangeCursor {
    let spill: Spill<CaseIndex.Waiting>
    /// Each change's record position, ascending (one per item of `spill`).
    let positions: [Int32]
    private var chunk = 0, held: [CaseIndex.Waiting] = [], offset = 0, next = 0

    init(spill: Spill<CaseIndex.Waiting>, positions: [Int32]) {
        self.spill = spill
        self.positions = positions
    }

    /// The position of the next change's record, nil after the last.
    var nextPosition: Int32? { next < positions.count ? positions[next] : nil }
    var isAtEnd: Bool { next == positions.count }

    /// The changes of the records before position `end` not taken yet, with their positions.
    mutating func take(before end: Int32) throws -> (positions: [Int32], items: [CaseIndex.Waiting]) {
        var taken: (positions: [Int32], items: [CaseIndex.Waiting]) = ([], [])
        while next < positions.count, positions[next] < end {
            if offset == held.count {
                guard chunk < spill.chunkCount else { throw CocoaError(.fileReadCorruptFile) }
                held = try spill.chunk(chunk).items
                chunk += 1
                offset = 0
                continue
            }
            taken.positions.append(positions[next])
            taken.items.append(held[offset])
            offset += 1
            next += 1
        }
        return taken
    }
}

/// The waiting corrections and follow-ups of a stretch of records of an index built with a spill:
/// each change's record position (ascending) and the change.
struct SpillChanges: Sendable {
    let positions: [Int32]
    let items: [CaseIndex.Waiting]

    /// Applies the changes of `records`, which start at position `first`, each record's in the order read.
    func apply(to records: inout [CaseRecord], from first: Int32) {
        var next = lowerBound(positions, first)
        for index in records.indices {
            let position = first + Int32(index)
            var list: [HistoryEntry] = []
            while next < positions.count, positions[next] == position {
                let item = items[next]
                CaseIndex.take(item.entry, item.change, into: &records[index], history: &list)
                next += 1
            }
        }
    }
}

/// How many of `sorted` (ascending) are less than `value`.
func lowerBound<Element: Comparable>(_ sorted: [Element], _ value: Element) -> Int {
    var low = 0, high = sorted.count
    while low < high {
        let middle = (low + high) / 2
        if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
}

/// Memory the process is done with, handed back to the system: glibc keeps what was freed in the middle
/// of its heap (a rebuilt index's id table, some 20 MB at a million events) until `malloc_trim`.
enum FreedMemory {
    static func giveBack() {
        #if canImport(CMalloc) && os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
