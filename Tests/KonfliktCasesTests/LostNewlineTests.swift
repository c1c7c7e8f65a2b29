import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktTestSupport

/// Issue 16, item 4, in the case index: a last event that lost only its newline is a case, the index
/// does not rebuild itself over it on every open, and the writer's next line is read incrementally.
@Suite struct LostNewlineTests {
    @Test func theIndexKeepsAnEventWithoutItsNewline() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<3 { try writer.append(Sample.screening(level: "hoejt", actions: ["gruppeforloeb"], flagged: true), author: "AB") }
        let path = dir.data.file("dev1.jsonl")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: path))

        let first = try CaseIndexTests.expectMatchesScratch(dir, form)
        #expect(first.index.records.count == 3)
        let again = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(again.report.rebuiltBecause == nil && again.report.bytesRead == 0, "\(again.report)")

        try writer.append(Sample.screening(), author: "AB")
        let after = try CaseIndexTests.expectMatchesScratch(dir, form)
        #expect(after.index.records.count == 4)
        #expect(after.report.rebuiltBecause == nil, "\(after.report)")
        #expect(after.warnings.isEmpty, "\(after.warnings)")
    }

    @Test func theReadersWitnessAcceptsALostFinalNewline() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<2 { try writer.append(Sample.screening(), author: "AB") }
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        let path = dir.data.file("dev1.jsonl")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        try writer.append(Sample.screening(), author: "AB")
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        // A line really cut short is still reported.
        bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast(30)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(!SeenHeads.check(dir.data, state: dir.state).isEmpty)
    }
}
