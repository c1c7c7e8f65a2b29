import Crypto
import Dispatch
import Foundation
import KonfliktLog
import Synchronization

/// How much of a saved index a reader needs at first: all of it (a correction), the open flagged cases
/// only (the team lead's list), or the export's tallies only (the export), the rest read when something
/// asks for it.
public enum IndexScope: Sendable {
    /// Every record and the history.
    case all
    /// The records of flagged cases with an open action first (what the lead's list shows by default);
    /// the other cases flagged at some point are read from the file as a list of all cases is read
    /// (`SavedCases`); the other records, the history and the id table when needed.
    case open
    /// No records at first: for looking a child up by CPR number (`CaseStore.hasScreening`) through the
    /// CPR table; everything else is read when needed.
    case lookup
    /// No records at first, the export's tallies instead (`CaseIndex.tallies`): the export counts the
    /// saved tallies and the screenings folded since; everything else is read when needed (a
    /// correction or a follow-up of a saved screening reads every record, and the export counts those).
    case tallies
}

/// The case index's file (format 11): a prefix, a table of sections, and the sections, each checked
/// on its own, so that a reader reads only the sections it needs.
///
/// - prefix: the magic line, the format version (UInt32) and the mode byte (clear or sealed);
/// - a generation: 16 random bytes, new at every save;
/// - the section count (UInt32) and each section's offset and stored length (UInt64 each), in
///   `Section` order (the sections themselves may lie in any order: an index built from scratch writes
///   its biggest section, `rest`, while it reads the records back, before it knows the others);
/// - the sections: `head` (schema signature, trust, CPR secret, files, strings, orphans, problems,
///   counts), `open` (the records of flagged cases with an open action, with their positions),
///   `flagged` (the other records of cases flagged at some point, with their positions), `rest` (the
///   other records), `history` (corrections and follow-ups per screening, in the records' order, so a
///   rewrite reads it alongside them), `ids`
///   (the sorted first 4 bytes of every screening id, to learn that a new screening is new without
///   reading the other records; at a million screenings one new id in 4,000 shares its 4 bytes with a
///   saved one, and then the reader reads the records to be sure), `cprs` (the keyed CPR hash and the visit of every screening with a
///   CPR number, sorted, to tell whether a child was screened at a visit without reading any record)
///   and `tallies` (the export's counts: the distinct `TallyKey`s of the records, at day granularity,
///   with how many records share each, and how many records are of other forms, so the export reads
///   no record).
///
/// Each section is stored in parts of at most `partSize` bytes (so no section is ever sealed or held
/// whole while it is written), each part its stored length (UInt32) and its stored bytes. In clear, a
/// part is its bytes and the SHA-256 of what it is bound to and its bytes. Sealed, it is one
/// ChaCha20-Poly1305 box with what it is bound to as associated data. A part is bound to the prefix,
/// the generation, its section's number, its own number and whether it is the section's last, so a
/// part of another save, section or place, a section cut short or a flipped byte is not trusted, and
/// the index is rebuilt from the log.
enum IndexFormat {
    static let version: UInt32 = 11
    static let magic = Array("KONFLIKT-CASE-INDEX\n".utf8)
    /// The largest part of a section, before it is sealed or checksummed.
    static let partSize = 1 << 20

    enum Mode: UInt8 { case clear = 0, sealed = 1 }

    enum Section: Int, CaseIterable { case head = 0, open, flagged, rest, history, ids, cprs, tallies }

    static func prefix(_ mode: Mode) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes(magic)
        out.uint32(version)
        out.bytes([mode.rawValue])
        return out.data
    }

    /// Where the section table starts: after the prefix, the generation and the section count.
    static var tableOffset: Int { prefix(.clear).count + 16 + 4 }

    /// What a part is bound to: the prefix, the save's generation, the section's number, the part's
    /// number and whether it is the section's last.
    static func binding(_ mode: Mode, generation: [UInt8], section: Section, part: Int, last: Bool) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes(prefix(mode))
        out.bytes(generation)
        out.uint32(UInt32(section.rawValue))
        out.uint32(UInt32(truncatingIfNeeded: part))
        out.bytes([last ? 1 : 0])
        return out.data
    }

    /// A clear part's trailer: the SHA-256 of what it is bound to and its bytes.
    static func checksum(_ bound: [UInt8], _ body: some DataProtocol) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: bound)
        hasher.update(data: body)
        return Array(hasher.finalize())
    }

    /// Writes an index file section by section, each in parts, to `sink`; the section table is filled
    /// in when the file is finished.
    struct Writer {
        let sink: IndexSink
        let mode: Mode
        let generation: [UInt8]
        /// The key that seals each part, nil for a clear index.
        private let key: SymmetricKey?
        private var places: [(offset: UInt64, length: UInt64)?] = Array(repeating: nil, count: Section.allCases.count)
        /// The section being written, where it starts, its next part's number and its bytes not yet written.
        private var current: (section: Section, start: UInt64, part: Int)?
        private var pending: [UInt8] = []
        /// The largest part (`IndexFormat.partSize`; smaller in tests).
        let partSize: Int

        init(sink: IndexSink, key: SymmetricKey?, partSize: Int = IndexFormat.partSize) throws {
            self.sink = sink
            self.key = key
            self.partSize = max(1, partSize)
            mode = key == nil ? .clear : .sealed
            generation = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
            var head = BinaryWriter()
            head.bytes(prefix(mode))
            head.bytes(generation)
            head.uint32(UInt32(Section.allCases.count))
            head.bytes(Array(repeating: 0, count: Section.allCases.count * 16))
            try sink.write(head.data)
        }

        /// Writes all of `section` at once, from its `pieces`.
        mutating func write(_ section: Section, _ pieces: [UInt8]...) throws {
            try write(section, pieces)
        }

        /// Writes all of `section` at once, from its `pieces`.
        mutating func write(_ section: Section, _ pieces: [[UInt8]]) throws {
            try begin(section)
            for piece in pieces { try append(piece) }
            try end()
        }

        /// Starts `section`: what `append` gets is its bytes until `end`.
        mutating func begin(_ section: Section) throws {
            guard current == nil, places[section.rawValue] == nil else { throw CocoaError(.fileWriteUnknown) }
            current = (section, sink.count, 0)
        }

        /// Bytes of the section begun: a part is written each time `partSize` bytes are waiting and
        /// more come.
        mutating func append(_ bytes: [UInt8]) throws {
            var start = 0
            while start < bytes.count {
                if pending.count == partSize {
                    try writePart(pending, last: false)
                    pending.removeAll(keepingCapacity: true)
                }
                let take = min(partSize - pending.count, bytes.count - start)
                pending.append(contentsOf: bytes[start ..< start + take])
                start += take
            }
        }

        /// Ends the section begun.
        mutating func end() throws {
            guard let (section, start, _) = current else { throw CocoaError(.fileWriteUnknown) }
            try writePart(pending, last: true)
            pending = []
            places[section.rawValue] = (start, sink.count - start)
            current = nil
        }

        private mutating func writePart(_ body: [UInt8], last: Bool) throws {
            guard let (section, start, part) = current else { throw CocoaError(.fileWriteUnknown) }
            let bound = binding(mode, generation: generation, section: section, part: part, last: last)
            let stored: [UInt8]
            if let key {
                stored = Array(try ChaChaPoly.seal(body, using: key, authenticating: bound).combined)
            } else {
                stored = body + checksum(bound, body)
            }
            var length = BinaryWriter()
            length.uint32(UInt32(stored.count))
            try sink.write(length.data)
            try sink.write(stored)
            current = (section, start, part + 1)
        }

        /// Fills in the section table; every section must have been written.
        func finish() throws {
            var table = BinaryWriter()
            for place in places {
                guard let place else { throw CocoaError(.fileWriteUnknown) }
                table.uint64(place.offset)
                table.uint64(place.length)
            }
            try sink.patch(table.data, at: UInt64(tableOffset))
        }
    }
}

/// Where an index file is written: memory, or a file descriptor (an index built from scratch at a
/// million events is written while its records are read back, never held whole).
final class IndexSink {
    private let fd: Int32
    /// The file's path, for messages.
    private let path: String
    private(set) var data: [UInt8] = []
    private(set) var count: UInt64 = 0

    /// Bytes in memory.
    init() {
        fd = -1
        path = ""
    }

    /// The open file `fd` at `path` (written from its start; not closed here).
    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    func write(_ bytes: [UInt8]) throws {
        if fd < 0 {
            data += bytes
        } else {
            try bytes.withUnsafeBytes { try write($0, at: count) }
        }
        count += UInt64(bytes.count)
    }

    /// Writes `bytes` at `offset`, over what was written there.
    func patch(_ bytes: [UInt8], at offset: UInt64) throws {
        guard offset + UInt64(bytes.count) <= count else { throw CocoaError(.fileWriteUnknown) }
        if fd < 0 {
            data.replaceSubrange(Int(offset) ..< Int(offset) + bytes.count, with: bytes)
        } else {
            try bytes.withUnsafeBytes { try write($0, at: offset) }
        }
    }

    private func write(_ raw: UnsafeRawBufferPointer, at offset: UInt64) throws {
        let failure = writeAll(raw, fd: fd, at: Int64(offset))
        if failure != 0 { throw LogError.writeFailed(path: path, errno: failure) }
    }
}

/// Where the bytes of a saved index are read from: an open file (kept open, so that a reader that read
/// only part of it reads the rest from the same file even after another reader saved a new one) or
/// bytes in memory.
final class IndexSource: Sendable {
    private let read: @Sendable (Int64, Int) -> Data?
    private let close: @Sendable () -> Void
    let mode: IndexFormat.Mode
    let generation: [UInt8]
    /// The key's bytes (`SymmetricKey` is not `Sendable`), nil for a clear index.
    private let keyBytes: [UInt8]?
    /// Offset and stored length of each section.
    let places: [(offset: Int64, length: Int)]

    private init?(read: @escaping @Sendable (Int64, Int) -> Data?, size: Int64, key: SymmetricKey?,
                  close: @escaping @Sendable () -> Void) {
        self.read = read
        self.close = close
        keyBytes = key?.withUnsafeBytes { Array($0) }
        let prefixLength = IndexFormat.prefix(.clear).count
        let fixed = IndexFormat.tableOffset
        guard size >= Int64(fixed), let start = read(0, fixed) else { return nil }
        let bytes = Array(start)
        let mode: IndexFormat.Mode = key == nil ? .clear : .sealed
        guard bytes.prefix(prefixLength).elementsEqual(IndexFormat.prefix(mode)) else { return nil }
        self.mode = mode
        generation = Array(bytes[prefixLength ..< prefixLength + 16])
        let count = bytes[fixed - 4 ..< fixed].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard count == IndexFormat.Section.allCases.count, let table = read(Int64(fixed), count * 16) else { return nil }
        let header = UInt64(fixed + count * 16)
        let pairs = BinaryReader.read(table) { input in (0..<count).compactMap { _ in input.uint64().flatMap { offset in input.uint64().map { (offset, $0) } } } }
        var places: [(offset: Int64, length: Int)] = []
        for (offset, length) in pairs {
            guard offset >= header, length <= UInt64(size), offset <= UInt64(size) - length else { return nil }
            places.append((Int64(offset), Int(length)))
        }
        guard places.count == count else { return nil }
        self.places = places
    }

    deinit { close() }

    /// The saved index at `path`, kept open; nil when there is none or it is not of this format and mode.
    static func file(path: String, key: SymmetricKey?) -> IndexSource? {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            _ = Foundation.close(fd)
            return nil
        }
        let source = IndexSource(read: { offset, length in
            var data = Data(count: length)
            return data.withUnsafeMutableBytes { ExactRead.fill($0, fd: fd, offset: offset) } ? data : nil
        }, size: Int64(status.st_size), key: key, close: { _ = Foundation.close(fd) })
        if source == nil { _ = Foundation.close(fd) }
        return source
    }

    /// An index in memory.
    static func bytes(_ data: Data, key: SymmetricKey?) -> IndexSource? {
        IndexSource(read: { offset, length in
            guard offset >= 0, Int(offset) + length <= data.count else { return nil }
            let start = data.startIndex + Int(offset)
            return data.subdata(in: start ..< start + length)
        }, size: Int64(data.count), key: key, close: {})
    }

    /// The bytes of `section`, each part checked (clear) or opened (sealed); nil when they are not to be
    /// trusted.
    func section(_ section: IndexFormat.Section) -> Data? {
        var stream = SectionStream(source: self, section: section)
        var body = Data()
        while let part = stream.nextPart() { body.append(contentsOf: part) }
        return stream.failed ? nil : body
    }

    /// The part number `number` of `section`, stored at `offset` (the section ends at `end`): its bytes,
    /// checked or opened, and where the next part starts; nil when it cannot be read or trusted.
    func part(_ section: IndexFormat.Section, number: Int, at offset: Int64, end: Int64) -> (bytes: [UInt8], next: Int64)? {
        guard end - offset >= 4, let head = read(offset, 4) else { return nil }
        let length = head.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard Int64(length) <= end - offset - 4, let stored = read(offset + 4, length) else { return nil }
        let next = offset + 4 + Int64(length)
        let bound = IndexFormat.binding(mode, generation: generation, section: section, part: number, last: next == end)
        if let keyBytes {
            guard let box = try? ChaChaPoly.SealedBox(combined: stored),
                  let opened = try? ChaChaPoly.open(box, using: SymmetricKey(data: keyBytes), authenticating: bound) else { return nil }
            return (Array(opened), next)
        }
        guard stored.count >= 32 else { return nil }
        let bytes = stored.prefix(stored.count - 32)
        guard IndexFormat.checksum(bound, bytes).elementsEqual(stored.suffix(32)) else { return nil }
        return (Array(bytes), next)
    }
}

/// A section of a saved index read part by part, each part checked or opened as it is read, for
/// records and entries read one after another: a rewrite of a big index never holds its `rest` whole.
struct SectionStream {
    let source: IndexSource
    let section: IndexFormat.Section
    private var offset: Int64
    private let end: Int64
    private var number = 0
    /// Bytes read from parts and not used yet, from `start`.
    private var buffer: [UInt8] = []
    private var start = 0
    /// A part could not be read or trusted, or the section ends inside an item.
    private(set) var failed = false

    init(source: IndexSource, section: IndexFormat.Section) {
        self.source = source
        self.section = section
        let place = source.places[section.rawValue]
        offset = place.offset
        end = place.offset + Int64(place.length)
    }

    /// Whether every part was read and every byte used.
    var isAtEnd: Bool { !failed && offset == end && start == buffer.count }

    /// The next part's bytes (for reading a section whole); nil after the last part or a failure. A
    /// section has at least one part.
    mutating func nextPart() -> [UInt8]? {
        guard !failed, offset < end || number == 0 else { return nil }
        guard let (bytes, next) = source.part(section, number: number, at: offset, end: end) else {
            failed = true
            return nil
        }
        offset = next
        number += 1
        return bytes
    }

    /// The next item `decode` reads, reading more parts while it needs them; nil at the section's end,
    /// or when what is left cannot be read (then `failed`).
    mutating func next<Item>(_ decode: (inout BinaryReader) -> Item?) -> Item? {
        while !failed {
            if start < buffer.count, let (item, used) = BinaryReader.read(buffer, from: start, decode) {
                start += used
                return item
            }
            guard let part = nextPart() else {
                if start < buffer.count { failed = true }
                return nil
            }
            buffer.removeFirst(start)
            start = 0
            buffer += part
        }
        return nil
    }
}

/// What of a partly read index is still in its file.
struct PartialIndex: Sendable {
    let source: IndexSource
    /// The positions (in the full reading order, ascending) of the records read from the `open`
    /// section: the first `savedPositions.count` of `records` (none while it is unread).
    var savedPositions: [Int32]
    /// How many records the file holds.
    let totalRecords: Int
    /// Whether the `open`, `rest` (with `flagged`) and `history` sections are still unread.
    var openUnread = true, restUnread = true, historyUnread = true
    /// The sorted CPR table (9 bytes an entry), once read.
    var cprs: Data?
    /// The sorted id table, once gone through (`IDTable`).
    var ids: IDTable?
    /// How many more new screenings whose id may be saved are searched for in the file one by one
    /// (`CaseIndex.savedScreening`), and after that every saved id, sorted (16 bytes a screening).
    var searchesLeft = 3
    var savedIDs: [UUIDKey]?
    /// The export's tallies, once read (`IndexScope.tallies`); true for the saved records while the
    /// other records are unread.
    var tallies: SavedTallies?

    /// How many of the index's `records` were read from the file (the `open` and `flagged` sections,
    /// once read): those after them were folded since the save.
    var savedRecordsRead: Int { savedPositions.count }

    /// The `open` or `flagged` section read part by part: its records' positions, and the stream at
    /// its first record. Nil when the positions cannot be read or trusted.
    func positioned(_ section: IndexFormat.Section) -> (positions: [Int32], stream: SectionStream)? {
        var stream = SectionStream(source: source, section: section)
        guard let positions = stream.next({ CaseIndex.decodePositions(&$0, total: totalRecords) }) else { return nil }
        return (positions, stream)
    }
}

extension CaseIndex {
    // MARK: Persistence

    /// The index's file format version; another version is rebuilt.
    static var formatVersion: UInt32 { IndexFormat.version }

    /// The index as bytes (see `IndexFormat`). With `key` (derived from the reader's private key,
    /// `BodyKeys.cacheKey`), every section is sealed with ChaCha20-Poly1305, so the birth dates,
    /// actions and answer bits it holds are as safe on a lost laptop as the log itself; without a key
    /// (a folder without a team key, whose log is in clear too), each is followed by its SHA-256 so
    /// that damage is found. An index read only in part must be completed first (`readAll`).
    public func encoded(sealedWith key: SymmetricKey? = nil) throws -> Data {
        let sink = IndexSink()
        try write(to: sink, key: key)
        return Data(sink.data)
    }

    /// Writes the index to `sink` (see `IndexFormat`, and `encoded`).
    func write(to sink: IndexSink, key: SymmetricKey?) throws {
        guard partial == nil, spill == nil else { throw CocoaError(.fileReadUnknown) }
        // The records' three sections on one core, the other sections on the other: at a million events
        // each half takes about half a second, and nothing else runs while a rebuilt index is saved.
        let sections = Mutex<[[[UInt8]]]>(Array(repeating: [], count: IndexFormat.Section.allCases.count))
        let failed = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            do {
                let made = try half == 0 ? encodedRecords() : encodedRest()
                sections.withLock { all in for (section, bytes) in made { all[section.rawValue] = bytes } }
            } catch {
                failed.withLock { $0 = error }
            }
        }
        if let error = failed.withLock({ $0 }) { throw error }
        var writer = try IndexFormat.Writer(sink: sink, key: key)
        for (number, bytes) in sections.withLock({ $0 }).enumerated() {
            guard let section = IndexFormat.Section(rawValue: number) else { continue }
            try writer.write(section, bytes)
        }
        try writer.finish()
    }

    /// The `open`, `flagged` and `rest` sections: each record goes to one of them (open flagged cases,
    /// other cases flagged at some point, both with their positions in the reading order, and the rest).
    private func encodedRecords() throws -> [(IndexFormat.Section, [[UInt8]])] {
        var split = try RecordSplit()
        var rest = BinaryWriter()
        rest.reserve(records.count * 64)
        for (position, record) in records.enumerated() where try !split.add(record, at: Int32(position)) {
            Self.encode(record, to: &rest)
        }
        return [(.open, try split.open.pieces), (.flagged, try split.flagged.pieces), (.rest, [rest.data])]
    }

    /// The sections other than the records'.
    private func encodedRest() throws -> [(IndexFormat.Section, [[UInt8]])] {
        // In the records' order, so that a rewrite can read it alongside them (`writePatched`).
        var history = BinaryWriter(), screenings = 0
        history.reserve(self.history.count * 64)
        for record in records {
            guard let list = self.history[record.id] else { continue }
            Self.encode(record.id, list, to: &history)
            screenings += 1
        }
        var historyCount = BinaryWriter()
        historyCount.varint(UInt64(screenings))
        var cprs = CPRTable(), tallies = TallyCounter()
        for record in records {
            try cprs.add(record)
            try tallies.add(record)
        }
        var cprBytes: [UInt8] = [], idBytes: [[UInt8]] = []
        try cprs.write { cprBytes += $0 }
        var prefixes = Self.idRuns(spill: nil)
        for record in records { try prefixes.add(Self.idPrefix(record.id)) }
        try Self.encodeIDs(&prefixes) { idBytes.append($0) }
        return [(.head, [encodedHead(recordCount: records.count)]), (.history, [historyCount.data, history.data]),
                (.ids, idBytes),
                (.cprs, [cprBytes]), (.tallies, [try tallies.encoded()])]
    }

    /// The `head` section of an index of `recordCount` records.
    func encodedHead(recordCount: Int) -> [UInt8] {
        var head = BinaryWriter()
        head.string(schema.signature)
        head.string(trust)
        head.bytes(cprSecret)
        head.varint(UInt64(files.count))
        for file in files {
            head.string(file.name)
            head.varint(UInt64(file.end))
            head.varint(UInt64(file.lines))
            head.signed(file.lastOffset)
            head.varint(UInt64(file.lastLength))
            head.varint(UInt64(file.lastDigest.count))
            head.bytes(file.lastDigest)
            head.string(file.headHash)
        }
        head.varint(UInt64(strings.count))
        for text in strings { head.string(text) }
        head.varint(UInt64(recordCount))
        Self.encode(pending, to: &head)
        head.varint(UInt64(duplicates.count))
        for place in duplicates { head.place(place) }
        head.varint(UInt64(problems.count))
        for problem in problems { head.string(problem) }
        head.varint(UInt64(unapproved))
        head.varint(UInt64(erased))
        return head.data
    }

    /// The ids' first 4 bytes (`idPrefix`) as they are gathered for the `ids` section: sorted in runs
    /// on `spill` (nil: all held).
    static func idRuns(spill: Spill<UInt32>?) -> SortedRuns<UInt32> {
        SortedRuns(spill: spill, by: <) { RadixSort.sort(&$0) }
    }

    /// The `ids` section of the ids' first 4 bytes `prefixes`: sorted, given to `emit` a part at a time.
    static func encodeIDs(_ prefixes: inout SortedRuns<UInt32>, _ emit: ([UInt8]) throws -> Void) throws {
        var out = BinaryWriter()
        try prefixes.merge { prefix in
            out.uint32(prefix)
            try out.handOver { try emit($0) }
        }
        try emit(out.data)
    }

    /// Writes the `ids` section of the ids' first 4 bytes `prefixes`, a part at a time.
    static func writeIDs(_ prefixes: inout SortedRuns<UInt32>, to writer: inout IndexFormat.Writer) throws {
        try writer.begin(.ids)
        try encodeIDs(&prefixes) { try writer.append($0) }
        try writer.end()
    }

    /// A section's bytes kept in pieces of about a part, so that a big section grows without ever
    /// copying itself whole (as one array that doubles does).
    /// With a spill, the full pieces are written to it instead (a section that waits for others while
    /// an index is written without its records in memory).
    struct Pieces {
        private var done: [[UInt8]] = []
        private var spill: Spill<UInt8>?
        /// The piece being written.
        var last = BinaryWriter()

        init(spill: Spill<UInt8>? = nil) {
            self.spill = spill
        }

        /// Starts a new piece when the last is a part's size.
        mutating func cut() throws {
            if spill != nil {
                try last.handOver { try spill?.append(contentsOf: $0) }
            } else {
                last.handOver { done.append($0) }
            }
        }

        /// Gives every piece to `body`, in order.
        mutating func forEach(_ body: ([UInt8]) throws -> Void) throws {
            if var spill {
                try spill.flush()
                self.spill = spill
                for number in 0..<spill.chunkCount { try body(spill.chunk(number).items) }
            }
            for piece in done { try body(piece) }
            try body(last.data)
        }

        var all: [[UInt8]] {
            mutating get throws {
                var pieces: [[UInt8]] = []
                try forEach { pieces.append($0) }
                return pieces
            }
        }

        /// Writes the section `section`: `header`, then the pieces, a piece at a time.
        mutating func write(_ section: IndexFormat.Section, after header: [UInt8],
                            to writer: inout IndexFormat.Writer) throws {
            try writer.begin(section)
            try writer.append(header)
            try forEach { try writer.append($0) }
            try writer.end()
        }
    }

    /// Records sorted into the `open` and `flagged` sections as they come, in reading order.
    struct RecordSplit {
        /// One section's records: their positions in the reading order, and the records encoded.
        struct Part {
            var positions: [Int32] = []
            var records: Pieces

            mutating func add(_ record: CaseRecord, at position: Int32) throws {
                positions.append(position)
                CaseIndex.encode(record, to: &records.last)
                try records.cut()
            }

            /// The section's first piece: the count and each position as the step from the one before
            /// (the records follow).
            var header: [UInt8] {
                var out = BinaryWriter()
                out.reserve(positions.count * 3 + 8)
                out.varint(UInt64(positions.count))
                var previous: Int32 = -1
                for position in positions {
                    out.varint(UInt64(position - previous))
                    previous = position
                }
                return out.data
            }

            var pieces: [[UInt8]] {
                mutating get throws { try [header] + records.all }
            }

            /// Writes these pieces as the section `section`, a piece at a time.
            mutating func write(_ section: IndexFormat.Section, to writer: inout IndexFormat.Writer) throws {
                try records.write(section, after: header, to: &writer)
            }
        }
        var open: Part, flagged: Part

        /// The records' sections, written to spills made by `spill` (nil: held).
        init(spill: () throws -> Spill<UInt8>? = { nil }) throws {
            open = Part(records: Pieces(spill: try spill()))
            flagged = Part(records: Pieces(spill: try spill()))
        }

        /// Adds `record` (at `position`) to its section; false when it belongs in `rest`.
        mutating func add(_ record: CaseRecord, at position: Int32) throws -> Bool {
            guard record.wasFlagged else { return false }
            if CaseIndex.isOpenFlagged(record) {
                try open.add(record, at: position)
            } else {
                try flagged.add(record, at: position)
            }
            return true
        }
    }

    /// Whether `record` belongs in the `open` section: flagged, with an open action (the lead's list).
    static func isOpenFlagged(_ record: CaseRecord) -> Bool { record.isFlagged && record.isOpen }

    /// The first 4 bytes of `id`, as the id table keeps them.
    static func idPrefix(_ id: UUID) -> UInt32 {
        let u = id.uuid
        return [u.0, u.1, u.2, u.3].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func encode(_ record: CaseRecord, to out: inout BinaryWriter) {
        out.uuid(record.id)
        out.place(record.place)
        out.varint(UInt64(record.device))
        out.varint(UInt64(record.author))
        out.signed(record.recorded)
        // Optional values: 0 for none, else 1 + the zig-zag of the difference (a visit the day before
        // the screening is -1, never confused with none).
        out.optional(record.correctedAt == CaseRecord.noCorrection ? nil : record.correctedAt - record.recorded)
        out.optional(record.visitDay == CaseRecord.noDay ? nil : Int64(record.visitDay) - Int64(record.screeningDay))
        out.signed(Int64(record.screeningDay))
        out.signed(Int64(record.visit))
        out.varint(UInt64(record.flags))
        out.varint(UInt64(record.formVersion))
        out.signed(Int64(record.birth))
        out.uint64(record.cprKey)
        // Written one by one, not from a list: a million records are written at a rebuild.
        out.varint(record.recommended)
        out.varint(record.inForce)
        out.varint(record.tracked)
        out.varint(record.closed)
        out.statuses(record.statuses)
        out.varint(record.answers.low)
        out.varint(record.answers.high)
        out.varint(UInt64(record.corrections))
        out.varint(UInt64(record.followups))
    }

    static func decodeRecord(_ input: inout BinaryReader) -> CaseRecord? {
        guard let id = input.uuid(), let place = input.place(), let device = input.varint(),
              let author = input.varint(), let recorded = input.signed(), let corrected = input.optional(),
              let visitDelta = input.optional(), let screeningDay = input.signed(), let visit = input.signed(),
              let flags = input.varint(), let formVersion = input.varint(), let birth = input.signed(),
              let cprKey = input.uint64() else { return nil }
        guard let recommended = input.varint(), let inForce = input.varint(), let tracked = input.varint(),
              let closed = input.varint(), let plane0 = input.varint(), let plane1 = input.varint(),
              let plane2 = input.varint(), let plane3 = input.varint(),
              let answersLow = input.varint(), let answersHigh = input.varint(),
              let corrections = input.varint(), let followups = input.varint() else { return nil }
        return CaseRecord(
            id: id, place: place, device: Int32(clamping: device), author: Int32(clamping: author),
            recorded: recorded, correctedAt: corrected.map { recorded + $0 } ?? CaseRecord.noCorrection,
            visitDay: visitDelta.map { Int32(clamping: $0 + screeningDay) } ?? CaseRecord.noDay,
            screeningDay: Int32(clamping: screeningDay), visit: Int8(clamping: visit), flags: UInt8(clamping: flags),
            formVersion: Int32(clamping: formVersion), birth: Int32(clamping: birth), cprKey: cprKey,
            recommended: recommended, inForce: inForce, tracked: tracked, closed: closed,
            statuses: StatusCodes(plane0, plane1, plane2, plane3), answers: AnswerBits(low: answersLow, high: answersHigh),
            corrections: Int32(clamping: corrections), followups: Int32(clamping: followups))
    }

    private static func encode(_ table: [UUID: [HistoryEntry]], to out: inout BinaryWriter) {
        out.varint(UInt64(table.count))
        for (id, list) in table { encode(id, list, to: &out) }          // order does not matter to the reader
    }

    /// One screening's entries of a history or orphan table.
    static func encode(_ id: UUID, _ list: [HistoryEntry], to out: inout BinaryWriter) {
        out.uuid(id)
        out.varint(UInt64(list.count))
        for entry in list {
            out.varint(UInt64(entry.kind))
            out.signed(Int64(entry.action))
            out.varint(UInt64(entry.status))
            out.place(entry.place)
            out.signed(Int64(entry.time.day))
            out.signed(entry.time.millis)
            out.uuid(entry.time.id)
        }
    }

    private static func decodeEntries(_ input: inout BinaryReader) -> [UUID: [HistoryEntry]]? {
        guard let count = input.count() else { return nil }
        var table: [UUID: [HistoryEntry]] = [:]
        table.reserveCapacity(count)
        for _ in 0..<count {
            guard let (id, list) = decodeEntry(&input) else { return nil }
            table[id] = list
        }
        return table
    }

    /// One screening's entries of a history or orphan table.
    static func decodeEntry(_ input: inout BinaryReader) -> (UUID, [HistoryEntry])? {
        guard let id = input.uuid(), let listCount = input.count() else { return nil }
        var list: [HistoryEntry] = []
        list.reserveCapacity(listCount)
        for _ in 0..<listCount {
            guard let kind = input.varint(), let action = input.signed(), let status = input.varint(),
                  let place = input.place(), let day = input.signed(), let millis = input.signed(),
                  let eventID = input.uuid() else { return nil }
            list.append(HistoryEntry(kind: UInt8(clamping: kind), action: Int8(clamping: action),
                                     status: UInt8(clamping: status), place: place,
                                     time: EventTime(day: Int32(clamping: day), millis: millis, id: eventID)))
        }
        return (id, list)
    }

    /// An index read back from `data` for `schema`; nil for anything it cannot trust (another format,
    /// form or schema, a damaged or truncated file, a sealed index without its key or with another
    /// key, a clear index where a key is given): the caller then rebuilds.
    public static func decode(_ data: Data, schema: CaseSchema, key: SymmetricKey? = nil, trust: String = "",
                              scope: IndexScope = .all) -> CaseIndex? {
        IndexSource.bytes(data, key: key).flatMap { read($0, schema: schema, trust: trust, scope: scope) }
    }

    /// The index saved at `path`, as `decode` reads it, reading only the sections `scope` needs; the
    /// file stays open while sections are still unread.
    public static func load(path: String, schema: CaseSchema, key: SymmetricKey?, trust: String = "",
                            scope: IndexScope = .all) -> CaseIndex? {
        IndexSource.file(path: path, key: key).flatMap { read($0, schema: schema, trust: trust, scope: scope) }
    }

    private static func read(_ source: IndexSource, schema: CaseSchema, trust: String, scope: IndexScope) -> CaseIndex? {
        guard let head = source.section(.head),
              let (decoded, totalRecords) = BinaryReader.read(head, { input in decodeHead(&input, schema: schema, trust: trust) })
        else { return nil }
        var index = decoded
        index.partial = PartialIndex(source: source, savedPositions: [], totalRecords: totalRecords)
        index.positionsBuilt = false
        switch scope {
        case .lookup: break
        case .open: guard index.readOpen() else { return nil }
        // Tallies that cannot be read or trusted: the records are, most likely (else a rebuild).
        case .tallies: guard index.readTallies() || index.readAll() else { return nil }
        case .all: guard index.readAll() else { return nil }
        }
        return index
    }

    /// Reads the `open` section of a partly read index: its records go first in `records`, before any
    /// folded since. False when it cannot be read or trusted.
    mutating func readOpen() -> Bool {
        guard var partial, partial.openUnread else { return true }
        guard let (positions, open) = readPositioned(.open, partial: partial) else { return false }
        records = open + records
        forgetPositions()
        partial.savedPositions = positions
        partial.openUnread = false
        self.partial = partial
        return true
    }

    /// The positions and records of a section written by `positioned` in `encoded`; nil when it cannot
    /// be read or trusted, or its positions are not ascending within the file's records.
    private func readPositioned(_ section: IndexFormat.Section, partial: PartialIndex) -> ([Int32], [CaseRecord])? {
        guard let (positions, first) = partial.positioned(section) else { return nil }
        var stream = first
        var records: [CaseRecord] = []
        records.reserveCapacity(positions.count)
        for _ in positions {
            guard let record = stream.next(Self.decodeRecord) else { return nil }
            records.append(record)
        }
        return stream.isAtEnd ? (positions, records) : nil
    }

    /// The head section, and how many records the file holds.
    private static func decodeHead(_ input: inout BinaryReader, schema: CaseSchema, trust: String) -> (CaseIndex, Int)? {
        guard input.string() == schema.signature, input.string() == trust, let secret = input.bytes(32) else { return nil }
        var index = CaseIndex(schema: schema, cprSecret: secret, trust: trust)
        guard let fileCount = input.count() else { return nil }
        for number in 0..<fileCount {
            guard let name = input.string(), let end = input.varint(), let lines = input.varint(),
                  let lastOffset = input.signed(), let lastLength = input.varint(), let digestCount = input.count(),
                  let digest = input.bytes(digestCount), let head = input.string() else { return nil }
            index.files.append(FileMark(name: name, end: Int64(end), lines: Int32(clamping: lines),
                                        lastOffset: lastOffset, lastLength: Int32(clamping: lastLength),
                                        lastDigest: digest, headHash: head))
            index.fileNumbers[name] = Int32(number)
        }
        guard let stringCount = input.count() else { return nil }
        for number in 0..<stringCount {
            guard let text = input.string() else { return nil }
            index.strings.append(text)
            index.stringIndex[text] = Int32(number)
        }
        guard let recordCount = input.varint(), recordCount < 1 << 31 else { return nil }
        return decodeHeadTail(&input, index: index).map { ($0, Int(recordCount)) }
    }

    private static func decodeHeadTail(_ input: inout BinaryReader, index: CaseIndex) -> CaseIndex? {
        var index = index
        guard let pending = decodeEntries(&input), let duplicateCount = input.count() else { return nil }
        index.pending = pending
        for _ in 0..<duplicateCount {
            guard let place = input.place() else { return nil }
            index.duplicates.append(place)
        }
        guard let problemCount = input.count() else { return nil }
        for _ in 0..<problemCount {
            guard let text = input.string() else { return nil }
            index.problems.append(text)
        }
        guard let unapproved = input.varint(), let erased = input.varint() else { return nil }
        index.unapproved = Int(clamping: unapproved)
        index.erased = Int(clamping: erased)
        guard input.atEnd else { return nil }
        return index
    }
}

extension CaseIndex {
    // MARK: Reading the rest of a partly read index

    /// Whether every record and the history are read (an index read with `IndexScope.open` is not,
    /// until something needs the rest).
    public var isComplete: Bool { partial == nil }

    /// Reads what a partly read index left in its file: the other records (each in its place in the
    /// reading order, before the records folded since) and the history. False when they cannot be read
    /// or trusted (then the index must be rebuilt from the log).
    public mutating func readAll() -> Bool {
        guard readOpen(), var partial else { return partial == nil }
        if partial.restUnread {
            // The records in memory (the `open` section's, then those folded since), the `flagged`
            // section's (with their positions) and `rest`'s (the others, up to its end) merge into the
            // reading order, each section read a part at a time.
            guard let (flaggedPositions, first) = partial.positioned(.flagged) else { return false }
            var flagged = first, rest = SectionStream(source: partial.source, section: .rest)
            let saved = partial.savedPositions, loaded = records
            guard saved.count <= loaded.count, saved.count + flaggedPositions.count <= partial.totalRecords else { return false }
            var merged: [CaseRecord] = []
            merged.reserveCapacity(loaded.count + partial.totalRecords - saved.count)
            var a = 0, b = 0
            for position in 0..<Int32(partial.totalRecords) {
                if a < saved.count, saved[a] == position {
                    merged.append(loaded[a])
                    a += 1
                    continue
                }
                let isFlagged = b < flaggedPositions.count && flaggedPositions[b] == position
                if isFlagged { b += 1 }
                guard let record = isFlagged ? flagged.next(Self.decodeRecord) : rest.next(Self.decodeRecord) else { return false }
                merged.append(record)
            }
            // Nothing more in either section (a section read to its end, an empty one too, is checked).
            guard a == saved.count, b == flaggedPositions.count, flagged.next(Self.decodeRecord) == nil,
                  rest.next(Self.decodeRecord) == nil, flagged.isAtEnd, rest.isAtEnd else { return false }
            merged += loaded[saved.count...]
            records = merged
            forgetPositions()
            partial.restUnread = false
            partial.ids = nil
            partial.tallies = nil
            self.partial = partial
        }
        return readHistory()
    }

    /// Reads the history section of a partly read index (for a case's details). False when it cannot
    /// be read or trusted.
    mutating func readHistory() -> Bool {
        guard var partial else { return true }
        if partial.historyUnread {
            guard let bytes = partial.source.section(.history), let table = BinaryReader.read(bytes, { input in
                Self.decodeEntries(&input).flatMap { input.atEnd ? $0 : nil }
            }) else { return false }
            // Nothing is added to the history while it is unread (a correction or follow-up reads all first).
            history = table
            partial.historyUnread = false
        }
        self.partial = partial.restUnread ? partial : nil
        return true
    }

    /// The records that `matches` takes in the sections of a partly read index that are not read yet
    /// (`open`, `flagged`, `rest`), read an entry at a time and not kept (only the matches are); with
    /// `first`, the first match alone. Nil when a section cannot be read or trusted.
    func savedRecords(first: Bool = false, _ matches: (CaseRecord) -> Bool) -> [CaseRecord]? {
        guard let partial else { return [] }
        var found: [CaseRecord] = []
        let unread = [(IndexFormat.Section.open, partial.openUnread), (.flagged, partial.restUnread),
                      (.rest, partial.restUnread)]
        for (section, isUnread) in unread where isUnread {
            // The open and flagged sections give their records' positions first, `rest` runs to its end.
            var stream: SectionStream, left = Int.max
            if section == .rest {
                stream = SectionStream(source: partial.source, section: section)
            } else {
                guard let (positions, first) = partial.positioned(section) else { return nil }
                stream = first
                left = positions.count
            }
            while left > 0, let record = stream.next(Self.decodeRecord) {
                left -= 1
                guard matches(record) else { continue }
                found.append(record)
                if first { return found }
            }
            guard section == .rest ? stream.isAtEnd : left == 0 else { return nil }
        }
        return found
    }

    /// The corrections and follow-ups of screening `id`. A partly read index whose history section is
    /// unread looks for them there, an entry at a time, without reading the section into memory (a case
    /// opened from the list; the table of every screening's history is some 23 MB at a million events);
    /// nothing is added to the history in memory while the section is unread. Nil when the section
    /// cannot be read or trusted.
    mutating func savedHistory(of id: UUID) -> [HistoryEntry]? {
        guard let partial, partial.historyUnread else { return history[id] ?? [] }
        var stream = SectionStream(source: partial.source, section: .history)
        guard let count = stream.next({ $0.varint() }) else { return nil }
        for _ in 0..<count {
            guard let (screening, list) = stream.next(Self.decodeEntry) else { return nil }
            if screening == id { return list }
        }
        return stream.isAtEnd ? [] : nil
    }

    /// Whether the screening `id` is among the records not read yet: searched for in the sections an
    /// entry at a time the first few times in a reading, then in a sorted table of every saved id, made
    /// in one pass (a copied file repeats many screenings). Nil when a section cannot be read or trusted.
    mutating func savedScreening(_ id: UUID) -> Bool? {
        guard var partial else { return false }
        if partial.searchesLeft > 0 {
            partial.searchesLeft -= 1
            self.partial = partial
            return savedRecords(first: true) { $0.id == id }.map { !$0.isEmpty }
        }
        if partial.savedIDs == nil {
            var ids: [UUIDKey] = []
            ids.reserveCapacity(partial.totalRecords)
            guard savedRecords(first: false, { ids.append(UUIDKey($0.id)); return false }) != nil else { return nil }
            ids.sort()
            partial.savedIDs = ids
            self.partial = partial
        }
        guard let ids = partial.savedIDs else { return nil }
        let wanted = UUIDKey(id), low = lowerBound(ids, wanted)
        return low < ids.count && ids[low] == wanted
    }

    /// Whether a screening `id` may be among the records not read yet, by the id table (gone through
    /// once, then read a part at a time); nil when the table cannot be read or trusted.
    mutating func unreadMayHold(_ id: UUID) -> Bool? {
        guard var partial, partial.restUnread else { return false }
        if partial.ids == nil {
            guard let table = IDTable(source: partial.source, count: partial.totalRecords) else { return nil }
            partial.ids = table
        }
        let found = partial.ids?.contains(Self.idPrefix(id), source: partial.source)
        self.partial = partial
        return found
    }

    /// `readAll`, remembering a failure: the update that asked then rebuilds the index from the log.
    mutating func readAllOrLose() -> Bool {
        guard !lost else { return false }
        if readAll() { return true }
        lost = true
        return false
    }
}

/// The `ids` section of a saved index (the sorted first 4 bytes of every screening id, little-endian)
/// looked up a part at a time: gone through once for where each part is and its first and last entry,
/// then a lookup reads the parts that may hold the entry (the last one read is kept). The table of a
/// million screenings (4 MB) is never held whole.
struct IDTable: Sendable {
    /// Each part: where it is stored, and its first and last entry.
    private var parts: [(offset: Int64, first: UInt32, last: UInt32)] = []
    private let end: Int64
    /// The part read last: its number and entries.
    private var kept: (number: Int, entries: [UInt32])?

    /// The table of `source`, which must hold `count` entries in parts of whole entries; nil when it
    /// does not, or a part cannot be read or trusted.
    init?(source: IndexSource, count: Int) {
        let place = source.places[IndexFormat.Section.ids.rawValue]
        end = place.offset + Int64(place.length)
        var offset = place.offset, total = 0
        repeat {
            guard let (bytes, next) = source.part(.ids, number: parts.count, at: offset, end: end),
                  bytes.count % 4 == 0 else { return nil }
            let entries = Self.entries(bytes)
            guard let first = entries.first, let last = entries.last else {
                // Only an empty table has an empty part.
                guard count == 0, next == end else { return nil }
                break
            }
            // Sorted across parts too.
            guard parts.last.map({ $0.last <= first }) ?? true else { return nil }
            parts.append((offset, first, last))
            kept = (parts.count - 1, entries)
            total += entries.count
            offset = next
        } while offset < end
        guard total == count else { return nil }
    }

    private static func entries(_ bytes: [UInt8]) -> [UInt32] {
        bytes.withUnsafeBytes { raw in
            (0 ..< raw.count / 4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
    }

    /// Whether the table holds `prefix`; nil when a part cannot be read or trusted any more.
    mutating func contains(_ prefix: UInt32, source: IndexSource) -> Bool? {
        for number in parts.indices where parts[number].first <= prefix && prefix <= parts[number].last {
            if kept?.number != number {
                guard let (bytes, _) = source.part(.ids, number: number, at: parts[number].offset, end: end),
                      bytes.count % 4 == 0 else { return nil }
                kept = (number, Self.entries(bytes))
            }
            guard let entries = kept?.entries else { return nil }
            let low = lowerBound(entries, prefix)
            if low < entries.count, entries[low] == prefix { return true }
        }
        return false
    }
}

/// A screening id as two numbers, ordered (for a sorted table of ids).
struct UUIDKey: Comparable, Sendable {
    let high: UInt64, low: UInt64

    init(_ id: UUID) {
        (high, low) = id.sortKey
    }

    static func < (lhs: UUIDKey, rhs: UUIDKey) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// An entry of the CPR table: a keyed CPR hash and a visit, ordered by key, then visit.
struct CPREntry: Comparable, Sendable {
    var key: UInt64
    var visit: Int8

    init(key: UInt64, visit: Int8) {
        self.key = key
        self.visit = visit
    }

    /// The entry of `record`, nil without a CPR number.
    init?(_ record: CaseRecord) {
        guard record.cprKey != 0 else { return nil }
        self.init(key: record.cprKey, visit: record.visit)
    }

    static func < (lhs: CPREntry, rhs: CPREntry) -> Bool { (lhs.key, lhs.visit) < (rhs.key, rhs.visit) }
}

/// The `cprs` section as it is made: the keyed CPR hash and the visit of every screening with a CPR
/// number, written sorted by key, then visit, 9 bytes an entry. With a spill, they are sorted in runs
/// (`SortedRuns`) so that the table is never held whole.
struct CPRTable {
    private var entries: SortedRuns<CPREntry>

    /// A table that writes runs to `spill` (nil: all held).
    init(spill: Spill<CPREntry>? = nil) {
        entries = SortedRuns(spill: spill, by: <)
    }

    mutating func add(_ record: CaseRecord) throws {
        if let entry = CPREntry(record) { try entries.add(entry) }
    }

    /// The saved `cprs` section read by `saved` with the entries `removed` taken out (one each) and
    /// `added` put in, merged in order, given to `emit` a megabyte at a time (a rewrite: a changed
    /// record's old entry out and new one in, a new record's in); false when `saved` cannot be read or
    /// holds an entry to remove no more.
    static func merged(_ saved: inout SectionStream, removed: [CPREntry], added: [CPREntry],
                       _ emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        let removed = removed.sorted(by: <), added = added.sorted(by: <)
        var out = BinaryWriter()
        var gone = 0, new = 0
        func put(_ entry: CPREntry) throws {
            out.uint64(entry.key)
            out.bytes([UInt8(bitPattern: entry.visit)])
            try out.handOver { try emit($0) }
        }
        while let entry = saved.next({ input -> CPREntry? in
            guard let key = input.uint64(), let visit = input.bytes(1) else { return nil }
            return CPREntry(key: key, visit: Int8(bitPattern: visit[0]))
        }) {
            while new < added.count, added[new] < entry {
                try put(added[new])
                new += 1
            }
            if gone < removed.count, removed[gone] == entry {
                gone += 1
            } else {
                try put(entry)
            }
        }
        for entry in added[new...] { try put(entry) }
        try emit(out.data)
        return saved.isAtEnd && gone == removed.count
    }

    /// The section's bytes, given to `emit` a megabyte at a time (what was added is let go of).
    mutating func write(_ emit: ([UInt8]) throws -> Void) throws {
        var out = BinaryWriter()
        try entries.merge { entry in
            out.uint64(entry.key)
            out.bytes([UInt8(bitPattern: entry.visit)])
            try out.handOver { try emit($0) }
        }
        try emit(out.data)
    }
}

extension CaseIndex {
    // MARK: Looking a child up

    /// Whether the index holds a screening of the child whose keyed CPR hash is `key` at the visit with
    /// position `visit` (in the answers in force). A partly read index answers from its CPR table and
    /// the screenings folded since it was saved; the records are read only when the table cannot be.
    public mutating func hasScreening(cprKey key: UInt64, visit: Int8) -> Bool {
        guard key != 0 else { return false }
        // While the other records are unread, no saved record has changed since the save (a correction or
        // a follow-up reads them all first), so the table is true for them.
        if let partial, partial.restUnread, let inTable = cprTableHolds(key, visit: visit) {
            return inTable || records[partial.savedRecordsRead...].contains { $0.cprKey == key && $0.visit == visit }
        }
        guard readAll() else { return false }
        return records.contains { $0.cprKey == key && $0.visit == visit }
    }

    /// Whether the CPR table holds (`key`, `visit`); nil when it cannot be read or trusted.
    private mutating func cprTableHolds(_ key: UInt64, visit: Int8) -> Bool? {
        guard var partial else { return nil }
        if partial.cprs == nil {
            guard let bytes = partial.source.section(.cprs), bytes.count % 9 == 0 else { return nil }
            partial.cprs = bytes
            self.partial = partial
        }
        guard let table = partial.cprs else { return nil }
        return table.withUnsafeBytes { raw in
            let count = raw.count / 9
            func entry(_ index: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 9, as: UInt64.self)) }
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                if entry(middle) < key { low = middle + 1 } else { high = middle }
            }
            while low < count, entry(low) == key {
                if Int8(bitPattern: raw[low * 9 + 8]) == visit { return true }
                low += 1
            }
            return false
        }
    }
}
