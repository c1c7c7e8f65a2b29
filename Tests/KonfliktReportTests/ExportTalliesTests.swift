import Crypto
import Foundation
import KonfliktCore
import KonfliktDemo
import KonfliktTestSupport
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
@testable import KonfliktReport

/// The export reads the tallies saved with the case index instead of its records
/// (`IndexScope.tallies`): the saved tallies plus the screenings folded since, or every record when a
/// correction or a follow-up of a saved screening made the reader read them. Whatever it reads, the
/// export is the one a fold from scratch gives, byte for byte, sealed and clear.
@Suite struct ExportTalliesTests {
    typealias F = ReportFixtures
    static let today = LocalDate(year: 2026, month: 11, day: 30)!
    static let created = Date(timeIntervalSince1970: 1_795_000_000)

    /// The export of `dir`'s log as the command builds it, with the index in `state`.
    static func export(_ dir: TemporaryDirectory, state: StateDirectory, form: Form, keys: BodyKeys?,
                       format: ExportFormat = .csv) throws -> ExportResult {
        var parameters = ExportParameters(data: dir.data, state: state, form: form,
                                          options: ReportOptions(granularity: .year), format: format,
                                          minCell: 2, now: created)
        parameters.keys = keys
        return try ExportRunner.build(parameters)
    }

    /// The export of a reader that folds the log from scratch, in a fresh state folder.
    static func fromScratch(_ dir: TemporaryDirectory, form: Form, keys: BodyKeys?,
                            format: ExportFormat = .csv) throws -> Data {
        try export(dir, state: TemporaryDirectory().state, form: form, keys: keys, format: format).data
    }

    /// Whether the export's counts from the index in `dir.state` (read as the export reads it) are the
    /// counts of a fold from scratch; with `bytes`, whether the whole export is the same, byte for byte
    /// (the suppression takes a second in a debug build, so not at every step).
    static func sameAsScratch(_ dir: TemporaryDirectory, form: Form, keys: BodyKeys?, bytes: Bool) throws -> Bool {
        if bytes {
            return try export(dir, state: dir.state, form: form, keys: keys).data == fromScratch(dir, form: form, keys: keys)
        }
        let layout = ReportLayout(form: form), options = ReportOptions(granularity: .year)
        let saved = try ReportAggregator.table(try talliesReader(dir, form: form, keys: keys), layout: layout, options: options)
        let scratch = try ReportAggregator.table(try CaseStore.open(directory: dir.data, state: TemporaryDirectory().state,
                                                                    form: form, keys: keys), layout: layout, options: options)
        return saved.rows == scratch.rows && saved.otherFormScreenings == scratch.otherFormScreenings
            && saved.orphans == scratch.orphans && saved.dataFingerprint == scratch.dataFingerprint
            && saved.formVersions == scratch.formVersions && saved.screeningsCounted == scratch.screeningsCounted
    }

    /// The index a reader with `IndexScope.tallies` gets.
    static func talliesReader(_ dir: TemporaryDirectory, form: Form, keys: BodyKeys?) throws -> CaseStore {
        try CaseStore.open(directory: dir.data, state: dir.state, form: form, keys: keys, scope: .tallies)
    }

    /// XORs `mask` into one byte of the saved index's section `section` (`1/part` of the way in).
    static func flip(_ section: IndexFormat.Section, of dir: TemporaryDirectory, keys: BodyKeys?, at part: Int,
                     with mask: UInt8) throws {
        let path = dir.state.file(CaseStore.indexFileName(for: dir.data))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let source = try #require(IndexSource.bytes(bytes, key: keys?.cacheKey(label: CaseStore.cacheLabel)))
        let place = source.places[section.rawValue]
        bytes[Int(place.offset) + place.length / part] ^= mask
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// Demo data with a screening of another form, its index built and saved by an export.
    static func saved(seed: UInt64, keys: BodyKeys?) throws -> (Form, TemporaryDirectory) {
        let form = try F.form()
        let dir = TemporaryDirectory()
        _ = try DemoData.write(form: form, to: dir.data, options: DemoDataOptions(count: 120, seed: seed, today: today))
        guard case .screening(var other) = F.screening(form, F.answers(date: LocalDate(iso: "2026-05-04"))) else {
            throw CocoaError(.coderInvalidValue)
        }
        other.form = "en-anden-formular"
        try LogWriter(directory: dir.data, device: "anden").append(.screening(other), author: "AN")
        _ = try export(dir, state: dir.state, form: form, keys: keys)
        return (form, dir)
    }

    static let keyChoices: [Bool] = [false, true]

    @Test(arguments: keyChoices)
    func theTalliesCountWhatAFoldFromScratchCounts(sealed: Bool) throws {
        let keys = sealed ? BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()]) : nil
        let (form, dir) = try Self.saved(seed: 41, keys: keys)
        let full = try CaseStore.open(directory: dir.data, state: TemporaryDirectory().state, form: form, keys: keys)

        // Up to date: no record is read.
        let reader = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(reader.index.records.isEmpty && !reader.index.isComplete)
        #expect(reader.report.rebuiltBecause == nil)
        let upToDate = try Self.export(dir, state: dir.state, form: form, keys: keys)
        #expect(upToDate.data == (try Self.fromScratch(dir, form: form, keys: keys)))
        #expect(upToDate.warnings.contains { $0.contains("anden formular") })

        // A new screening: counted with the saved tallies, still without reading a record.
        try LogWriter(directory: dir.data, device: "ny-enhed").append(
            F.screening(form, F.answers(date: LocalDate(iso: "2026-11-20"), level: "hoejt", violence: "ja")), author: "NY")
        let afterNew = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(afterNew.index.records.count == 1 && !afterNew.index.isComplete)
        #expect(try Self.sameAsScratch(dir, form: form, keys: keys, bytes: true))

        // Damaged tallies: the reader reads the records instead, and counts the same.
        try Self.flip(.tallies, of: dir, keys: keys, at: 2, with: 0x10)
        let damaged = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(damaged.index.isComplete && damaged.report.rebuiltBecause == nil)
        #expect(try Self.sameAsScratch(dir, form: form, keys: keys, bytes: false))
        // Damaged records too: the index is rebuilt from the log, and counts the same.
        try Self.flip(.rest, of: dir, keys: keys, at: 3, with: 0x01)
        let rebuilt = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(rebuilt.report.bytesRead > 0)            // built from the log: nothing saved could be read
        var everything = rebuilt.index
        #expect(everything.readAll() && everything.records.count == full.index.records.count + 1)
        #expect(try Self.sameAsScratch(dir, form: form, keys: keys, bytes: false))
    }

    @Test(arguments: keyChoices)
    func aCorrectionOrFollowupOfASavedCaseIsCountedFromTheRecords(sealed: Bool) throws {
        let keys = sealed ? BodyKeys(privateKeys: [Curve25519.KeyAgreement.PrivateKey()]) : nil
        let (form, dir) = try Self.saved(seed: 42, keys: keys)
        let full = try CaseStore.open(directory: dir.data, state: TemporaryDirectory().state, form: form, keys: keys)
        let quiet = try #require(full.index.records.first { !$0.isFlagged && !$0.isOtherForm })
        let flagged = try #require(full.index.records.first { $0.isFlagged && $0.isOpen })
        let bit = flagged.openActions.trailingZeroBitCount
        let schema = full.index.schema
        let closing = try #require(schema.statuses[bit].first { $0.closes }).id

        // A correction moves a quiet saved case to another quarter with a report: the index is rewritten
        // with it, streamed from the saved file, and the export still reads no record.
        try LogWriter(directory: dir.data, device: "leder").append(
            F.correction(form, of: quiet.id, F.answers(date: LocalDate(iso: "2026-07-01"), level: "hoejt", violence: "ja")),
            author: "LE")
        let corrected = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(!corrected.index.isComplete && corrected.index.records.isEmpty && corrected.report.rebuiltBecause == nil)
        #expect(try Self.sameAsScratch(dir, form: form, keys: keys, bytes: false))

        // A follow-up that closes an open action of a saved flagged case, and a new screening after it.
        try LogWriter(directory: dir.data, device: "leder").append(
            F.followup(of: flagged.id, action: schema.actions[bit], status: closing, date: Self.today), author: "LE")
        try LogWriter(directory: dir.data, device: "ny-enhed").append(
            F.screening(form, F.answers(visit: "8mdr", date: LocalDate(iso: "2026-11-21"))), author: "NY")
        let followedUp = try Self.talliesReader(dir, form: form, keys: keys)
        #expect(!followedUp.index.isComplete && followedUp.index.records.isEmpty)
        #expect(try Self.sameAsScratch(dir, form: form, keys: keys, bytes: true))
    }

    /// A store opened with a scope that has neither every record nor the tallies (the team lead's list)
    /// still counts everything: it reads the rest first.
    @Test func aListReaderReadsTheRestToCount() throws {
        let (form, dir) = try Self.saved(seed: 43, keys: nil)
        let list = try CaseStore.open(directory: dir.data, state: dir.state, form: form, scope: .open)
        #expect(!list.index.isComplete)
        let layout = ReportLayout(form: form)
        let fromList = try ReportAggregator.table(list, layout: layout, options: ReportOptions())
        let fromAll = try ReportAggregator.table(try CaseStore.open(directory: dir.data, state: dir.state, form: form),
                                                 layout: layout, options: ReportOptions())
        #expect(fromList.rows == fromAll.rows && fromList.otherFormScreenings == 1 && fromAll.otherFormScreenings == 1)
    }
}
