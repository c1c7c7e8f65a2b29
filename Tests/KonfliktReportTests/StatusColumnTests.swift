import Foundation
import Testing
@testable import KonfliktCore
@testable import KonfliktReport

/// Issue 13: the status columns of a flagging action come from its statuses in the form (then
/// "ukendt status" and "ingen opfølgning endnu"), and they add up to the action's final count.
@Suite struct StatusColumnTests {
    typealias F = ReportFixtures

    @Test func theCourseHasItsPathAsColumnsInFormOrder() throws {
        let layout = ReportLayout(form: try F.form())
        let course = try #require(layout.actions.first { $0.id == "gruppeforloeb" })
        #expect(course.statusColumns.map { layout.columns[$0].id } == [
            "status.gruppeforloeb.kontakt_givet", "status.gruppeforloeb.startet", "status.gruppeforloeb.gennemfoert",
            "status.gruppeforloeb.afvist", "status.gruppeforloeb.ikke_relevant", "status.gruppeforloeb.udfoert",
            "status.gruppeforloeb.ukendt", "status.gruppeforloeb.aaben"])
        #expect(course.statusColumns.map { layout.columns[$0].header } == [
            "Gruppeforløb: kontakt givet", "Gruppeforløb: startet", "Gruppeforløb: gennemført", "Gruppeforløb: afvist",
            "Gruppeforløb: ikke relevant", "Gruppeforløb: tilmeldt/henvist", "Gruppeforløb: ukendt status",
            "Gruppeforløb: ingen opfølgning endnu"])
        #expect(course.firstClosingColumn == layout.column(id: "status.gruppeforloeb.gennemfoert"))
        // Other flagging actions keep the three default statuses, with the same headers as before.
        let report = try #require(layout.actions.first { $0.id == "underretning" })
        #expect(report.statusColumns.map { layout.columns[$0].header } == [
            "Underretning: udført", "Underretning: afvist", "Underretning: ikke relevant", "Underretning: ukendt status",
            "Underretning: ingen opfølgning endnu"])
        #expect(report.firstClosingColumn == layout.column(id: "status.underretning.udfoert"))
        // Actions that do not flag have no status columns.
        #expect(layout.actions.filter { !$0.flags }.allSatisfy { $0.statusColumns.isEmpty })
    }

    @Test func eachStatusIsCountedInItsColumnAndTheyAddUpToTheFinalCount() throws {
        let form = try F.form()
        let layout = ReportLayout(form: form)
        var builder = ReportTableBuilder(layout: layout, options: ReportOptions(granularity: .year, totalsOnly: true))
        let date = try #require(LocalDate(year: 2026, month: 3, day: 2))
        let statuses: [String?] = ["kontakt_givet", "startet", "startet", "gennemfoert", "udfoert", "venteliste", nil]
        for status in statuses {
            builder.add(ScreeningFacts(visit: "2mdr", date: date, formVersion: 3, answers: [:], recommended: ["gruppeforloeb"],
                                       statuses: status.map { ["gruppeforloeb": $0] } ?? [:]))
        }
        let table = builder.table(dataFingerprint: "")
        let total = try #require(table.rows.last)
        func count(_ id: String) throws -> Int { total.values[try #require(layout.column(id: id))] }
        #expect(try count("status.gruppeforloeb.kontakt_givet") == 1)
        #expect(try count("status.gruppeforloeb.startet") == 2)
        #expect(try count("status.gruppeforloeb.gennemfoert") == 1)
        #expect(try count("status.gruppeforloeb.udfoert") == 1)          // an old record on the course
        #expect(try count("status.gruppeforloeb.ukendt") == 1)           // a status this form does not know
        #expect(try count("status.gruppeforloeb.aaben") == 1)
        #expect(try count("status.gruppeforloeb.afvist") == 0)
        let course = try #require(layout.actions.first { $0.id == "gruppeforloeb" })
        #expect(course.statusColumns.map { total.values[$0] }.reduce(0, +) == total.values[course.finalColumn])
        // The relation the suppression relies on holds in every row.
        let followupRelations = ReportRelations.relations(in: table).filter { $0.reason.hasPrefix("opfølgning") }
        #expect(!followupRelations.isEmpty)
        for relation in followupRelations {
            var sum = 0
            for term in relation.terms { sum += term.coefficient * table.rows[term.cell.row].values[term.cell.column] }
            #expect(sum == relation.constant, "\(relation.reason)")
        }
    }

    /// The HTML report's course chart follows the course's statuses in form order, then "no follow-up
    /// yet"; "ukendt status" only when there are any; the "done" bar is the first closing status.
    @Test func theCourseChartFollowsTheFormsOrder() throws {
        let form = try F.form()
        let layout = ReportLayout(form: form)
        let date = try #require(LocalDate(year: 2026, month: 3, day: 2))
        func charts(_ statuses: [String]) -> [BarChart] {
            var builder = ReportTableBuilder(layout: layout, options: ReportOptions(granularity: .year))
            for status in statuses {
                builder.add(ScreeningFacts(visit: "2mdr", date: date, formVersion: 3, answers: [:], recommended: ["gruppeforloeb"],
                                           statuses: ["gruppeforloeb": status]))
            }
            let suppressed = CellSuppression.apply(to: builder.table(dataFingerprint: ""), minCell: 5)
            return HTMLReport(document: ExportDocument(table: suppressed, created: Date(timeIntervalSince1970: 0))).charts()
        }
        let plain = charts(Array(repeating: "startet", count: 30) + Array(repeating: "gennemfoert", count: 10)
                           + Array(repeating: "udfoert", count: 7))
        let course = try #require(plain.first { $0.title.hasPrefix("Opfølgning på Gruppeforløb") })
        #expect(course.groups.map(\.label) == ["kontakt givet", "startet", "gennemført", "afvist", "ikke relevant",
                                                 "tilmeldt/henvist", "ingen opfølgning endnu"])
        #expect(course.groups.map(\.values) == [[.count(0)], [.count(30)], [.count(10)], [.count(0)], [.count(0)], [.count(7)], [.count(0)]])
        let done = try #require(plain.first { $0.id == "a1" }?.groups.first { $0.label == "Gruppeforløb" })
        #expect(done.values.last == .count(10))                             // gennemført, not tilmeldt/henvist
        let unknown = try #require(charts(["venteliste"]).first { $0.title.hasPrefix("Opfølgning på Gruppeforløb") })
        #expect(unknown.groups.map(\.label).contains("ukendt status"))
    }
}
