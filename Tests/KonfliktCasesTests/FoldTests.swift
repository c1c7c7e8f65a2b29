import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog
import Testing
import KonfliktTestSupport

@Suite struct FoldTests {
    let visit = LocalDate(year: 2026, month: 3, day: 2)!
    let deadlines = ["underretning": 1, "gruppeforloeb": 14]

    func options(today: LocalDate) -> FoldOptions {
        FoldOptions(deadlineDays: deadlines, flaggingActions: ["underretning", "gruppeforloeb"], today: today)
    }

    @Test func flaggedActionsAreOpenUntilFollowedUpAndOverdueAfterTheDeadline() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let flagged = try writer.append(Sample.screening(level: "hoejt", actions: ["underretning", "gruppeforloeb"],
                                                         flagged: true, visit: visit), author: "AB")
        try writer.append(Sample.screening(), author: "AB")

        let early = try CaseFolder.fold(directory: dir.data, options: options(today: visit))
        #expect(early.cases.count == 2)
        let open = try #require(early.cases.first { $0.id == flagged.id })
        #expect(open.flagged && open.isOpen && !open.isOverdue)
        #expect(open.actions.map(\.action) == ["underretning", "gruppeforloeb"])
        #expect(open.actions.first?.deadline == visit.adding(days: 1))

        let later = try CaseFolder.fold(directory: dir.data, options: options(today: visit.adding(days: 2)))
        let overdue = try #require(later.cases.first { $0.id == flagged.id })
        #expect(overdue.actions.map(\.overdue) == [true, false])
        #expect(overdue.isOverdue)

        try writer.append(.followup(FollowupBody(screening: flagged.id, action: "underretning", status: "udfoert",
                                                 date: visit.adding(days: 1), note: "Sendt")), author: "TL")
        let afterOne = try CaseFolder.fold(directory: dir.data, options: options(today: visit.adding(days: 20)))
        let partly = try #require(afterOne.cases.first { $0.id == flagged.id })
        #expect(partly.actions.map(\.status.key) == ["udfoert", "aaben"])
        #expect(partly.actions.map(\.overdue) == [false, true])

        try writer.append(.followup(FollowupBody(screening: flagged.id, action: "gruppeforloeb", status: "afvist",
                                                 date: visit.adding(days: 3), note: "")), author: "TL")
        let closed = try CaseFolder.fold(directory: dir.data, options: options(today: visit.adding(days: 20)))
        #expect(closed.cases.allSatisfy { !$0.isOpen })
        #expect(closed.orphans.isEmpty && closed.problems.isEmpty)
    }

    @Test func correctionReplacesAnswersAndDecision() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        let screening = try writer.append(Sample.screening(), author: "AB")
        let newAnswers: Answers = ["konfliktniveau": .string("hoejt")]
        try writer.append(.correction(CorrectionBody(
            screening: screening.id, answers: newAnswers,
            decision: Sample.decision(actions: ["gruppeforloeb"], flagged: true), visitDate: visit,
            reason: "Forkert niveau valgt")), author: "AB")
        let result = try CaseFolder.fold(directory: dir.data, options: options(today: visit))
        let corrected = try #require(result.cases.first)
        #expect(corrected.answers == newAnswers)
        #expect(corrected.decision.actions == ["gruppeforloeb"])
        #expect(corrected.isOpen)
        #expect(corrected.corrections.map(\.reason) == ["Forkert niveau valgt"])
    }

    @Test func overrideFlagsTheCaseAndReplacesTheActions() throws {
        let dir = TemporaryDirectory()
        let writer = LogWriter(directory: dir.data, device: "dev1")
        try writer.append(Sample.screening(override: Override(actions: ["opfoelgning"], reason: "Uro i hjemmet")),
                          author: "AB")
        let result = try CaseFolder.fold(directory: dir.data, options: options(today: visit))
        let overridden = try #require(result.cases.first)
        #expect(overridden.flagged)
        #expect(overridden.effectiveActions == ["opfoelgning"])
        #expect(overridden.actions.map(\.action) == ["opfoelgning"])
        #expect(overridden.actions.first?.deadline == nil)
    }

    @Test func eventsForUnknownScreeningsAreReportedAndLateScreeningsStillMatch() throws {
        let dir = TemporaryDirectory()
        let unknown = UUID()
        let known = UUID()
        // The team lead's file sorts first and holds a follow-up for a screening in a later file.
        let lead = LogWriter(directory: dir.data, device: "aaa")
        try lead.append(.followup(FollowupBody(screening: unknown, action: "x", status: "udfoert", date: visit, note: "")),
                        author: "TL")
        try lead.append(.followup(FollowupBody(screening: known, action: "gruppeforloeb", status: "udfoert",
                                               date: visit, note: "")), author: "TL")
        try LogWriter(directory: dir.data, device: "bbb").append(
            Sample.screening(actions: ["gruppeforloeb"], flagged: true), author: "AB", id: known)
        let result = try CaseFolder.fold(directory: dir.data, options: options(today: visit))
        #expect(result.orphans.map(\.screening) == [unknown])
        #expect(result.orphans.first?.line == 1)
        #expect(result.orphans.first?.danishDescription.contains("ikke findes") == true)
        let matched = try #require(result.cases.first)
        #expect(matched.actions.map(\.status.key) == ["udfoert"])
    }
}
