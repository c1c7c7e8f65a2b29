import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktDemo
import KonfliktTestSupport

/// The case index gives the same cases as a fold from scratch, however the log changed since it was
/// saved: appends, a new device file, a rewritten or truncated file, a damaged or outdated index.
@Suite struct CaseIndexTests {
    static let today = LocalDate(year: 2026, month: 11, day: 30)!

    /// What a reader sees of the cases, comparable between the index and the fold from scratch.
    struct Seen: Hashable, Comparable {
        var id: String, author: String, device: String, visit: String, date: String, child: String
        var actions: String, overridden: Bool, corrections: Int, flagged: Bool

        static func < (lhs: Seen, rhs: Seen) -> Bool { lhs.id < rhs.id }
    }

    static func seen(_ store: CaseStore) -> [Seen] {
        store.index.records.map { store.summary($0, today: today) }.map { item in
            Seen(id: item.id.uuidString, author: item.author, device: item.device, visit: item.visit ?? "-",
                 date: (item.visitDate ?? item.screeningDate).iso, child: item.maskedCPR,
                 actions: item.actions.map { "\($0.action):\($0.status.key):\($0.deadline?.iso ?? "-"):\($0.overdue)" }
                    .joined(separator: ","),
                 overridden: item.overridden, corrections: item.corrections, flagged: item.flagged)
        }.sorted()
    }

    static func seen(_ result: FoldResult) -> [Seen] {
        result.cases.map { item in
            var child = "—"
            if case .string(let cpr)? = item.answers["barn_cpr"] { child = ReviewRow.mask(cpr) }
            var visit = "-"
            if case .string(let text)? = item.answers["besoeg"] { visit = text }
            return Seen(id: item.id.uuidString, author: item.author, device: item.device, visit: visit,
                        date: (item.visitDate ?? item.screeningDate).iso, child: child,
                        actions: item.actions.map { "\($0.action):\($0.status.key):\($0.deadline?.iso ?? "-"):\($0.overdue)" }
                            .joined(separator: ","),
                        overridden: item.override != nil, corrections: item.corrections.count, flagged: item.flagged)
        }.sorted()
    }

    /// The index as saved and brought up to date equals a fold from scratch of the same folder.
    static func expectMatchesScratch(_ dir: TemporaryDirectory, _ form: Form,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> CaseStore {
        let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let scratch = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: today))
        #expect(seen(store) == seen(scratch), sourceLocation: sourceLocation)
        #expect(store.index.orphanCount == scratch.orphans.count, sourceLocation: sourceLocation)
        // And a fresh index (no saved file) agrees byte for byte in what it holds.
        let fresh = TemporaryDirectory()
        let rebuilt = try CaseStore.open(directory: dir.data, state: fresh.state, form: form)
        #expect(Set(rebuilt.index.records.map { Self.recordKey($0, rebuilt.index) })
                == Set(store.index.records.map { Self.recordKey($0, store.index) }), sourceLocation: sourceLocation)
        return store
    }

    /// A record with its file number and string indices replaced by names (they depend on reading order).
    static func recordKey(_ record: CaseRecord, _ index: CaseIndex) -> String {
        var copy = record
        copy.place.file = 0
        copy.device = 0
        copy.author = 0
        copy.cprKey = 0
        return "\(copy)|\(index.fileName(record.place.file) ?? "")|\(index.string(record.device))|\(index.string(record.author))"
    }

    /// Demo data in `source`, and the first `share` of each file's lines copied into `dir`.
    static func demo(count: Int, seed: UInt64, form: Form) throws -> TemporaryDirectory {
        let source = TemporaryDirectory()
        _ = try DemoData.write(form: form, to: source.data, options: DemoDataOptions(count: count, seed: seed, today: today))
        return source
    }

    static func lines(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) + Data([0x0A]) }
    }

    static func copy(from source: TemporaryDirectory, to dir: TemporaryDirectory, share: (String) -> Double) throws {
        try dir.data.create()
        for name in try source.data.logFiles() {
            let all = try lines(source.data.file(name))
            let keep = Int(Double(all.count) * share(name))
            guard keep > 0 else { continue }
            try Data(all.prefix(keep).joined()).write(to: URL(fileURLWithPath: dir.data.file(name)))
        }
    }

    static func append(rest source: TemporaryDirectory, to dir: TemporaryDirectory) throws {
        for name in try source.data.logFiles() {
            let all = try Data(contentsOf: URL(fileURLWithPath: source.data.file(name)))
            let path = dir.data.file(name)
            let have = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            guard all.count > have.count else { continue }
            if FileManager.default.fileExists(atPath: path) {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: all.suffix(from: have.count))
                try handle.close()
            } else {
                try all.write(to: URL(fileURLWithPath: path))
            }
        }
    }

    @Test func appendsAreReadIncrementallyAndGiveTheSameCases() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 400, seed: 7, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 0.5 }
        let first = try Self.expectMatchesScratch(dir, form)
        #expect(first.report.rebuiltBecause == nil)
        try Self.append(rest: source, to: dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.state.file(CaseStore.indexFileName(for: dir.data))))
        let second = try Self.expectMatchesScratch(dir, form)
        #expect(second.report.rebuiltBecause == nil)
        let total = try dir.data.logFiles().reduce(0) { $0 + ((try? Data(contentsOf: URL(fileURLWithPath: dir.data.file($1))).count) ?? 0) }
        #expect(second.report.bytesRead > 0 && second.report.bytesRead < Int64(total) * 3 / 4)
        #expect(!before.isEmpty)
        // Less than `defaultSaveAfterBytes` was new, so the index was not rewritten for it: the next
        // reader reads the same new bytes again and gets the same cases.
        #expect(second.report.bytesRead < CaseStore.defaultSaveAfterBytes)
        let third = try Self.expectMatchesScratch(dir, form)
        #expect(third.report.bytesRead == second.report.bytesRead && third.report.rebuiltBecause == nil)
        #expect(third.index.records.count > first.index.records.count)
        // Saved at any size: then nothing new means nothing read.
        _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form, saveAfterBytes: 0)
        let fourth = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(fourth.report.bytesRead == 0 && !fourth.report.changed)
        #expect(fourth.index.records.count == third.index.records.count)
    }

    @Test func aNewDeviceFileIsReadAndItsEventsFindTheirScreenings() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 300, seed: 11, form: form)
        let dir = TemporaryDirectory()
        // The lead's file (follow-ups, corrections) arrives last.
        try Self.copy(from: source, to: dir) { $0.hasPrefix("demo-leder") ? 0 : 1 }
        _ = try Self.expectMatchesScratch(dir, form)
        try Self.append(rest: source, to: dir)
        let store = try Self.expectMatchesScratch(dir, form)
        #expect(store.report.rebuiltBecause == nil)
        #expect(store.index.records.contains { $0.followups > 0 })
    }

    @Test func eventsBeforeTheirScreeningWaitAndAreAppliedWhenItArrives() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 300, seed: 12, form: form)
        let dir = TemporaryDirectory()
        // The lead's file first, whole; the health visitors' files later.
        try Self.copy(from: source, to: dir) { $0.hasPrefix("demo-leder") ? 1 : 0.3 }
        let early = try Self.expectMatchesScratch(dir, form)
        #expect(early.index.orphanCount > 0)
        try Self.append(rest: source, to: dir)
        let store = try Self.expectMatchesScratch(dir, form)
        #expect(store.index.orphanCount == 0)
    }

    @Test func aRewrittenFileMeansARebuild() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 200, seed: 13, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 0.5 }
        _ = try Self.expectMatchesScratch(dir, form)
        // Replace one file by a copy that diverges: its lines from another seed, longer than before.
        let other = try Self.demo(count: 300, seed: 99, form: form)
        let name = try #require(try dir.data.logFiles().first { !$0.hasPrefix("demo-leder") })
        try Data(contentsOf: URL(fileURLWithPath: other.data.file(name))).write(to: URL(fileURLWithPath: dir.data.file(name)))
        let store = try Self.expectMatchesScratch(dir, form)
        #expect(store.report.rebuiltBecause?.contains("skrevet om") == true)
        #expect(store.warnings.contains { $0.contains("bygget forfra") })
    }

    @Test func aTruncatedOrMissingFileMeansARebuild() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 200, seed: 14, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 1 }
        _ = try Self.expectMatchesScratch(dir, form)
        let names = try dir.data.logFiles()
        let path = dir.data.file(names[0])
        let all = try Self.lines(path)
        try Data(all.prefix(all.count / 2).joined()).write(to: URL(fileURLWithPath: path))
        let truncated = try Self.expectMatchesScratch(dir, form)
        #expect(truncated.report.rebuiltBecause?.contains("kortere") == true)
        try FileManager.default.removeItem(atPath: dir.data.file(names[1]))
        let gone = try Self.expectMatchesScratch(dir, form)
        #expect(gone.report.rebuiltBecause?.contains("findes ikke") == true)
    }

    @Test func aDamagedOrOldIndexFileIsRebuilt() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 200, seed: 15, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 1 }
        let good = try Self.expectMatchesScratch(dir, form)
        let indexPath = dir.state.file(CaseStore.indexFileName(for: dir.data))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: indexPath))
        let afterDamage = try Self.expectMatchesScratch(dir, form)
        #expect(afterDamage.report.bytesRead > 0)
        #expect(afterDamage.index.records.count == good.index.records.count)
        try Data("KONFLIKT-CASE-INDEX\n\u{0}\u{0}\u{0}\u{0}".utf8).write(to: URL(fileURLWithPath: indexPath))
        let afterOld = try Self.expectMatchesScratch(dir, form)
        #expect(afterOld.report.bytesRead > 0)
        // Index files are private to the reader.
        var status = stat()
        #expect(stat(indexPath, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test func withAKeyTheIndexIsSealedAndOnlyThatKeyOpensIt() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 200, seed: 21, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 1 }
        let schema = try CaseSchema(form: form)
        let indexPath = dir.state.file(CaseStore.indexFileName(for: dir.data))
        // First a reader without a key: a clear index with a checksum.
        let clear = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let clearBytes = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        #expect(CaseIndex.decode(clearBytes, schema: schema) != nil)
        // The lead with the team key: the clear index is not trusted, it is rebuilt and sealed.
        let lead = BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()])
        let sealed = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: lead)
        #expect(sealed.report.bytesRead > 0)
        let sealedBytes = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        // The form's signature and the device names are in the clear body, and not in the sealed one.
        let device = try #require(clear.index.strings.first)
        #expect(clearBytes.range(of: Data(device.utf8)) != nil)
        #expect(sealedBytes.range(of: Data(device.utf8)) == nil)
        #expect(sealedBytes.range(of: Data(schema.signature.utf8)) == nil)
        let key = try #require(lead.cacheKey(label: CaseStore.cacheLabel))
        let opened = try #require(CaseIndex.decode(sealedBytes, schema: schema, key: key, trust: lead.trustDigest))
        #expect(opened.records.map { Self.recordKey($0, opened) } == sealed.index.records.map { Self.recordKey($0, sealed.index) })
        #expect(CaseIndex.decode(sealedBytes, schema: schema) == nil)
        let stranger = BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()])
        #expect(CaseIndex.decode(sealedBytes, schema: schema, key: stranger.cacheKey(label: CaseStore.cacheLabel)) == nil)
        // One flipped byte in the sealed body: not trusted.
        var damaged = sealedBytes
        damaged[damaged.count / 2] ^= 0x01
        #expect(CaseIndex.decode(damaged, schema: schema, key: key) == nil)
        // The same key again reads nothing new; another key rebuilds.
        let again = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: lead)
        #expect(again.report.bytesRead == 0 && again.report.rebuiltBecause == nil)
        let other = try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: stranger)
        #expect(other.report.bytesRead > 0)
    }

    @Test func everyWayOfNamingTheDataFolderFindsTheSameIndex() throws {
        let dir = TemporaryDirectory()
        try dir.data.create()
        let absolute = dir.data.path
        let parent = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        // Relative to the working directory, without changing it (tests run in parallel).
        let up = FileManager.default.currentDirectoryPath.split(separator: "/").map { _ in ".." }.joined(separator: "/")
        let relative = up + absolute
        let link = parent + "/link-to-" + name
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: absolute)
        let names = [absolute, absolute + "/", parent + "/./" + name, relative, link].map {
            CaseStore.indexFileName(for: DataDirectory(path: $0))
        }
        #expect(Set(names).count == 1)
        #expect(Set([absolute, relative, link].map { SeenHeads.fileName(for: DataDirectory(path: $0)) }).count == 1)
        #expect(CaseStore.indexFileName(for: DataDirectory(path: parent)) != names[0])
    }

    @Test func anIndexMadeUnderAnotherFormIsRebuilt() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 100, seed: 16, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 1 }
        _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let schema = try CaseSchema(form: form)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.state.file(CaseStore.indexFileName(for: dir.data))))
        #expect(CaseIndex.decode(data, schema: schema) != nil)
        // The same form with one comment added: another fingerprint, so the index is not trusted.
        let forms = dir.url.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        let original = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("forms/konfliktscreening.yaml")
        try (try Data(contentsOf: original) + Data("\n# lokal ændring\n".utf8))
            .write(to: forms.appendingPathComponent("konfliktscreening.yaml"))
        let other = try FormLoader.loadForm(directory: forms)
        #expect(other.fingerprint != form.fingerprint)
        #expect(CaseIndex.decode(data, schema: try CaseSchema(form: other)) == nil)
        let reopened = try CaseStore.open(directory: dir.data, state: dir.state, form: other)
        #expect(reopened.report.bytesRead > 0)
    }

    @Test func concurrentAppendsWhileTheIndexUpdates() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        try dir.data.create()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<50 { try writer.append(Sample.screening(), author: "AB") }
        let done = DispatchSemaphore(value: 0)
        let data = dir.data
        DispatchQueue.global().async {
            let other = LogWriter(directory: data, device: "dev1")
            for index in 0..<200 {
                _ = try? other.append(Sample.screening(level: index % 3 == 0 ? "hoejt" : "lavt",
                                                       actions: index % 3 == 0 ? ["gruppeforloeb"] : ["ingen"],
                                                       flagged: index % 3 == 0), author: "CD")
            }
            done.signal()
        }
        for _ in 0..<5 { _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form) }
        done.wait()
        let store = try Self.expectMatchesScratch(dir, form)
        #expect(store.index.records.count == 250)
        #expect(store.report.rebuiltBecause == nil)
    }

    @Test func detailsAreReadAgainFromTheLog() throws {
        let form = try Sample.form()
        let source = try Self.demo(count: 300, seed: 17, form: form)
        let dir = TemporaryDirectory()
        try Self.copy(from: source, to: dir) { _ in 1 }
        var store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let scratch = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: Self.today))
        for item in scratch.cases.filter({ !$0.followups.isEmpty || !$0.corrections.isEmpty }).prefix(20) {
            #expect(try store.details(item.id, today: Self.today) == item)
        }
        #expect(try store.details(UUID(), today: Self.today) == nil)
    }

    @Test func theIndexHoldsNoCPRNumberOrFreeText() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        try dir.data.create()
        let answers: Answers = ["besoeg": .string("2mdr"), "besoegsdato": .string("2026-11-20"),
                                "barn_cpr": .string("150926-4123"), "konfliktniveau": .string("hoejt"),
                                "note": .string("Hemmelig note om familien")]
        let decision = form.decide(answers, today: Self.today)
        try LogWriter(directory: dir.data, device: "dev1").append(.screening(ScreeningBody(
            form: form.id, formVersion: form.version, formFingerprint: form.fingerprint, answers: answers,
            decision: decision, visitDate: LocalDate(iso: "2026-11-20"), override: nil)), author: "AB")
        var store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.state.file(CaseStore.indexFileName(for: dir.data))))
        for secret in ["1509264123", "150926-4123", "4123", "Hemmelig"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
        // Yet the number can be searched for, and the list shows it masked.
        #expect(try store.records(cpr: "1509264123").count == 1)
        #expect(try store.records(cpr: "150926-4124").isEmpty)
        #expect(store.summary(store.index.records[0], today: Self.today).maskedCPR == "150926-****")
    }

    /// The birth date part keeps its leading zeros, masked and not; a case without a number shows `—`.
    @Test func birthDatesAreShownWithTheirLeadingZeros() throws {
        let (_, _, full) = try PartialIndexTests.savedIndex(count: 10, seed: 3)
        var record = try #require(full.index.records.first)
        for (birth, digits) in [(150926, "150926"), (10203, "010203"), (311299, "311299"), (0, "000000"), (7, "000007")] {
            record.birth = Int32(birth)
            #expect(record.birthDigits == digits)
            #expect(record.maskedCPR == digits + "-****")
        }
        record.birth = -1
        #expect(record.birthDigits == nil && record.maskedCPR == "—")
    }
}

/// Lines the index cannot trust are counted and pointed to `konflikt verify`, never folded silently.
@Suite struct CaseIndexProblemTests {
    /// A file of several decoding batches (read as a pipeline: one batch decodes while the one before
    /// is folded) with bad lines in different batches: each is reported, in line order, and the rest
    /// folds as if those lines were not there. A visitor that throws stops the reading cleanly.
    @Test func badLinesAcrossBatchesAreReportedInOrderAndTheRestFolds() throws {
        let form = try Sample.form()
        let source = try CaseIndexTests.demo(count: 4000, seed: 11, form: form)
        var all: [Data] = []
        for name in try source.data.logFiles() { all += try Sample.lines(source.data.file(name)) }
        #expect(all.count > 2 * DecodeBatch.capacity)
        let bad = [5, DecodeBatch.capacity + 100, 2 * DecodeBatch.capacity + 7]
        var damaged = all
        for (number, line) in bad.enumerated() {
            if number == 1 {
                damaged[line - 1] = Data(#"{"broken":"#.utf8)
            } else {
                // Still JSON, but no longer what its hash says.
                let text = String(decoding: damaged[line - 1], as: UTF8.self)
                damaged[line - 1] = Data(text.replacingOccurrences(of: #""author":""#, with: #""author":"Q"#).utf8)
            }
        }
        let dir = TemporaryDirectory(), clean = TemporaryDirectory()
        try dir.data.create()
        try clean.data.create()
        try Sample.write(lines: damaged, to: dir.data.file("all.jsonl"))
        try Sample.write(lines: all.enumerated().filter { !bad.contains($0.offset + 1) }.map(\.element),
                         to: clean.data.file("all.jsonl"))
        let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(store.index.problems.count == bad.count)
        for (problem, line) in zip(store.index.problems, bad) {
            #expect(problem.hasPrefix("all.jsonl linje \(line):"), "\(problem)")
        }
        #expect(store.report.newProblems == bad.count)
        let scratch = try CaseFolder.fold(directory: clean.data, options: FoldOptions(form: form, today: CaseIndexTests.today))
        #expect(CaseIndexTests.seen(store) == CaseIndexTests.seen(scratch))
        #expect(store.index.orphanCount == scratch.orphans.count)

        struct Stop: Error {}
        var visited = 0
        #expect(throws: Stop.self) {
            try LogReader.forEachEvent(in: clean.data) { _ in
                visited += 1
                if visited == DecodeBatch.capacity + 10 { throw Stop() }
            }
        }
        #expect(visited == DecodeBatch.capacity + 10)
    }

    @Test func aLineWhoseHashDoesNotMatchIsReportedNotFolded() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        try dir.data.create()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<3 { try writer.append(Sample.screening(), author: "AB") }
        try writer.append(Sample.screening(level: "hoejt", actions: ["underretning"], flagged: true), author: "AB")
        // Someone edits the flagged line's answer without recomputing its hash.
        let path = dir.data.file("dev1.jsonl")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let last = try #require(text.split(separator: "\n").last)
        text = text.replacingOccurrences(of: String(last), with: last.replacingOccurrences(of: "\"hoejt\"", with: "\"lavt\""))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(store.index.records.count == 3)
        #expect(store.index.problems.count == 1)
        #expect(store.warnings.contains { $0.contains("1 linje(r) i loggen kunne ikke læses") && $0.contains("konflikt verify") })
        // Not saved while a line could not be read: the next reading tries it again.
        #expect(store.report.newProblems == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.state.file(CaseStore.indexFileName(for: dir.data))))
    }
}

/// What the index saves is what it reads back.
@Suite struct CaseIndexReloadTests {
    @Test func aVisitTheDayBeforeTheScreeningSurvivesAReload() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        try dir.data.create()
        // Recorded just after midnight on 21 November (Danish time) for a visit on 20 November, and a
        // correction recorded one millisecond before the screening (a skewed clock).
        let when = Date(timeIntervalSince1970: Double(LocalDate(year: 2026, month: 11, day: 20)!.dayNumber) * 86_400 + 23.5 * 3600)
        let writer = LogWriter(directory: dir.data, device: "dev1", now: { when })
        let visit = LocalDate(year: 2026, month: 11, day: 20)!
        let screening = try writer.append(Sample.screening(level: "hoejt", actions: ["underretning"], flagged: true,
                                                           visit: visit), author: "AB")
        let early = LogWriter(directory: dir.data, device: "dev2", now: { when.addingTimeInterval(-0.001) })
        try early.append(.correction(CorrectionBody(screening: screening.id, answers: [:],
                                                    decision: Sample.decision(actions: ["underretning"], flagged: true),
                                                    visitDate: visit, reason: "r")), author: "AB")
        let cold = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        let warm = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(warm.report.bytesRead == 0)
        #expect(warm.index.records == cold.index.records)
        let record = try #require(cold.index.records.first)
        #expect(record.visitDay == Int32(visit.dayNumber))
        #expect(record.screeningDay == Int32(visit.dayNumber) + 1)
        #expect(record.correctedAt == record.recorded - 1)
    }

    @Test func optionalValuesRoundTrip() {
        var writer = BinaryWriter()
        let values: [Int64?] = [nil, 0, -1, 1, 1 << 61, -(1 << 61), nil, -86_400_000]   // any value but Int64.min
        for value in values { writer.optional(value) }
        BinaryReader.read(writer.data) { reader in
            for value in values { #expect(reader.optional() == .some(value)) }
            #expect(reader.atEnd)
        }
    }
}
