import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog

/// Folding with a reference scan lets go of cases that will not be returned; the result must be the
/// same as folding while keeping everything.
@Suite struct ReleaseTests {
    static let formsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("forms")
    let today = LocalDate(year: 2026, month: 11, day: 22)!

    func reviewOptions(_ form: Form, onlyOpen: Bool) -> FoldOptions {
        FoldOptions(deadlineDays: form.deadlineDays, flaggingActions: form.flaggingActionIDs, today: today,
                    onlyOpen: onlyOpen, skipUnflaggedBodies: true)
    }

    /// With the lead's follow-ups read first (they wait for their screenings) and last (every flagged
    /// case is open until they come).
    @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
    func demoDataFoldsToTheSameCasesWithAndWithoutLettingGo(onlyOpen: Bool, leadLast: Bool) throws {
        let form = try FormLoader.loadForm(directory: Self.formsDirectory)
        let dir = TemporaryDirectory()
        let summary = try DemoData.write(form: form, to: dir.data,
                                         options: DemoDataOptions(count: 1500, seed: 11, devices: 3, today: today))
        #expect(summary.corrections > 0 && summary.followups > 0)
        let lead = try #require(try dir.data.logFiles().first { $0.contains("leder") })
        #expect(try dir.data.logFiles().first == lead)
        if leadLast {
            try FileManager.default.moveItem(atPath: dir.data.file(lead), toPath: dir.data.file("zz-\(lead)"))
        }
        let options = reviewOptions(form, onlyOpen: onlyOpen)
        let released = try CaseFolder.fold(directory: dir.data, options: options)
        let kept = try CaseFolder.foldKeepingEverything(directory: dir.data, options: options)
        #expect(released.cases.count > 10)
        #expect(released.cases == kept.cases)
        #expect(released.orphans == kept.orphans)
        #expect(released.problems.isEmpty)
    }

    @Test func aListFoldKeepsOnlyWhatTheRowsShowAndGivesTheSameRows() throws {
        let form = try FormLoader.loadForm(directory: Self.formsDirectory)
        let dir = TemporaryDirectory()
        _ = try DemoData.write(form: form, to: dir.data, options: DemoDataOptions(count: 800, seed: 5, devices: 2, today: today))
        var listOptions = reviewOptions(form, onlyOpen: false)
        listOptions.answersKept = ReviewList.answersShown
        let full = try CaseFolder.fold(directory: dir.data, options: reviewOptions(form, onlyOpen: false)).cases
        let trimmed = try CaseFolder.fold(directory: dir.data, options: listOptions).cases
        #expect(trimmed.count == full.count && full.count > 10)
        #expect(trimmed.allSatisfy { Set($0.answers.keys).isSubset(of: ReviewList.answersShown) && $0.decision.rules.isEmpty })
        #expect(full.contains { !$0.decision.rules.isEmpty && $0.answers.count > 2 })
        let filter = ReviewFilter(includeClosed: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json(_ cases: [Case]) throws -> Data {
            try encoder.encode(ReviewList.rows(cases, filter: filter, form: form, today: today).map(ReviewList.item))
        }
        #expect(try json(trimmed) == json(full))
    }

    @Test func oneCaseFoldsFromTheLinesThatMentionItAsInTheWholeFold() throws {
        let form = try FormLoader.loadForm(directory: Self.formsDirectory)
        let dir = TemporaryDirectory()
        _ = try DemoData.write(form: form, to: dir.data, options: DemoDataOptions(count: 600, seed: 3, devices: 2, today: today))
        let options = FoldOptions(deadlineDays: form.deadlineDays, flaggingActions: form.flaggingActionIDs, today: today)
        let whole = try CaseFolder.fold(directory: dir.data, options: options).cases
        let sample = whole.filter { !$0.followups.isEmpty || !$0.corrections.isEmpty }.prefix(15) + whole.prefix(5)
        #expect(sample.count == 20)
        for item in sample {
            #expect(try CaseFolder.fold(directory: dir.data, only: item.id, options: options) == item)
        }
        #expect(try CaseFolder.fold(directory: dir.data, only: UUID(), options: options) == nil)
        #expect(LogReader.firstIndex(of: Array("a".utf8), in: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        Array("xxabcab".utf8).withUnsafeBytes { bytes in
            #expect(LogReader.firstIndex(of: Array("cab".utf8), in: bytes) == 4)
            #expect(LogReader.firstIndex(of: Array("ab".utf8), in: bytes, from: 3) == 5)
            #expect(LogReader.firstIndex(of: Array("cabx".utf8), in: bytes) == nil)
        }
    }

    @Test func theScanCountsEveryEventThatPointsAtAScreening() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let first = try writer.append(Sample.screening(actions: ["underretning"], flagged: true), author: "AB")
        let second = try writer.append(Sample.screening(), author: "AB")
        for status in [FollowupStatus.afvist, .udfoert] {
            try writer.append(.followup(FollowupBody(screening: first.id, action: "underretning", status: status,
                                                     date: today, note: #"nævner "screening":"x" i teksten"#)), author: "TL")
        }
        let scan = try ReferenceScan.scan(dir.data)
        #expect(scan.counts == [first.id: 2])
        #expect(scan.counts[second.id] == nil)
        #expect(scan.sizes["dev1.jsonl"] == Int(try FileManager.default.attributesOfItem(
            atPath: dir.data.file("dev1.jsonl"))[.size] as? Int ?? -1))
    }

    @Test func aReferenceTheScanCannotSeeRepeatsTheFoldWithoutLettingGo() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let flagged = try writer.append(Sample.screening(actions: ["underretning"], flagged: true), author: "AB")
        let plain = try writer.append(Sample.screening(), author: "AB")
        try writer.append(.followup(FollowupBody(screening: flagged.id, action: "underretning", status: .udfoert,
                                                 date: today, note: "")), author: "TL")
        // A correction that flags the plain screening, written by hand with a space after the key:
        // valid JSON the byte scan does not count.
        try writer.append(.correction(CorrectionBody(
            screening: plain.id, answers: ["konfliktniveau": .string("hoejt")],
            decision: Sample.decision(actions: ["underretning"], flagged: true), visitDate: nil,
            reason: "Rettet")), author: "TL")
        let path = dir.data.file("dev1.jsonl")
        var lines = try Sample.lines(path)
        let spaced = String(decoding: lines[3], as: UTF8.self)
            .replacingOccurrences(of: #""screening":""#, with: #""screening": ""#)
        lines[3] = Data(spaced.utf8)
        try Sample.write(lines: lines, to: path)
        #expect(try ReferenceScan.scan(dir.data).counts[plain.id] == nil)

        let result = try CaseFolder.fold(directory: dir.data, options: FoldOptions(
            deadlineDays: ["underretning": 1], flaggingActions: ["underretning"], today: today,
            onlyOpen: true, skipUnflaggedBodies: true))
        #expect(result.cases.map(\.id) == [plain.id])
        #expect(result.cases.first?.corrections.map(\.reason) == ["Rettet"])
        #expect(result.orphans.isEmpty)
    }

    @Test func aSecondScreeningWithTheIdOfAClosedCaseIsStillAnOrphan() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let flagged = try writer.append(Sample.screening(actions: ["underretning"], flagged: true), author: "AB")
        try writer.append(.followup(FollowupBody(screening: flagged.id, action: "underretning", status: .udfoert,
                                                 date: today, note: "")), author: "TL")
        // A copy of the device file (as a sync conflict makes one) repeats the screening after it was closed.
        let copy = try Sample.lines(dir.data.file("dev1.jsonl"))
        try Sample.write(lines: Array(copy.prefix(1)), to: dir.data.file("dev1-kopi.jsonl"))
        let options = FoldOptions(deadlineDays: ["underretning": 1], flaggingActions: ["underretning"], today: today,
                                  onlyOpen: true, skipUnflaggedBodies: true)
        let result = try CaseFolder.fold(directory: dir.data, options: options)
        #expect(result.cases.isEmpty)
        #expect(result.orphans.map(\.screening) == [flagged.id])
    }

    @Test func aFileThatGrowsAfterTheScanIsReadAsItWas() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let first = try writer.append(Sample.screening(actions: ["underretning"], flagged: true), author: "AB")
        let scan = try ReferenceScan.scan(dir.data)
        try writer.append(Sample.screening(actions: ["underretning"], flagged: true), author: "AB")
        var ids: [UUID] = []
        _ = try LogReader.forEachEvent(in: dir.data, sizes: scan.sizes) { ids.append($0.event.id) }
        #expect(ids == [first.id])
    }
}
