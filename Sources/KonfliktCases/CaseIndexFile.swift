import Crypto
import Dispatch
import Foundation
import KonfliktLog
import Synchronization

/// How much of a saved index a reader needs at first: all of it (a correction), the open flagged cases
/// only (the team lead's list), every case flagged at some point, or the export's tallies only (the
/// export), the rest read when something asks for it.
public enum IndexScope: Sendable {
    /// Every record and the history.
    case all
    /// The records of cases flagged at some point first; the other records, the history and the id
    /// table when needed.
    case flagged
    /// The records of flagged cases with an open action first (what the lead's list shows by default);
    /// the cases flagged at some point when asked for (`CaseIndex.readFlagged`), everything else as
    /// for `flagged`.
    case open
    /// No records at first: for looking a child up by CPR number (`CaseStore.hasScreening`) through the
    /// CPR table; everything else is read when needed.
    case lookup
    /// No records at first, the export's tallies instead (`CaseIndex.tallies`): the export counts the
    /// saved tallies and the screenings folded since; everything else is read when needed (a
    /// correction or a follow-up of a saved screening reads every record, and the export counts those).
    case tallies
}

/// The case index's file (format 10): a prefix, a table of sections, and the sections, each checked
/// on its own, so that a reader reads only the sections it needs.
///
/// - prefix: the magic line, the format version (UInt32) and the mode byte (clear or sealed);
/// - a generation: 16 random bytes, new at every save;
/// - the section count (UInt32) and each section's stored length (UInt64);
/// - the sections: `head` (schema signature, trust, CPR secret, files, strings, orphans, problems,
///   counts), `open` (the records of flagged cases with an open action, with their positions),
///   `flagged` (the other records of cases flagged at some point, with their positions), `rest` (the
///   other records), `history` (corrections and follow-ups per screening), `ids`
///   (the sorted first 4 bytes of every screening id, to learn that a new screening is new without
///   reading the other records; at a million screenings one new id in 4,000 shares its 4 bytes with a
///   saved one, and then the reader reads the records to be sure), `cprs` (the keyed CPR hash and the visit of every screening with a
///   CPR number, sorted, to tell whether a child was screened at a visit without reading any record)
///   and `tallies` (the export's counts: the distinct `TallyKey`s of the records, at day granularity,
///   with how many records share each, and how many records are of other forms, so the export reads
///   no record).
///
/// In clear, a section is followed by the SHA-256 of the prefix, the generation, its number and its
/// bytes. Sealed, it is one ChaCha20-Poly1305 box with the prefix, the generation and its number as
/// associated data. Either way a section of another save, another number or a flipped byte is not
/// trusted, and the index is rebuilt from the log.
enum IndexFormat {
    static let version: UInt32 = 10
    static let magic = Array("KONFLIKT-CASE-INDEX\n".utf8)

    enum Mode: UInt8 { case clear = 0, sealed = 1 }

    enum Section: Int, CaseIterable { case head = 0, open, flagged, rest, history, ids, cprs, tallies }

    static func prefix(_ mode: Mode) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes(magic)
        out.uint32(version)
        out.bytes([mode.rawValue])
        return out.data
    }

    /// What a section is bound to: the prefix, the save's generation and the section's number.
    static func binding(_ mode: Mode, generation: [UInt8], section: Section) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes(prefix(mode))
        out.bytes(generation)
        out.uint32(UInt32(section.rawValue))
        return out.data
    }

    /// A clear section's trailer: the SHA-256 of what it is bound to and its bytes.
    static func checksum(_ bound: [UInt8], _ body: some DataProtocol) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: bound)
        hasher.update(data: body)
        return Array(hasher.finalize())
    }

    /// The bytes of a whole index file with `sections` (in `Section` order), written straight into
    /// one buffer (at a million events the index holds tens of megabytes).
    static func file(_ sections: [[UInt8]], key: SymmetricKey?) throws -> Data {
        let mode: Mode = key == nil ? .clear : .sealed
        let generation = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        // A sealed section is its nonce, its bytes and its tag; a clear one its bytes and their SHA-256.
        let lengths = sections.map { key == nil ? $0.count + 32 : 12 + $0.count + 16 }
        var head = BinaryWriter()
        head.bytes(prefix(mode))
        head.bytes(generation)
        head.uint32(UInt32(sections.count))
        for length in lengths { head.uint64(UInt64(length)) }
        var out = Data(capacity: head.data.count + lengths.reduce(0, +))
        out.append(contentsOf: head.data)
        for (number, body) in sections.enumerated() {
            guard let section = Section(rawValue: number) else { continue }
            let bound = binding(mode, generation: generation, section: section)
            if let key {
                out.append(try ChaChaPoly.seal(body, using: key, authenticating: bound).combined)
            } else {
                out.append(contentsOf: body)
                out.append(contentsOf: checksum(bound, body))
            }
        }
        guard out.count == head.data.count + lengths.reduce(0, +) else { throw CocoaError(.fileWriteUnknown) }
        return out
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
        let fixed = prefixLength + 16 + 4
        guard size >= Int64(fixed), let start = read(0, fixed) else { return nil }
        let bytes = Array(start)
        let mode: IndexFormat.Mode = key == nil ? .clear : .sealed
        guard bytes.prefix(prefixLength).elementsEqual(IndexFormat.prefix(mode)) else { return nil }
        self.mode = mode
        generation = Array(bytes[prefixLength ..< prefixLength + 16])
        let count = bytes[fixed - 4 ..< fixed].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard count == IndexFormat.Section.allCases.count, let table = read(Int64(fixed), count * 8) else { return nil }
        var offset = Int64(fixed + count * 8)
        var places: [(offset: Int64, length: Int)] = []
        let lengths = BinaryReader.read(table) { input in (0..<count).compactMap { _ in input.uint64() } }
        for length in lengths {
            guard length <= UInt64(size), offset + Int64(length) <= size else { return nil }
            places.append((offset, Int(length)))
            offset += Int64(length)
        }
        guard places.count == count, offset == size else { return nil }
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

    /// The bytes of `section`, checked (clear) or opened (sealed); nil when they are not to be trusted.
    func section(_ section: IndexFormat.Section) -> Data? {
        let place = places[section.rawValue]
        guard let stored = read(place.offset, place.length) else { return nil }
        let bound = IndexFormat.binding(mode, generation: generation, section: section)
        if let keyBytes {
            let key = SymmetricKey(data: keyBytes)
            guard let box = try? ChaChaPoly.SealedBox(combined: stored) else { return nil }
            return try? ChaChaPoly.open(box, using: key, authenticating: bound)
        }
        guard stored.count >= 32 else { return nil }
        let body = stored.prefix(stored.count - 32)
        guard IndexFormat.checksum(bound, body).elementsEqual(stored.suffix(32)) else { return nil }
        return body
    }
}

/// What of a partly read index is still in its file.
struct PartialIndex: Sendable {
    let source: IndexSource
    /// The positions (in the full reading order, ascending) of the records read from the `open` and
    /// `flagged` sections: the first `savedPositions.count` of `records` (none while both are unread).
    var savedPositions: [Int32]
    /// How many records the file holds.
    let totalRecords: Int
    /// Whether the `open`, `flagged`, `rest` and `history` sections are still unread.
    var openUnread = true, flaggedUnread = true, restUnread = true, historyUnread = true
    /// The sorted CPR table (9 bytes an entry), once read.
    var cprs: Data?
    /// The sorted id table (8 bytes each, little-endian), once read.
    var ids: Data?
    /// The export's tallies, once read (`IndexScope.tallies`); true for the saved records while the
    /// other records are unread.
    var tallies: SavedTallies?

    /// How many of the index's `records` were read from the file (the `open` and `flagged` sections,
    /// once read): those after them were folded since the save.
    var savedRecordsRead: Int { savedPositions.count }
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
        guard partial == nil else { throw CocoaError(.fileReadUnknown) }
        // The records' three sections on one core, the other sections on the other: at a million events
        // each half takes about half a second, and nothing else runs while a rebuilt index is saved.
        let sections = Mutex<[[UInt8]]>(Array(repeating: [], count: IndexFormat.Section.allCases.count))
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let made = half == 0 ? encodedRecords() : encodedRest()
            sections.withLock { all in for (section, bytes) in made { all[section.rawValue] = bytes } }
        }
        return try IndexFormat.file(sections.withLock { $0 }, key: key)
    }

    /// The `open`, `flagged` and `rest` sections: each record goes to one of them (open flagged cases,
    /// other cases flagged at some point, both with their positions in the reading order, and the rest).
    private func encodedRecords() -> [(IndexFormat.Section, [UInt8])] {
        var openPositions: [Int32] = [], flaggedPositions: [Int32] = []
        for (position, record) in records.enumerated() where record.wasFlagged {
            if Self.isOpenFlagged(record) { openPositions.append(Int32(position)) } else { flaggedPositions.append(Int32(position)) }
        }
        func positioned(_ positions: [Int32]) -> BinaryWriter {
            var out = BinaryWriter()
            out.reserve(positions.count * 72 + 16)
            out.varint(UInt64(positions.count))
            var previous: Int32 = -1
            for position in positions {
                out.varint(UInt64(position - previous))
                previous = position
            }
            return out
        }
        var open = positioned(openPositions), flagged = positioned(flaggedPositions), rest = BinaryWriter()
        let restCount = records.count - openPositions.count - flaggedPositions.count
        rest.reserve(restCount * 64 + 16)
        rest.varint(UInt64(restCount))
        for record in records {
            if !record.wasFlagged {
                Self.encode(record, to: &rest)
            } else if Self.isOpenFlagged(record) {
                Self.encode(record, to: &open)
            } else {
                Self.encode(record, to: &flagged)
            }
        }
        return [(.open, open.data), (.flagged, flagged.data), (.rest, rest.data)]
    }

    /// The sections other than the records'.
    private func encodedRest() -> [(IndexFormat.Section, [UInt8])] {
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
        head.varint(UInt64(records.count))
        Self.encode(pending, to: &head)
        head.varint(UInt64(duplicates.count))
        for place in duplicates { head.place(place) }
        head.varint(UInt64(problems.count))
        for problem in problems { head.string(problem) }
        head.varint(UInt64(unapproved))
        head.varint(UInt64(erased))
        var history = BinaryWriter()
        history.reserve(self.history.count * 64)
        Self.encode(self.history, to: &history)
        var ids = BinaryWriter()
        ids.reserve(records.count * 4)
        var prefixes = records.map { Self.idPrefix($0.id) }
        prefixes.sort()
        for id in prefixes { ids.uint32(id) }
        var cprs = BinaryWriter()
        // Lazily, so the records are not copied to be filtered (a million records are 170 MB).
        var visits = Array(records.lazy.filter { $0.cprKey != 0 }.map { CPRVisit(key: $0.cprKey, visit: $0.visit) })
        visits.sort()
        cprs.reserve(visits.count * 9)
        for entry in visits {
            cprs.uint64(entry.key)
            cprs.bytes([UInt8(bitPattern: entry.visit)])
        }
        return [(.head, head.data), (.history, history.data), (.ids, ids.data), (.cprs, cprs.data), (.tallies, encodedTallies())]
    }

    /// Whether `record` belongs in the `open` section: flagged, with an open action (the lead's list).
    static func isOpenFlagged(_ record: CaseRecord) -> Bool { record.isFlagged && record.isOpen }

    /// The first 4 bytes of `id`, as the id table keeps them.
    static func idPrefix(_ id: UUID) -> UInt32 {
        let u = id.uuid
        return [u.0, u.1, u.2, u.3].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func encode(_ record: CaseRecord, to out: inout BinaryWriter) {
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
        for mask in [record.recommended, record.inForce, record.tracked, record.closed] + record.statuses.list
            + [record.answers.low, record.answers.high] { out.varint(mask) }
        out.varint(UInt64(record.corrections))
        out.varint(UInt64(record.followups))
    }

    private static func decodeRecord(_ input: inout BinaryReader) -> CaseRecord? {
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
        for (id, list) in table {          // order does not matter to the reader
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
    }

    private static func decodeEntries(_ input: inout BinaryReader) -> [UUID: [HistoryEntry]]? {
        guard let count = input.count() else { return nil }
        var table: [UUID: [HistoryEntry]] = [:]
        table.reserveCapacity(count)
        for _ in 0..<count {
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
            table[id] = list
        }
        return table
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
        case .flagged: guard index.readFlagged() else { return nil }
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

    /// Reads the `open` and `flagged` sections of a partly read index (every case flagged at some
    /// point): their records go first in `records`, in reading order, before any folded since. False
    /// when they cannot be read or trusted.
    mutating func readFlagged() -> Bool {
        guard readOpen() else { return false }
        guard var partial, partial.flaggedUnread else { return true }
        guard let (positions, flagged) = readPositioned(.flagged, partial: partial) else { return false }
        // Both lists are in reading order: merged, the saved records stay in reading order.
        let saved = partial.savedPositions
        var merged: [CaseRecord] = [], places: [Int32] = []
        merged.reserveCapacity(records.count + flagged.count)
        places.reserveCapacity(saved.count + positions.count)
        var a = 0, b = 0
        while a < saved.count || b < positions.count {
            if b == positions.count || (a < saved.count && saved[a] < positions[b]) {
                merged.append(records[a])
                places.append(saved[a])
                a += 1
            } else {
                merged.append(flagged[b])
                places.append(positions[b])
                b += 1
            }
        }
        merged += records[saved.count...]
        records = merged
        forgetPositions()
        partial.savedPositions = places
        partial.flaggedUnread = false
        self.partial = partial
        return true
    }

    /// The positions and records of a section written by `positioned` in `encoded`; nil when it cannot
    /// be read or trusted, or its positions are not ascending within the file's records.
    private func readPositioned(_ section: IndexFormat.Section, partial: PartialIndex) -> ([Int32], [CaseRecord])? {
        let total = partial.totalRecords
        guard let bytes = partial.source.section(section) else { return nil }
        return BinaryReader.read(bytes) { input -> ([Int32], [CaseRecord])? in
            guard let count = input.count(), count <= total else { return nil }
            var positions: [Int32] = []
            positions.reserveCapacity(count)
            var previous: Int64 = -1
            for _ in 0..<count {
                guard let step = input.varint(), step > 0, previous + Int64(step) < Int64(total) else { return nil }
                previous += Int64(step)
                positions.append(Int32(previous))
            }
            var records: [CaseRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                guard let record = Self.decodeRecord(&input) else { return nil }
                records.append(record)
            }
            return input.atEnd ? (positions, records) : nil
        }
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

    /// Whether every record and the history are read (an index read with `IndexScope.flagged` or
    /// `.open` is not, until something needs the rest).
    public var isComplete: Bool { partial == nil }

    /// Reads what a partly read index left in its file: the other records (each in its place in the
    /// reading order, before the records folded since) and the history. False when they cannot be read
    /// or trusted (then the index must be rebuilt from the log).
    public mutating func readAll() -> Bool {
        guard readFlagged(), var partial else { return partial == nil }
        if partial.restUnread {
            let loaded = records
            guard let bytes = partial.source.section(.rest), let merged = BinaryReader.read(bytes, { input -> [CaseRecord]? in
                let savedCount = partial.savedPositions.count
                guard let count = input.count(), count + savedCount == partial.totalRecords,
                      savedCount <= loaded.count else { return nil }
                var merged: [CaseRecord] = []
                merged.reserveCapacity(loaded.count + count)
                var saved = 0
                for position in 0..<Int32(partial.totalRecords) {
                    if saved < savedCount, partial.savedPositions[saved] == position {
                        merged.append(loaded[saved])
                        saved += 1
                    } else {
                        guard let record = Self.decodeRecord(&input) else { return nil }
                        merged.append(record)
                    }
                }
                guard input.atEnd, saved == savedCount else { return nil }
                merged += loaded[savedCount...]
                return merged
            }) else { return false }
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

    /// Whether a screening `id` may be among the records not read yet, by the id table (read once);
    /// nil when the table cannot be read or trusted.
    mutating func unreadMayHold(_ id: UUID) -> Bool? {
        guard var partial, partial.restUnread else { return false }
        if partial.ids == nil {
            guard let bytes = partial.source.section(.ids), bytes.count == partial.totalRecords * 4 else { return nil }
            partial.ids = bytes
            self.partial = partial
        }
        guard let ids = partial.ids else { return nil }
        let wanted = Self.idPrefix(id)
        // A binary search in the table's bytes, read in place.
        return ids.withUnsafeBytes { raw in
            func at(_ index: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)) }
            var low = 0, high = raw.count / 4
            while low < high {
                let middle = (low + high) / 2
                if at(middle) < wanted { low = middle + 1 } else { high = middle }
            }
            return low < raw.count / 4 && at(low) == wanted
        }
    }

    /// `readAll`, remembering a failure: the update that asked then rebuilds the index from the log.
    mutating func readAllOrLose() -> Bool {
        guard !lost else { return false }
        if readAll() { return true }
        lost = true
        return false
    }
}

/// An entry of the CPR table: a screening's keyed CPR hash and its visit.
struct CPRVisit: Comparable {
    var key: UInt64
    var visit: Int8

    static func < (lhs: CPRVisit, rhs: CPRVisit) -> Bool { (lhs.key, lhs.visit) < (rhs.key, rhs.visit) }
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
