import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktTestSupport

/// The reader keeps its own witness of the files it has seen: rollback, truncation and removal are
/// reported on every later read, appends are not.
@Suite struct SeenHeadsTests {
    func log(_ dir: TemporaryDirectory, count: Int, device: String = "dev1") throws {
        let writer = LogWriter(directory: dir.data, device: device)
        for _ in 0..<count { try writer.append(Sample.screening(), author: "AB") }
    }

    @Test func appendsAreNotReported() throws {
        let dir = TemporaryDirectory()
        try log(dir, count: 3)
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        try log(dir, count: 2)
        try log(dir, count: 2, device: "dev2")
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
    }

    @Test func aTruncatedFileIsReportedOnEveryLaterRead() throws {
        let dir = TemporaryDirectory()
        try log(dir, count: 6)
        let form = try Sample.form()
        #expect(try CaseStore.open(directory: dir.data, state: dir.state, form: form).witnessProblems.isEmpty)
        let path = dir.data.file("dev1.jsonl")
        let lines = try CaseIndexTests.lines(path)
        try Data(lines.prefix(3).joined()).write(to: URL(fileURLWithPath: path))
        for _ in 0..<2 {
            let store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
            #expect(store.witnessProblems.count == 1)
            #expect(store.warnings.contains { $0.contains("dev1.jsonl er blevet kortere eller skrevet om") })
        }
        // A rolled-back file that grew again past the old size is still caught: the line seen is not there.
        let writer = LogWriter(directory: dir.data, device: "dev1")
        for _ in 0..<5 { try writer.append(Sample.screening(level: "hoejt"), author: "XX") }
        #expect(SeenHeads.check(dir.data, state: dir.state).count == 1)
    }

    @Test func aRemovedFileIsReported() throws {
        let dir = TemporaryDirectory()
        try log(dir, count: 2)
        try log(dir, count: 2, device: "dev2")
        #expect(SeenHeads.check(dir.data, state: dir.state).isEmpty)
        try FileManager.default.removeItem(atPath: dir.data.file("dev2.jsonl"))
        let problems = SeenHeads.check(dir.data, state: dir.state)
        #expect(problems == ["dev2.jsonl findes ikke længere, men denne læser har set den; kør konflikt verify."])
    }

    @Test func theWitnessLivesInTheStateFolderOnly() throws {
        let dir = TemporaryDirectory()
        try log(dir, count: 2)
        _ = SeenHeads.check(dir.data, state: dir.state)
        #expect(FileManager.default.fileExists(atPath: dir.state.file(SeenHeads.fileName(for: dir.data))))
        #expect(try dir.data.logFiles() == ["dev1.jsonl"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.data.path) == ["dev1.jsonl"])
    }
}
