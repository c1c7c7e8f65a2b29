import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktTestSupport

/// An index built from scratch spills its records to the state folder while it reads the log, and
/// writes them straight into its file: it must save exactly what an index that kept its records in
/// memory saves, leave nothing behind, and store each section in parts that cannot be moved or cut.
@Suite struct SpillTests {
    static let keyChoices = [false, true]

    /// Builds the index of `dir` twice from scratch, keeping the records and spilling them, and returns
    /// both read back from their files with everything (`IndexScope.all`).
    static func bothWays(_ dir: TemporaryDirectory, form: Form, keys: BodyKeys?,
                         small: Bool = false) throws -> (kept: CaseIndex, spilled: CaseIndex) {
        let (kept, spilled) = try bothFiles(dir, form: form, keys: keys, small: small)
        let schema = try CaseSchema(form: form)
        let key = keys?.cacheKey(label: CaseStore.cacheLabel), trust = keys?.trustDigest ?? ""
        return (try #require(CaseIndex.decode(kept, schema: schema, key: key, trust: trust)),
                try #require(CaseIndex.decode(spilled, schema: schema, key: key, trust: trust)))
    }

    /// Every section but the head (whose orphan table is in no particular order), opened: two index
    /// files that hold the same must agree byte for byte.
    static func sections(_ file: Data, key: SymmetricKey?) throws -> [Data] {
        let source = try #require(IndexSource.bytes(file, key: key))
        return try IndexFormat.Section.allCases.filter { $0 != .head }.map { try #require(source.section($0)) }
    }

    /// The index files of `bothWays`; when `small`, the spill holds 7 records a chunk and matches 5
    /// ids at a time (so many chunks and many shares), else as many as a real build.
    static func bothFiles(_ dir: TemporaryDirectory, form: Form, keys: BodyKeys?,
                          small: Bool = false) throws -> (kept: Data, spilled: Data) {
        let schema = try CaseSchema(form: form)
        let secret = Array(repeating: UInt8(7), count: 32)
        let key = keys?.cacheKey(label: CaseStore.cacheLabel)
        let trust = keys?.trustDigest ?? ""
        var kept = CaseIndex(schema: schema, cprSecret: secret, trust: trust)
        _ = try kept.update(directory: dir.data, keys: keys)
        #expect(!kept.isSpilled)
        var spilled = CaseIndex(schema: schema, cprSecret: secret, trust: trust)
        try dir.state.create()
        var place = SpillPlace(directory: dir.state.path, sealed: key != nil)
        if small {
            place.chunkRecords = 7
            place.matchShare = 5
        }
        _ = try spilled.update(directory: dir.data, keys: keys, spill: place)
        #expect(spilled.isSpilled && spilled.records.isEmpty)
        let sink = IndexSink()
        try spilled.writeSpilled(to: sink, key: key)
        return (try kept.encoded(sealedWith: key), Data(sink.data))
    }

    static func tallies(_ index: CaseIndex) -> [String] {
        var seen: [String] = []
        let other = index.tallies { key, count in seen.append("\(key)=\(count)") }
        return seen.sorted() + ["other=\(String(describing: other))"]
    }

    /// With one chunk and one share of ids, and with many (chunks read back two at a time, on two cores,
    /// with changes of records in both and at their edges; ids matched a few at a time).
    @Test(arguments: keyChoices, [false, true])
    func aSpilledBuildSavesWhatAKeptBuildSaves(sealed: Bool, small: Bool) throws {
        let form = try Sample.form()
        let keys = sealed ? BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()]) : nil
        let source = try CaseIndexTests.demo(count: 500, seed: 61, form: form)
        let dir = TemporaryDirectory()
        // The lead's follow-ups whole and the screenings in part: follow-ups read before their
        // screening, and orphans whose screening never comes.
        try CaseIndexTests.copy(from: source, to: dir) { $0.hasPrefix("demo-leder") ? 1 : 0.7 }
        // A copy of part of a device's file under another name: its screenings are repeated, never
        // counted twice, and their changes go to the screenings read first.
        let device = try #require(try dir.data.logFiles().first { !$0.hasPrefix("demo-leder") })
        let lines = try CaseIndexTests.lines(dir.data.file(device))
        try Data(lines.prefix(lines.count / 3).joined()).write(to: URL(fileURLWithPath: dir.data.file("demo-kopi.jsonl")))
        let (kept, spilled) = try Self.bothWays(dir, form: form, keys: keys, small: small)
        let files = try Self.bothFiles(dir, form: form, keys: keys, small: small)
        let key = keys?.cacheKey(label: CaseStore.cacheLabel)
        #expect(try Self.sections(files.spilled, key: key) == Self.sections(files.kept, key: key))
        #expect(kept.records.count > 300)
        #expect(spilled.records == kept.records)
        #expect(spilled.history == kept.history)
        #expect(!kept.history.isEmpty && kept.history.values.contains { $0.count > 1 })
        #expect(spilled.pending == kept.pending && !kept.pending.isEmpty)
        #expect(spilled.duplicates == kept.duplicates && kept.duplicates.count > 20)
        #expect(spilled.files == kept.files && spilled.strings == kept.strings && spilled.problems == kept.problems)
        #expect(spilled.orphanCount == kept.orphanCount)
        #expect(Self.tallies(spilled) == Self.tallies(kept))
        // The CPR table and the id table, as a reader that reads no record uses them.
        let schema = try CaseSchema(form: form)
        var lookup = try #require(CaseIndex.decode(files.spilled, schema: schema, key: key,
                                                   trust: keys?.trustDigest ?? "", scope: .lookup))
        for record in kept.records.prefix(50) where record.cprKey != 0 {
            let found = lookup.hasScreening(cprKey: record.cprKey, visit: record.visit)
            #expect(found)
        }
        let stranger = lookup.hasScreening(cprKey: 12345, visit: 0)
        #expect(!stranger && !lookup.isComplete)
    }

    /// A saved index read with `scope` (and its history, when `history`), brought up to date with the
    /// rest of `source`'s lines twice: keeping every record in memory, and rewritten from the saved file
    /// (`writePatched`); both read back whole.
    static func keptAndPatched(_ dir: TemporaryDirectory, source: TemporaryDirectory, form: Form, scope: IndexScope,
                               history: Bool) throws -> (kept: CaseIndex, patched: CaseIndex) {
        let schema = try CaseSchema(form: form)
        let path = dir.state.file(CaseStore.indexFileName(for: dir.data))
        _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        try CaseIndexTests.append(rest: source, to: dir)
        func loaded() throws -> CaseIndex {
            var index = try #require(CaseIndex.load(path: path, schema: schema, key: nil, scope: scope))
            if history {
                let read = index.readHistory()
                #expect(read)
            }
            return index
        }
        var kept = try loaded()
        _ = try kept.update(directory: dir.data)
        #expect(kept.isComplete)
        var patched = try loaded()
        _ = try patched.update(directory: dir.data, spill: SpillPlace(directory: dir.state.path, sealed: false))
        #expect(patched.hasWaitingChanges && !patched.isComplete)
        let sink = IndexSink()
        // What waits for other sections is spilled in chunks of a few bytes, the ids in runs of 224.
        var place = SpillPlace(directory: dir.state.path, sealed: false)
        place.chunkRecords = 7
        try patched.writePatched(to: sink, key: nil, spill: place)
        let keptFile = try kept.encoded(), patchedFile = Data(sink.data)
        // Every section but the head byte for byte: the records, the history in the records' order, the
        // id and CPR tables and the tallies (merged with what changed, not counted again).
        #expect(try sections(patchedFile, key: nil) == sections(keptFile, key: nil))
        let keptBack = try #require(CaseIndex.decode(keptFile, schema: schema))
        let patchedBack = try #require(CaseIndex.decode(patchedFile, schema: schema))
        return (keptBack, patchedBack)
    }

    @Test(arguments: [(IndexScope.open, false), (.lookup, false), (.tallies, false), (.open, true)])
    func aRewriteFromTheSavedFileSavesWhatReadingEverythingSaves(scope: IndexScope, history: Bool) throws {
        let form = try Sample.form()
        let source = try CaseIndexTests.demo(count: 400, seed: 63, form: form)
        let dir = TemporaryDirectory()
        // The screenings first, most follow-ups and corrections later: they change saved records, and
        // some arrive before their screening.
        try CaseIndexTests.copy(from: source, to: dir) { $0.hasPrefix("demo-leder") ? 0.2 : 0.8 }
        let (kept, patched) = try Self.keptAndPatched(dir, source: source, form: form, scope: scope, history: history)
        #expect(patched.records == kept.records)
        #expect(patched.history == kept.history)
        #expect(patched.pending == kept.pending)
        #expect(patched.duplicates == kept.duplicates && patched.files == kept.files && patched.strings == kept.strings)
        #expect(Self.tallies(patched) == Self.tallies(kept))
        #expect(kept.records.count > 300 && kept.history.count > 20)
    }

    /// Sorted in runs of 96 on a sealed spill of 3 items a chunk, merged back: every item, in order,
    /// repeated ones as often as they were added.
    @Test func sortedRunsGiveEveryItemBackInOrder() throws {
        let dir = TemporaryDirectory()
        try dir.state.create()
        var runs = SortedRuns(spill: try Spill<UInt32>(directory: dir.state.path, sealed: true, chunkRecords: 3), by: <)
        #expect(runs.limit == 96)
        let items = (0..<1000).map { UInt32(($0 * 7919) % 613) }
        for item in items { try runs.add(item) }
        var back: [UInt32] = []
        try runs.merge { back.append($0) }
        #expect(back == items.sorted())
    }

    @Test func theSpillIsNeverSeenInTheStateFolderAndNothingIsLeftBehind() throws {
        let form = try Sample.form()
        let source = try CaseIndexTests.demo(count: 300, seed: 62, form: form)
        let dir = TemporaryDirectory()
        try CaseIndexTests.copy(from: source, to: dir) { _ in 1 }
        var looked = 0
        let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form) { _ in
            // While the log is read, the spill is open but has no name in the folder.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.state.path)) ?? []
            #expect(!names.contains { $0.contains("bygges") })
            looked += 1
            return true
        }
        #expect(looked > 0)
        #expect(store.report.bytesRead > 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.state.path).sorted()
        #expect(names.count == 2)
        #expect(names.contains(CaseStore.indexFileName(for: dir.data)))
        #expect(!names.contains { $0.contains("bygges") || $0.contains(".tmp") })
        // A state folder the spill cannot be made in: the records are kept in memory instead.
        let schema = try CaseSchema(form: form)
        var index = CaseIndex(schema: schema, cprSecret: Array(repeating: 1, count: 32))
        _ = try index.update(directory: dir.data, spill: SpillPlace(directory: dir.state.file("findes-ikke"), sealed: false))
        #expect(!index.isSpilled && index.records.count == store.index.records.count)
    }

    /// The review screen lets the lead leave while the index is written, after the log is read: nothing
    /// half-written is left, and the next reader builds it.
    @Test func leavingWhileTheIndexIsWrittenLeavesNothingBehind() throws {
        let form = try Sample.form()
        let source = try CaseIndexTests.demo(count: 300, seed: 64, form: form)
        let dir = TemporaryDirectory()
        try CaseIndexTests.copy(from: source, to: dir) { _ in 1 }
        var wholeSeen = false, askedAfter = false
        #expect(throws: CancellationError.self) {
            _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form) { share in
                // The reading reports 1 once it has read everything; the writing asks again after that.
                guard share >= 1 else { return true }
                if wholeSeen { askedAfter = true }
                wholeSeen = true
                return !askedAfter
            }
        }
        #expect(askedAfter)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.state.path)) ?? []
        #expect(!names.contains { $0.hasPrefix("sagsindeks") || $0.contains("bygges") })
        let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(store.report.bytesRead > 0 && store.index.records.count > 250)
    }

    @Test(arguments: keyChoices)
    func spilledRecordsComeBackInOrderAndSealedSpillsHideThem(sealed: Bool) throws {
        let dir = TemporaryDirectory()
        try dir.state.create()
        var spill = try RecordSpill(directory: dir.state.path, sealed: sealed)
        var records: [CaseRecord] = []
        for number in 0 ..< RecordSpill.chunkRecords * 2 + 17 {
            var record = CaseRecord(id: UUID(), place: LinePlace(file: 1, line: Int32(number), offset: Int64(number) * 900, length: 800),
                                    device: 0, author: 1, recorded: 1_700_000_000_000 + Int64(number), correctedAt: CaseRecord.noCorrection,
                                    visitDay: 20_000, screeningDay: 20_001, visit: 1, flags: 9, formVersion: 3, birth: 150_926,
                                    cprKey: UInt64(number) &* 0x9E37_79B9_7F4A_7C15, recommended: 20, inForce: 20, tracked: 16,
                                    closed: 0, statuses: StatusCodes(), answers: AnswerBits(low: UInt64(number), high: 1),
                                    corrections: 0, followups: 0)
            record.statuses.set(3, bit: 4)
            records.append(record)
            try spill.append(record)
        }
        try spill.flush()
        var back: [CaseRecord] = []
        try spill.forEach { position, record in
            #expect(Int(position) == back.count)
            back.append(record)
        }
        #expect(back == records)
        // What is on the disk: the first id's bytes in clear, not when sealed.
        let size = lseek(spill.fileDescriptor, 0, SEEK_END)
        var stored = [UInt8](repeating: 0, count: Int(size))
        #expect(stored.withUnsafeMutableBytes { ExactRead.fill($0, fd: spill.fileDescriptor, offset: 0) })
        let id = withUnsafeBytes(of: records[0].id.uuid) { Data($0) }
        #expect((Data(stored).range(of: id) != nil) == !sealed)
    }

    @Test func theRadixSortSortsAsTheStandardSortDoes() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 63, 65, 1_000, 70_000] {
            let wide = (0..<count).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
            var sortedWide = wide
            RadixSort.sort(&sortedWide)
            #expect(sortedWide == wide.sorted())
            // Few distinct bytes, many equal keys, one byte the same in all.
            let narrow = (0..<count).map { _ in UInt32.random(in: 0 ... 300, using: &generator) | 0x0A00_0000 }
            var sortedNarrow = narrow
            RadixSort.sort(&sortedNarrow)
            #expect(sortedNarrow == narrow.sorted())
        }
    }

    /// An index file whose `rest` section is `body` in parts of 1,000 bytes, written last; the other
    /// sections empty.
    static func partedFile(_ body: [UInt8]) throws -> Data {
        let sink = IndexSink()
        var writer = try IndexFormat.Writer(sink: sink, key: nil, partSize: 1_000)
        for section in IndexFormat.Section.allCases where section != .rest { try writer.write(section, []) }
        try writer.write(.rest, body)
        try writer.finish()
        return Data(sink.data)
    }

    /// The id table is looked up a part at a time: the same answers as the whole table, for entries in
    /// every part and between them, and a damaged part is not trusted.
    @Test func theIDTableIsLookedUpAPartAtATime() throws {
        var generator = SystemRandomNumberGenerator()
        // 2,000 entries in parts of 250, with runs of equal entries across the parts' edges.
        var entries = (0 ..< 1_990).map { _ in UInt32.random(in: 0 ... 40_000, using: &generator) }
        entries += Array(repeating: entries[0], count: 10)
        entries.sort()
        var body = BinaryWriter()
        for entry in entries { body.uint32(entry) }
        let sink = IndexSink()
        var writer = try IndexFormat.Writer(sink: sink, key: nil, partSize: 1_000)
        for section in IndexFormat.Section.allCases where section != .ids { try writer.write(section, []) }
        try writer.write(.ids, body.data)
        try writer.finish()
        var file = Data(sink.data)
        let source = try #require(IndexSource.bytes(file, key: nil))
        #expect(IDTable(source: source, count: entries.count + 1) == nil)
        var table = try #require(IDTable(source: source, count: entries.count))
        let present = Set(entries)
        for probe in (0 ... 40_001 as ClosedRange<UInt32>).filter({ $0 % 7 == 0 || present.contains($0) }).shuffled() {
            #expect(table.contains(probe, source: source) == present.contains(probe), "\(probe)")
        }
        // A flipped byte in the fifth part: gone through again, the table is not trusted.
        let place = source.places[IndexFormat.Section.ids.rawValue]
        file[Int(place.offset) + 4 * (4 + 1_000 + 32) + 100] ^= 0x01
        let damaged = try #require(IndexSource.bytes(file, key: nil))
        #expect(IDTable(source: damaged, count: entries.count) == nil)
        // Damaged after it was gone through: the lookup that reads that part says it cannot tell.
        let fifth = entries[4 * 250 + 10]
        #expect(table.contains(entries[0], source: damaged) == true)    // the first part is read
        #expect(table.contains(fifth, source: damaged) == nil)
    }

    @Test func aSectionsPartsCannotBeMovedDroppedOrCut() throws {
        let body = (0 ..< 5_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let file = try Self.partedFile(body)
        let source = try #require(IndexSource.bytes(file, key: nil))
        #expect(source.section(.rest).map(Array.init) == body)
        let place = source.places[IndexFormat.Section.rest.rawValue]
        let part = 4 + 1_000 + 32
        #expect(place.length == 5 * part)
        let start = Int(place.offset)
        // Two parts swapped.
        var swapped = file
        let second = file[start + part ..< start + 2 * part], third = file[start + 2 * part ..< start + 3 * part]
        swapped.replaceSubrange(start + part ..< start + 3 * part, with: third + second)
        #expect(IndexSource.bytes(swapped, key: nil)?.section(.rest) == nil)
        // The last part dropped: the section's length in the table cut to four parts.
        let table = IndexFormat.tableOffset + IndexFormat.Section.rest.rawValue * 16 + 8
        var cut = file
        withUnsafeBytes(of: UInt64(4 * part).littleEndian) { cut.replaceSubrange(table ..< table + 8, with: $0) }
        #expect(IndexSource.bytes(cut, key: nil)?.section(.rest) == nil)
        // A middle part dropped and the rest moved up.
        var dropped = file
        dropped.removeSubrange(start + part ..< start + 2 * part)
        withUnsafeBytes(of: UInt64(4 * part).littleEndian) { dropped.replaceSubrange(table ..< table + 8, with: $0) }
        #expect(IndexSource.bytes(dropped, key: nil)?.section(.rest) == nil)
        // A part's stored length made longer than the section.
        var long = file
        long[start] = 0xFF
        long[start + 1] = 0xFF
        #expect(IndexSource.bytes(long, key: nil)?.section(.rest) == nil)
        // The untouched file still reads.
        #expect(IndexSource.bytes(file, key: nil)?.section(.rest) != nil)
    }
}
