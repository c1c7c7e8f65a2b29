import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktTestSupport

/// The team lead's list reads only the open flagged cases of a saved index (`IndexScope.open`); with
/// `--all` the other cases flagged at some point are read from the file as the list is read
/// (`SavedCases`); the other records, the history and the id table stay in the file until something
/// needs them. Whatever is read
/// and whatever was appended since, the list is the one a fold from scratch gives.
@Suite struct PartialIndexTests {
    static let today = CaseIndexTests.today

    /// The flagged cases as the list sees them (open only, and all), read in a copy of `store`.
    /// The bytes of every log file of `dir`.
    static func logSize(_ dir: TemporaryDirectory) throws -> Int64 {
        try dir.data.logFiles().reduce(0) { total, name in
            let size = try FileManager.default.attributesOfItem(atPath: dir.data.file(name))[.size] as? NSNumber
            return total + (size?.int64Value ?? 0)
        }
    }

    static func listed(_ store: CaseStore) throws -> [[CaseIndexTests.Seen]] {
        var store = store
        return try [false, true].map { all in
            try store.flaggedCases(includeClosed: all, today: today).map { item in
                CaseIndexTests.Seen(id: item.id.uuidString, author: item.author, device: item.device, visit: item.visit ?? "-",
                                    date: (item.visitDate ?? item.screeningDate).iso, child: item.maskedCPR,
                                    actions: item.actions.map { "\($0.action):\($0.status.key):\($0.deadline?.iso ?? "-"):\($0.overdue)" }
                                        .joined(separator: ","),
                                    overridden: item.overridden, corrections: item.corrections, flagged: item.flagged)
            }.sorted()
        }
    }

    /// The list of a reader that rebuilds the index from the log in a fresh state folder.
    static func fromScratch(_ dir: TemporaryDirectory, _ form: Form) throws -> [[CaseIndexTests.Seen]] {
        let fresh = TemporaryDirectory()
        return try listed(try CaseStore.open(directory: dir.data, state: fresh.state, form: form))
    }

    /// Demo data of `count` screenings in a fresh folder, with the index built and saved by a full reader.
    static func savedIndex(count: Int, seed: UInt64) throws -> (Form, TemporaryDirectory, CaseStore) {
        let form = try Sample.form()
        let source = try CaseIndexTests.demo(count: count, seed: seed, form: form)
        let dir = TemporaryDirectory()
        try CaseIndexTests.copy(from: source, to: dir) { _ in 1 }
        return (form, dir, try CaseStore.open(directory: dir.data, state: dir.state, form: form))
    }

    /// Flips bits `mask` of one byte of the saved index's `rest` section (or `section`), `1/part` of
    /// the way in.
    static func flipByte(inRestOf dir: TemporaryDirectory, at part: Int, with mask: UInt8,
                         section: IndexFormat.Section = .rest, key: SymmetricKey? = nil) throws {
        let path = dir.state.file(CaseStore.indexFileName(for: dir.data))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let place = try #require(IndexSource.bytes(bytes, key: key)).places[section.rawValue]
        bytes[Int(place.offset) + place.length / part] ^= mask
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// A new screening that flags the case (high conflict, a report recommended).
    static func flaggedScreening(_ form: Form) -> EventBody {
        let answers: Answers = ["besoeg": .string("2mdr"), "besoegsdato": .string("2026-11-20"),
                                "konfliktniveau": .string("hoejt"), "vold_mellem_foraeldre": .string("ja_aktuel"),
                                "barn_udsat": .string("ja")]
        return .screening(ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                        answers: answers, decision: form.decide(answers, today: today),
                                        visitDate: LocalDate(iso: "2026-11-20"), override: nil))
    }

    @Test func theListReadsOnlyTheOpenRecordsAndShowsWhatAFoldFromScratchShows() throws {
        let (form, dir, full) = try Self.savedIndex(count: 400, seed: 31)
        let openCount = full.index.records.filter(CaseIndex.isOpenFlagged).count
        #expect(openCount > 0 && openCount < full.index.records.filter(\.wasFlagged).count)

        let list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(!list.index.isComplete)
        #expect(list.index.records.count == openCount)
        #expect(list.report.bytesRead == 0)
        #expect(try Self.listed(list) == Self.listed(full))
        #expect(try Self.listed(list) == (try Self.fromScratch(dir, form)))
        #expect(list.warnings.isEmpty)
    }

    /// The default list (open cases only) reads the `open` section alone; the cases flagged at some point
    /// are read when the lead asks for all, and every record still lands in its place.
    @Test func theDefaultListReadsOnlyTheOpenFlaggedRecords() throws {
        let (form, dir, full) = try Self.savedIndex(count: 400, seed: 37)
        let openCount = full.index.records.filter(CaseIndex.isOpenFlagged).count
        let flaggedCount = full.index.records.filter(\.wasFlagged).count
        #expect(openCount > 0 && openCount < flaggedCount)
        try LogWriter(directory: dir.data, device: "ny-enhed").append(Self.flaggedScreening(form), author: "NY")
        let scratch = try Self.fromScratch(dir, form)

        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(list.report.rebuiltBecause == nil && !list.index.isComplete)
        #expect(list.index.records.count == openCount + 1)
        let open = try list.flaggedCases(includeClosed: false, today: Self.today)
        #expect(list.index.records.count == openCount + 1)          // asking for the open cases reads nothing more
        #expect(try Self.listed(list)[0] == scratch[0])
        #expect(open.contains { $0.author == "NY" })
        let all = try list.flaggedCases(includeClosed: true, today: Self.today)
        // The cases no longer open are read again from the file as the list is read (`SavedCases`).
        #expect(list.index.records.count == openCount + 1 && !list.index.isComplete)
        #expect(all.count == flaggedCount + 1)
        #expect(try Self.listed(list) == scratch)
        // The rest read later: the records of the three sections merge into the reading order, the new one last.
        var index = list.index
        let readAll = index.readAll()
        #expect(readAll && index.isComplete)
        #expect(index.records.dropLast().map(\.id) == full.index.records.map(\.id))
        #expect(index.records.dropLast() == full.index.records[...])
        #expect(index.records.last.map { $0.author } == list.index.records.last.map { $0.author })

        // Read straight from `open` to everything, without the `flagged` section first: the same order.
        var direct = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open).index
        let directAll = direct.readAll()
        #expect(directAll && direct.records == index.records)
    }

    /// The list of every case flagged at some point leaves the cases no longer open in the index file and
    /// reads them again as they are read, in any order: the summaries a complete index gives, with
    /// nothing more read into the index.
    @Test(arguments: [false, true]) func theClosedCasesStayInTheFileAndAreReadAgainInAnyOrder(sealed: Bool) throws {
        let (form, dir, full) = try Self.savedIndex(count: 400, seed: 41)
        var complete = full
        let expected = try complete.flaggedCases(includeClosed: true, today: Self.today)
        // The same cases, but for the keyed CPR hash: each index has a secret of its own.
        let byID = Dictionary(uniqueKeysWithValues: expected.map { item in
            var item = item
            item.cprKey = 0
            return (item.id, item)
        })
        func same(_ item: CaseSummary) -> Bool {
            var item = item
            item.cprKey = 0
            return item == byID[item.id]
        }
        // Sealed: the lead's key seals the index (a clear one is rebuilt and sealed on the first open).
        let keys = sealed ? BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()]) : nil
        if sealed { _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys) }
        var store = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys, scope: .open)
        #expect(store.report.rebuiltBecause == nil && store.report.bytesRead == 0)
        let kept = store.index.records.count
        let all = try store.flaggedCases(includeClosed: true, today: Self.today)
        #expect(store.index.records.count == kept)
        #expect(all.count == expected.count && all.count > kept)
        #expect(!all.indices.allSatisfy(all.isRead))
        // Backwards: each case read on from its own place, the section opened again each time.
        for position in all.indices.reversed() {
            #expect(all.id(at: position) == all[position].id && same(all[position]))
        }
        // In the order of the sorted list, a few rows prepared at a time.
        let filter = ReviewFilter(includeClosed: true)
        let order = ReviewList.order(all, filter: filter, form: form, today: Self.today)
        let expectedOrder = ReviewList.order(expected, filter: filter, form: form, today: Self.today)
        #expect(order.map(all.id(at:)) == expectedOrder.map(expected.id(at:)))
        for start in stride(from: 0, to: order.count, by: 7) {
            let block = order[start ..< min(order.count, start + 7)]
            all.prepare(block)
            #expect(block.allSatisfy(all.isRead))
            for place in block { #expect(all.id(at: place) == all[place].id && same(all[place])) }
        }
        #expect(!all.readFailed)

        // The file damaged under a list (in place, the same file): the reading fails and says so.
        var other = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys, scope: .open)
        let unread = try other.flaggedCases(includeClosed: true, today: Self.today)
        let path = dir.state.file(CaseStore.indexFileName(for: dir.data))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let place = try #require(IndexSource.bytes(bytes, key: keys?.cacheKey(label: CaseStore.cacheLabel)))
            .places[IndexFormat.Section.flagged.rawValue]
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(place.offset) + UInt64(place.length / 2))
        let byte = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(place.offset) + UInt64(place.length / 2))
        try handle.write(contentsOf: Data([byte[0] ^ 0x20]))
        try handle.close()
        unread.prepare(order)
        #expect(unread.readFailed)
        #expect(!all.readFailed)
    }

    /// A damaged `flagged` section is found when the lead asks for all cases: the index is rebuilt from
    /// the log then, and the list is still the one a fold from scratch gives.
    @Test func aDamagedFlaggedSectionMeansARebuildWhenAllAreAskedFor() throws {
        let (form, dir, _) = try Self.savedIndex(count: 300, seed: 38)
        try Self.flipByte(inRestOf: dir, at: 2, with: 0x10, section: .flagged)
        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(list.report.rebuiltBecause == nil)       // the damage is not read yet
        let scratch = try Self.fromScratch(dir, form)
        let open = try list.flaggedCases(includeClosed: false, today: Self.today)
        #expect(open.count == scratch[0].count)
        let all = try list.flaggedCases(includeClosed: true, today: Self.today)
        #expect(list.report.rebuiltBecause != nil)
        #expect(all.count == scratch[1].count)
        #expect(try Self.listed(list) == scratch)
        // A damaged `open` section: the reader of the list does not trust the file and rebuilds at once
        // (a saved index read for the list is never complete).
        let saved = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(!saved.index.isComplete)
        try Self.flipByte(inRestOf: dir, at: 3, with: 0x02, section: .open)
        let rebuilt = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(rebuilt.report.bytesRead == (try Self.logSize(dir)))    // built from the whole log
        #expect(try Self.listed(rebuilt) == scratch)
    }

    @Test func aNewScreeningIsFoundNewByTheIdTableAndTheRestStaysUnread() throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 32)
        try LogWriter(directory: dir.data, device: "ny-enhed").append(Self.flaggedScreening(form), author: "NY")

        let list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(list.report.bytesRead > 0 && list.report.rebuiltBecause == nil)
        #expect(!list.index.isComplete)
        #expect(list.index.records.count == full.index.records.filter(CaseIndex.isOpenFlagged).count + 1)
        #expect(try Self.listed(list) == (try Self.fromScratch(dir, form)))
        #expect(try Self.listed(list)[0].contains { $0.author == "NY" })

        // Asking for the rest later puts every record in its place, the new one last.
        var index = list.index
        let readAll = index.readAll()
        #expect(readAll)
        #expect(index.isComplete)
        #expect(index.records.dropLast().map(\.id) == full.index.records.map(\.id))
        #expect(index.records.last?.id == list.index.records.last?.id)

        // A screening with an id the saved index already holds (a copied line) is a duplicate: the id
        // table says it may be saved, and it is found in the saved sections an entry at a time.
        let screenings = try dir.data.logFiles().filter { $0.hasPrefix("demo-") }.flatMap { name in
            try Sample.lines(dir.data.file(name)).filter { $0.range(of: Data(#""type":"screening""#.utf8)) != nil }
        }
        try Sample.write(lines: [screenings[0]], to: dir.data.file("kopi.jsonl"))
        let again = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        let duplicates = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: Self.today))
        #expect(again.index.orphanCount == duplicates.orphans.count && again.index.orphanCount > 0)
        #expect(!again.index.isComplete)
        #expect(try Self.listed(again) == (try Self.fromScratch(dir, form)))

        // A copied file that repeats more screenings than are worth searching for one by one: every
        // saved id is read into a sorted table (not every record), and the index is saved then, though
        // the copy is a few bytes, so the next start does not do it again.
        try Sample.write(lines: Array(screenings[1...5]), to: dir.data.file("kopi2.jsonl"))
        let many = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        let more = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: Self.today))
        #expect(!many.index.isComplete && many.index.orphanCount == more.orphans.count && more.orphans.count >= 6)
        #expect(try Self.listed(many) == (try Self.fromScratch(dir, form)))
        let after = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(after.report.bytesRead == 0 && !after.index.isComplete)
        #expect(after.index.orphanCount == more.orphans.count)
        #expect(try Self.listed(after) == (try Self.fromScratch(dir, form)))
    }

    /// A follow-up of a saved case is applied by rewriting the index, its records streamed from the
    /// saved file: the reader never holds every record.
    @Test func aFollowupRewritesTheIndexWithoutReadingTheRestAndADamagedRestMeansARebuild() throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 33)
        var complete = full
        let open = try #require(try complete.flaggedCases(includeClosed: false, today: Self.today).first { !$0.actions.isEmpty })
        let action = try #require(open.actions.first { !$0.status.closes }).action
        try LogWriter(directory: dir.data, device: "leder").append(.followup(FollowupBody(
            screening: open.id, action: action, status: "udfoert", date: Self.today, note: "Talt med familien")), author: "LE")

        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(!list.index.isComplete && list.index.records.count < full.index.records.count)
        let allFlagged = list.index.records.allSatisfy { $0.wasFlagged }
        #expect(allFlagged)
        #expect(list.report.rebuiltBecause == nil && list.report.bytesRead > 0)
        // Saved with the follow-up applied: the next reader reads nothing new.
        let again = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(again.report.bytesRead == 0)
        #expect(try Self.listed(again) == (try Self.fromScratch(dir, form)))
        #expect(try Self.listed(list) == (try Self.fromScratch(dir, form)))
        #expect(try !list.flaggedCases(includeClosed: true, today: Self.today).contains {
            $0.id == open.id && $0.actions.contains { $0.action == action && !$0.status.closes }
        })

        // The same follow-up read against an index whose `rest` section is damaged: the section is not
        // trusted, and the reader rebuilds from the log instead of folding into half an index.
        let path = dir.state.file(CaseStore.indexFileName(for: dir.data))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: dir.data.file("leder.jsonl"), toPath: dir.path + "/leder.jsonl")
        _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        try Self.flipByte(inRestOf: dir, at: 2, with: 0x20)
        try FileManager.default.moveItem(atPath: dir.path + "/leder.jsonl", toPath: dir.data.file("leder.jsonl"))
        let rebuilt = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(rebuilt.report.rebuiltBecause != nil)
        #expect(try Self.listed(rebuilt) == (try Self.fromScratch(dir, form)))
    }

    @Test func aCaseOpenedFromTheListIsReadWithItsHistory() throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 34)
        let withHistory = try #require(full.index.records.first { $0.wasFlagged && $0.followups + $0.corrections > 0 })
        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        let details = try #require(try list.details(withHistory.id, today: Self.today))
        var complete = full
        let expected = try #require(try complete.details(withHistory.id, today: Self.today))
        #expect(details.followups.count == expected.followups.count)
        #expect(details.corrections.count == expected.corrections.count)
        #expect(details.followups.count + details.corrections.count > 0)
        // An id that is in no record is not found, whatever is read to learn it.
        let unknown = try list.details(UUID(), today: Self.today)
        #expect(unknown == nil)

        // A case that is not among the flagged, opened through a list whose `rest` section is damaged:
        // the index is rebuilt from the log, and the case is still found.
        let quiet = try #require(full.index.records.first { !$0.wasFlagged })
        try Self.flipByte(inRestOf: dir, at: 3, with: 0x04)
        var damaged = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(damaged.report.rebuiltBecause == nil)          // the damage is not read yet
        let found = try damaged.details(quiet.id, today: Self.today)
        #expect(found?.id == quiet.id)
        #expect(damaged.index.isComplete)
    }

    /// A case looked up by id in a partly read index (a closed case opened from the list, or one that
    /// was never flagged) is found in the sections not read yet, an entry at a time, and so is its
    /// history: nothing more is read into memory, and the details and summary are a complete index's.
    @Test(arguments: [false, true]) func aCaseLookedUpByIdIsFoundWithoutReadingTheRecords(sealed: Bool) throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 38)
        let closed = try #require(full.index.records.first {
            $0.wasFlagged && !CaseIndex.isOpenFlagged($0) && $0.followups + $0.corrections > 0
        })
        let quiet = try #require(full.index.records.first { !$0.wasFlagged })
        // Sealed: the lead's key seals the index (a clear one is rebuilt and sealed on the first open).
        let keys = sealed ? BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()]) : nil
        if sealed { _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys) }
        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys, scope: .open)
        #expect(list.report.rebuiltBecause == nil && list.report.bytesRead == 0)
        let loaded = list.index.records.count
        var complete = full
        for id in [closed.id, quiet.id] {
            let details = try #require(try list.details(id, today: Self.today))
            #expect(try details == #require(try complete.details(id, today: Self.today)))
            // The same case, but for the keyed CPR hash: each index has a secret of its own.
            let seen = list.summary(of: id, today: Self.today), expected = complete.summary(of: id, today: Self.today)
            var summary = try #require(seen)
            summary.cprKey = try #require(expected).cprKey
            #expect(summary == expected)
        }
        #expect(try list.details(closed.id, today: Self.today)?.followups.count == Int(closed.followups))
        #expect(list.index.records.count == loaded && !list.index.isComplete && list.index.history.isEmpty)
        #expect(try list.details(UUID(), today: Self.today) == nil)

        // A damaged `flagged` section is found by the lookup: the index is rebuilt, and the case found.
        try Self.flipByte(inRestOf: dir, at: 2, with: 0x10, section: .flagged,
                          key: keys?.cacheKey(label: CaseStore.cacheLabel))
        var damaged = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys, scope: .open)
        #expect(try damaged.details(closed.id, today: Self.today)?.id == closed.id)
        #expect(damaged.index.isComplete)
    }

    /// A child's screenings (the lead's `insight`) are found by keyed CPR hash in the sections of a
    /// partly read index, an entry at a time: the same as a complete index finds, nothing more read.
    @Test func aChildsScreeningsAreFoundByCPRWithoutReadingTheRecords() throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 39)
        var complete = full
        // A child with a screening not among the flagged (in `rest`), screened again since the save.
        let quiet = try #require(full.index.records.first { !$0.wasFlagged && $0.cprKey != 0 })
        let answers = try #require(try complete.details(quiet.id, today: Self.today)).answers
        guard case .string(let cpr)? = answers["barn_cpr"] else { Issue.record("no CPR number"); return }
        let again = try LogWriter(directory: dir.data, device: "ny-enhed").append(Self.flaggedScreeningOf(cpr, form), author: "NY")
        let screenings = [quiet.id, again.id]

        var list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        let loaded = list.index.records.count
        let found = try list.records(cpr: cpr)
        #expect(found.map(\.id).sorted { $0.uuidString < $1.uuidString } == screenings.sorted { $0.uuidString < $1.uuidString })
        #expect(found.first { $0.id == quiet.id } == quiet)
        #expect(list.index.records.count == loaded && !list.index.isComplete)
        #expect(try list.records(cpr: "010101-0000").isEmpty)

        // A damaged `rest` section is found by the search: rebuilt from the log, the same screenings.
        try Self.flipByte(inRestOf: dir, at: 2, with: 0x10)
        var damaged = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(Set(try damaged.records(cpr: cpr).map(\.id)) == Set(screenings))
        #expect(damaged.index.isComplete)
    }

    @Test func sectionsOfAnotherSaveAreNotTrusted() throws {
        let (form, _, store) = try Self.savedIndex(count: 120, seed: 35)
        let schema = try CaseSchema(form: form)
        let one = try store.index.encoded()
        let two = try store.index.encoded()
        #expect(one != two)                      // a new generation at every save
        #expect(CaseIndex.decode(one, schema: schema) != nil && CaseIndex.decode(two, schema: schema) != nil)
        // The `flagged` section of the second save spliced into the first: same length, other generation.
        let first = try #require(IndexSource.bytes(one, key: nil)), second = try #require(IndexSource.bytes(two, key: nil))
        let a = first.places[IndexFormat.Section.flagged.rawValue], b = second.places[IndexFormat.Section.flagged.rawValue]
        #expect(a.length == b.length)
        var spliced = one
        spliced.replaceSubrange(Int(a.offset) ..< Int(a.offset) + a.length, with: two[Int(b.offset) ..< Int(b.offset) + b.length])
        #expect(CaseIndex.decode(spliced, schema: schema) == nil)
        // Read for the list of all cases (its closed cases) or for everything: not trusted either.
        let splicedOpen = try #require(CaseIndex.decode(spliced, schema: schema, scope: .open))
        #expect(SavedCases(try #require(splicedOpen.partial)) == nil)
        var splicedAll = splicedOpen
        let readAll = splicedAll.readAll()
        #expect(!readAll)
        // The same with the `open` section, which the default list reads alone.
        let e = first.places[IndexFormat.Section.open.rawValue], f = second.places[IndexFormat.Section.open.rawValue]
        #expect(e.length == f.length)
        var otherOpen = one
        otherOpen.replaceSubrange(Int(e.offset) ..< Int(e.offset) + e.length, with: two[Int(f.offset) ..< Int(f.offset) + f.length])
        #expect(CaseIndex.decode(otherOpen, schema: schema, scope: .open) == nil)
        #expect(CaseIndex.decode(otherOpen, schema: schema, scope: .lookup) != nil)       // not read, not needed
        // Cut short anywhere: not trusted.
        for cut in [10, one.count / 3, one.count - 1] {
            #expect(CaseIndex.decode(one.prefix(cut), schema: schema, scope: .open) == nil)
            #expect(CaseIndex.decode(one.prefix(cut), schema: schema, scope: .tallies) == nil)
        }
        // The `tallies` section of the second save spliced into the first: not trusted, so the export's
        // reader reads the records instead.
        let c = first.places[IndexFormat.Section.tallies.rawValue], d = second.places[IndexFormat.Section.tallies.rawValue]
        #expect(c.length == d.length)
        var otherTallies = one
        otherTallies.replaceSubrange(Int(c.offset) ..< Int(c.offset) + c.length, with: two[Int(d.offset) ..< Int(d.offset) + d.length])
        let fromRecords = try #require(CaseIndex.decode(otherTallies, schema: schema, scope: .tallies))
        #expect(fromRecords.isComplete && fromRecords.records == store.index.records)
        let fromTallies = try #require(CaseIndex.decode(one, schema: schema, scope: .tallies))
        #expect(!fromTallies.isComplete && fromTallies.records.isEmpty)
        // Either way the same tallies as the full index's, key by key.
        func counts(_ index: CaseIndex) -> [TallyKey: Int] {
            var counts: [TallyKey: Int] = [:]
            _ = index.tallies { counts[$0, default: 0] += $1 }
            return counts
        }
        #expect(counts(fromTallies) == counts(store.index) && counts(fromRecords) == counts(store.index))
        #expect(fromTallies.tallies { _, _ in } == store.index.tallies { _, _ in })
    }

    /// The "already screened at this visit" check reads no record: the CPR table answers for the saved
    /// screenings, the screenings folded since answer for themselves, and a correction makes the reader
    /// read everything (a record may have changed).
    @Test func aChildIsLookedUpInTheCPRTableWithoutReadingRecords() throws {
        let (form, dir, full) = try Self.savedIndex(count: 300, seed: 36)
        let visits = full.index.schema.visits
        let sampled = full.index.records.filter { $0.cprKey != 0 && $0.visit >= 0 }.prefix(40)
        #expect(sampled.count == 40)
        // The keyed hash is one-way, so the numbers are found again from the log's answers.
        let scratch = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: Self.today))
        var numbers: [UUID: String] = [:]
        for item in scratch.cases { if let cpr = form.text(role: .childCPR, in: item.answers) { numbers[item.id] = cpr } }
        var lookup = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .lookup)
        #expect(lookup.index.records.isEmpty)
        for record in sampled {
            let cpr = try #require(numbers[record.id])
            let visit = visits[Int(record.visit)]
            let atVisit = lookup.hasScreening(cpr: cpr, visit: visit)
            #expect(atVisit)
            // The other visit: the table says what a full reader says.
            for other in visits where other != visit {
                var complete = full
                let (fromTable, fromRecords) = (lookup.hasScreening(cpr: cpr, visit: other), complete.hasScreening(cpr: cpr, visit: other))
                #expect(fromTable == fromRecords)
            }
        }
        let stranger = lookup.hasScreening(cpr: "0101011234", visit: visits[0])
        #expect(!stranger)
        #expect(lookup.index.records.isEmpty && !lookup.index.isComplete)

        // A new screening, not saved yet: found among the screenings folded since.
        try LogWriter(directory: dir.data, device: "ny-enhed").append(Self.flaggedScreeningOf("0202029876", form), author: "NY")
        var after = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .lookup)
        #expect(after.index.records.count == 1)
        let (at2, at8) = (after.hasScreening(cpr: "020202-9876", visit: "2mdr"), after.hasScreening(cpr: "020202-9876", visit: "8mdr"))
        #expect(at2 && !at8)

        // A correction that moves a sampled child to the other visit: the index is rewritten with it (no
        // record read into memory), and the answer follows the correction.
        let moved = try #require(sampled.first)
        let movedCPR = try #require(numbers[moved.id])
        let from = visits[Int(moved.visit)], to = try #require(visits.first { $0 != from })
        let original = try #require(scratch.cases.first { $0.id == moved.id })
        var answers = original.answers
        answers[try #require(form.field(role: .visit)).id] = .string(to)
        let twinBefore = scratch.cases.contains {
            $0.id != moved.id && form.text(role: .childCPR, in: $0.answers) == movedCPR && form.text(role: .visit, in: $0.answers) == from
        }
        try LogWriter(directory: dir.data, device: "leder").append(.correction(CorrectionBody(
            screening: moved.id, answers: answers, decision: form.decide(answers, today: Self.today),
            visitDate: original.visitDate, reason: "Forkert besøg")), author: "LE")
        var corrected = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .lookup)
        #expect(!corrected.index.isComplete && corrected.index.records.isEmpty)
        let (atNew, atOld) = (corrected.hasScreening(cpr: movedCPR, visit: to), corrected.hasScreening(cpr: movedCPR, visit: from))
        #expect(atNew)
        #expect(atOld == twinBefore)
    }

    static func flaggedScreeningOf(_ cpr: String, _ form: Form) -> EventBody {
        guard case .screening(var body) = flaggedScreening(form), let field = form.field(role: .childCPR) else {
            return flaggedScreening(form)
        }
        body.answers[field.id] = .string(cpr)
        return .screening(body)
    }
}
