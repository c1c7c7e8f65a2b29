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
/// read; corrections and follow-ups wait in the fold and are applied when the records are read back
/// (`CaseIndex.writeSpilled`).
struct RecordSpill: Sendable {
    /// Records a chunk (about 0.8 MB).
    static let chunkRecords = 4096
    /// This spill's records a chunk (`chunkRecords`; fewer in tests, for many chunks).
    private let chunkSize: Int

    private let file: SpillFile
    /// The chunk key's bytes, nil in clear (`SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]?
    /// Where each written chunk is (offset, stored length) and how many records it holds.
    private var chunks: [(offset: Int64, length: Int, first: Int, records: Int)] = []
    private var end: Int64 = 0
    /// Records not written yet.
    private var buffer: [CaseRecord] = []
    /// Records added.
    private(set) var count = 0

    /// The spill file's descriptor (for tests).
    var fileDescriptor: Int32 { file.fd }

    /// Whether records can be written out as their bytes and read back (a record holds no reference).
    static var isPossible: Bool { _isPOD(CaseRecord.self) }

    /// A new spill in the folder `directory`, sealed when `sealed`.
    init(directory: String, sealed: Bool, chunkRecords: Int = Self.chunkRecords) throws {
        guard Self.isPossible else { throw CocoaError(.featureUnsupported) }
        chunkSize = max(1, chunkRecords)
        file = try SpillFile(directory: directory)
        keyBytes = sealed ? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } : nil
        buffer.reserveCapacity(chunkSize)
    }

    /// Adds `record` at position `count`.
    mutating func append(_ record: CaseRecord) throws {
        buffer.append(record)
        count += 1
        if buffer.count == chunkSize { try flush() }
    }

    /// Writes the records not written yet.
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

    /// The position of the first record of chunk `number` and its records, read back (from any thread).
    func records(ofChunk number: Int) throws -> (first: Int32, records: [CaseRecord]) {
        guard buffer.isEmpty, chunks.indices.contains(number) else { throw CocoaError(.fileReadUnknown) }
        let chunk = chunks[number]
        var stored = try file.read(at: chunk.offset, count: chunk.length)
        if let keyBytes {
            let box = try ChaChaPoly.SealedBox(combined: stored)
            stored = Array(try ChaChaPoly.open(box, using: SymmetricKey(data: keyBytes), authenticating: Self.binding(number)))
        }
        guard stored.count == chunk.records * MemoryLayout<CaseRecord>.stride else { throw CocoaError(.fileReadCorruptFile) }
        let records = [CaseRecord](unsafeUninitializedCapacity: chunk.records) { target, initialized in
            stored.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
            }
            initialized = chunk.records
        }
        return (Int32(chunk.first), records)
    }

    /// Calls `body` with every record in order, with its position, reading the chunks back one at a
    /// time (`flush` first).
    func forEach(_ body: (Int32, CaseRecord) throws -> Void) throws {
        for number in chunks.indices {
            let (first, records) = try records(ofChunk: number)
            for (offset, record) in records.enumerated() { try body(first + Int32(offset), record) }
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

    public init(directory: String, sealed: Bool) {
        self.directory = directory
        self.sealed = sealed
    }
}

extension CaseIndex {
    /// Whether the index was built with a spill: its records are not in memory, and it must be written
    /// (`writeSpilled`) and read back to be used.
    public var isSpilled: Bool { spill != nil }

    /// Writes an index built with a spill to `sink`, as `write(to:key:)` would have written it had the
    /// records been kept. First the `history` and `ids` sections, from the ids and the waiting
    /// corrections and follow-ups alone (then the ids are dropped); then the records are read back
    /// in order, each with its corrections and follow-ups applied in the order they were read, and go
    /// straight to their sections (`rest`, the biggest, is written as they come). Afterwards the index
    /// holds no records: read the file back.
    /// `going` is asked now and then whether to go on (the lead may leave the review screen meanwhile);
    /// when it says no, `CancellationError` is thrown.
    mutating func writeSpilled(to sink: IndexSink, key: SymmetricKey?, going: () -> Bool = { true }) throws {
        guard var spill, !spillFailed else { throw CocoaError(.fileWriteUnknown) }
        try spill.flush()
        self.spill = nil
        var writer = try IndexFormat.Writer(sink: sink, key: key)
        // Each waiting change's record, in the records' order, then the order read; a change of a
        // screening never read is an orphan.
        var order: [(position: Int32, number: Int32)] = []
        for number in 0..<waiting.count {
            let change = waiting[number]
            if let position = positions.find(change.screening) {
                order.append((position, Int32(number)))
            } else {
                pending[change.screening, default: []].append(change.entry)
            }
        }
        order.sort { $0.position != $1.position ? $0.position < $1.position : $0.number < $1.number }
        do {
            // From here the ids are only needed by position: the lookup table goes (8 MB at a million).
            let ids = positions.ids
            positions = PositionTable()
            try writeSpilledHistory(order, ids: ids, to: &writer)
            try Self.writeIDs(ids.map(Self.idPrefix), to: &writer)
        }
        FreedMemory.giveBack()

        // Read back twice, each time on two cores (a chunk each, written in order): first for `rest` and
        // the tallies, then for the CPR table and the flagged cases' two sections, so the tallies are
        // never held with those (read back once, the three together needed 28 MB more at a million).
        let changes = SpillChanges(order: order, waiting: waiting, outcomes: outcomes)
        try writer.begin(.rest)
        do {
            // The tallies are counted here, in order: one counter (a few megabytes) instead of one a core.
            var tallies = TallyCounter()
            try Self.readBack(spill, changes: changes, going: going) { _, records in
                var rest = BinaryWriter()
                for record in records where !record.wasFlagged { Self.encode(record, to: &rest) }
                return (records, rest.data)
            } consume: { records, bytes in
                for record in records { tallies.add(record) }
                try writer.append(bytes)
            }
            try writer.end()
            try writer.write(.tallies, tallies.encoded())
        }
        FreedMemory.giveBack()
        var split = RecordSplit(), cprs = CPRTable()
        try Self.readBack(spill, changes: changes, going: going) { first, records in (first, records) } consume: { first, records in
            for (offset, record) in records.enumerated() {
                cprs.add(record)
                _ = split.add(record, at: first + Int32(offset))
            }
        }
        self.waiting = ChunkedList()
        self.outcomes = ChunkedList()
        try writer.begin(.cprs)
        try cprs.write { try writer.append($0) }
        try writer.end()
        try writer.write(.open, split.open.pieces)
        try writer.write(.flagged, split.flagged.pieces)
        try writer.write(.head, encodedHead(recordCount: spill.count))
        try writer.finish()
    }

    /// Reads the records of `spill` back in order with their `changes` applied, a chunk at a time on
    /// two cores: `work` makes what it makes of a chunk (its first position and records) on either
    /// core, and `consume` gets what was made in the records' order, on this thread.
    private static func readBack<Made: Sendable>(
        _ spill: RecordSpill, changes: SpillChanges, going: () -> Bool,
        work: @Sendable @escaping (Int32, [CaseRecord]) -> Made, consume: (Made) throws -> Void
    ) throws {
        let cores = 2
        var chunk = 0
        while chunk < spill.chunkCount {
            guard going() else { throw CancellationError() }
            let first = chunk, count = min(cores, spill.chunkCount - chunk)
            let made = Mutex<[Result<Made, any Error>?]>(Array(repeating: nil, count: count))
            DispatchQueue.concurrentPerform(iterations: count) { core in
                let result = Result<Made, any Error> {
                    var (position, records) = try spill.records(ofChunk: first + core)
                    changes.apply(to: &records, from: position)
                    return work(position, records)
                }
                made.withLock { $0[core] = result }
            }
            for result in made.withLock({ $0 }) {
                guard let result else { throw CocoaError(.fileReadUnknown) }
                try consume(try result.get())
            }
            chunk += count
        }
    }

    /// The `history` section of a spilled index: each screening's waiting entries in the order read,
    /// by `order` (positions ascending), written in parts as they come.
    private func writeSpilledHistory(_ order: [(position: Int32, number: Int32)], ids: ChunkedList<UUID>,
                                      to writer: inout IndexFormat.Writer) throws {
        var screenings = 0
        for (index, entry) in order.enumerated() where index == 0 || order[index - 1].position != entry.position {
            screenings += 1
        }
        var out = BinaryWriter()
        out.varint(UInt64(screenings))
        try writer.begin(.history)
        var start = 0
        while start < order.count {
            var end = start
            var list: [HistoryEntry] = []
            while end < order.count, order[end].position == order[start].position {
                list.append(waiting[Int(order[end].number)].entry)
                end += 1
            }
            Self.encode(ids[Int(order[start].position)], list, to: &out)
            if out.data.count >= IndexFormat.partSize {
                try writer.append(out.data)
                out = BinaryWriter()
            }
            start = end
        }
        try writer.append(out.data)
        try writer.end()
    }
}

/// The waiting corrections and follow-ups of an index built with a spill, by record: `order` holds
/// each change's record position and its number in `waiting`, ascending.
struct SpillChanges: Sendable {
    let order: [(position: Int32, number: Int32)]
    let waiting: ChunkedList<CaseIndex.Waiting>
    let outcomes: ChunkedList<FoldStep.Outcome>

    /// Applies the changes of `records`, which start at position `first`, each record's in the order read.
    func apply(to records: inout [CaseRecord], from first: Int32) {
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle].position < first { low = middle + 1 } else { high = middle }
        }
        var next = low
        for index in records.indices {
            let position = first + Int32(index)
            var list: [HistoryEntry] = []
            while next < order.count, order[next].position == position {
                let item = waiting[Int(order[next].number)]
                CaseIndex.take(item.entry, CaseIndex.change(item, outcomes: outcomes), into: &records[index], history: &list)
                next += 1
            }
        }
    }
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
