import Foundation
import KonfliktCore
import KonfliktLog
import Testing
@testable import KonfliktCases
import KonfliktTestSupport

/// Issue 13: follow-up statuses are form data. The latest follow-up closes an action only when its
/// status `closes`; the course's steps (kontakt givet, startet) keep it open, and overdue after its
/// deadline. The case index, a fold from scratch and a reloaded index agree on every status.
@Suite struct CoursePathTests {
    let visit = LocalDate(year: 2026, month: 3, day: 2)!

    /// The course's state as the index (fresh, and saved then loaded again) and a fold from scratch see it.
    func courseState(_ dir: TemporaryDirectory, _ form: Form, id: UUID, today: LocalDate,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ActionState? {
        let scratch = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: today))
        let folded = scratch.cases.first { $0.id == id }?.actions.first { $0.action == "gruppeforloeb" }
        _ = try CaseStore.open(directory: dir.data, state: dir.state, form: form, saveAfterBytes: 0)
        var store = try CaseStore.open(directory: dir.data, state: dir.state, form: form)
        #expect(store.report.bytesRead == 0, "the saved index was not used", sourceLocation: sourceLocation)
        let record = try #require(store.index.records.first { $0.id == id }, sourceLocation: sourceLocation)
        let indexed = store.summary(record, today: today).actions.first { $0.action == "gruppeforloeb" }
        let details = try store.details(id, today: today)?.actions.first { $0.action == "gruppeforloeb" }
        for other in [indexed, details] {
            #expect(other?.status.key == folded?.status.key, sourceLocation: sourceLocation)
            #expect(other?.status.closes == folded?.status.closes, sourceLocation: sourceLocation)
            #expect(other?.overdue == folded?.overdue, sourceLocation: sourceLocation)
        }
        #expect(record.isOpen == !(folded?.status.closes ?? false), sourceLocation: sourceLocation)
        return folded
    }

    /// The sample form, a fresh log, its writer, and one flagged high-conflict screening with `actions`.
    func flaggedCase(actions: [String]) throws -> (form: Form, dir: TemporaryDirectory, writer: LogWriter, id: UUID) {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let id = try writer.append(Sample.screening(level: "hoejt", actions: actions, flagged: true, visit: visit), author: "AB").id
        return (try Sample.form(), dir, writer, id)
    }

    func followup(_ writer: LogWriter, _ screening: UUID, _ status: String, day: Int, note: String = "") throws {
        try writer.append(.followup(FollowupBody(screening: screening, action: "gruppeforloeb", status: status,
                                                 date: visit.adding(days: day), note: note)), author: "TL")
    }

    @Test func theCoursePathKeepsTheCaseOpenUntilAClosingStatusAndTheLatestWins() throws {
        let (form, dir, writer, case1) = try flaggedCase(actions: ["gruppeforloeb"])
        let afterDeadline = visit.adding(days: 20)                   // the course's deadline is 14 days
        try followup(writer, case1, "kontakt_givet", day: 3)
        var state = try #require(try courseState(dir, form, id: case1, today: visit.adding(days: 5)))
        #expect(state.status.key == "kontakt_givet" && state.status.label == "kontakt givet")
        #expect(!state.status.closes && !state.overdue)
        try followup(writer, case1, "startet", day: 10)
        state = try #require(try courseState(dir, form, id: case1, today: afterDeadline))
        #expect(state.status.key == "startet" && !state.status.closes)
        #expect(state.overdue)                                       // started, not closed, past the deadline
        try followup(writer, case1, "gennemfoert", day: 18)
        state = try #require(try courseState(dir, form, id: case1, today: afterDeadline))
        #expect(state.status.key == "gennemfoert" && state.status.closes && !state.overdue)
        // Recorded later but dated earlier: the latest by date still counts, the course stays closed.
        try followup(writer, case1, "startet", day: 12, note: "Glemt at registrere")
        state = try #require(try courseState(dir, form, id: case1, today: afterDeadline))
        #expect(state.status.key == "gennemfoert" && state.status.closes)
        // Dated after it: that step is the latest and the course is open (and overdue) again.
        try followup(writer, case1, "kontakt_givet", day: 19, note: "Forløbet genoptages")
        state = try #require(try courseState(dir, form, id: case1, today: afterDeadline))
        #expect(state.status.key == "kontakt_givet" && !state.status.closes && state.overdue)
    }

    @Test func anOldUdfoertOnTheCourseStillClosesIt() throws {
        let (form, dir, writer, id) = try flaggedCase(actions: ["gruppeforloeb"])
        try followup(writer, id, "udfoert", day: 2)
        let state = try #require(try courseState(dir, form, id: id, today: visit.adding(days: 30)))
        #expect(state.status.key == "udfoert" && state.status.closes && !state.overdue)
        #expect(state.status.label == "tilmeldt/henvist")
        #expect(state.status.status?.label == "Udført – familien er tilmeldt/henvist til forløbet")
    }

    @Test func anUnknownStatusIsReadAsOpenNeverRefused() throws {
        let (form, dir, writer, id) = try flaggedCase(actions: ["underretning", "gruppeforloeb"])
        // A status a later form version may have, and one on a known action of this form.
        try followup(writer, id, "venteliste", day: 2)
        try writer.append(.followup(FollowupBody(screening: id, action: "underretning", status: "udfoert",
                                                 date: visit, note: "")), author: "TL")
        let state = try #require(try courseState(dir, form, id: id, today: visit.adding(days: 30)))
        #expect(state.status.isUnknown && !state.status.closes)
        #expect(state.status.key == FollowupStatus.unknownID && state.status.label == "ukendt status")
        #expect(state.overdue)
        let scratch = try CaseFolder.fold(directory: dir.data, options: FoldOptions(form: form, today: visit.adding(days: 30)))
        #expect(scratch.problems.isEmpty && scratch.orphans.isEmpty)
        let item = try #require(scratch.cases.first)
        #expect(item.isOpen && item.isOverdue)
        #expect(item.actions.map(\.status.key) == ["udfoert", "ukendt"])
        // The follow-up keeps its id as written; a later status recorded by this form replaces it.
        #expect(item.followups.map(\.body.status).contains("venteliste"))
        try followup(writer, id, "afvist", day: 4)
        let closed = try #require(try courseState(dir, form, id: id, today: visit.adding(days: 30)))
        #expect(closed.status.key == "afvist" && closed.status.closes)
    }

    @Test func statusCodesKeepEveryActionsStatusApart() {
        var codes = StatusCodes()
        for bit in 0..<64 { codes.set(UInt8(bit % 16), bit: bit) }
        #expect((0..<64).map { codes.code($0) } == (0..<64).map { UInt8($0 % 16) })
        codes.set(StatusCodes.none, bit: 15)
        #expect(codes.code(15) == 0 && codes.code(14) == 14 && codes.code(16) == 0 && codes.code(31) == 15)
    }
}
