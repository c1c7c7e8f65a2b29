import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
@testable import KonfliktReport

/// Folding screenings, corrections and follow-ups into counts per period and visit.
@Suite struct ReportAggregatorTests {
    typealias F = ReportFixtures
    let d = { (text: String) in LocalDate(iso: text)! }

    @Test func countsPerVisitAndQuarterWithTotals() throws {
        let form = try F.form()
        let events = [
            F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-02")))),
            F.event(F.id(2), F.timestamp(day: 61), F.screening(form, F.answers(date: d("2026-03-03"), level: "hoejt",
                                                                                violence: "nej", interest: "begge", consent: true))),
            F.event(F.id(3), F.timestamp(day: 62), F.screening(form, F.answers(date: d("2026-01-10"), level: "middel",
                                                                                violence: "ja", informed: false))),
            F.event(F.id(4), F.timestamp(day: 300), F.screening(form, F.answers(visit: "8mdr", date: d("2026-10-01")))),
        ]
        let table = F.table(form, events)
        #expect(table.periods == ["2026K1", "2026K2", "2026K3", "2026K4"])
        // Four quarters, then the same rows for all periods together.
        #expect(table.rows.map(\.visit) == Array(repeating: ["2mdr", "8mdr", "i alt"], count: 5).flatMap { $0 })
        #expect(table.rows.suffix(3).allSatisfy { $0.period == "alle" })
        #expect(F.value(table, "2026K1", "2mdr", "screeninger") == 3)
        #expect(F.value(table, "2026K1", "8mdr", "screeninger") == 0)
        #expect(F.value(table, "2026K1", "i alt", "screeninger") == 3)
        #expect(F.value(table, "2026K1", "2mdr", "informeret.ja") == 2)
        #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.lavt") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.hoejt") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "vold_mellem_foraeldre.ja") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "interesse_gruppeforloeb.begge") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.underretning") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.gruppeforloeb") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.ingen") == 1)
        #expect(F.value(table, "2026K2", "i alt", "screeninger") == 0)
        #expect(F.value(table, "2026K4", "8mdr", "screeninger") == 1)
        #expect(table.formVersions == [3])
        #expect(table.screeningsCounted == 4)
        // The visit question is the row dimension; text, CPR and date questions are never columns.
        let ids = table.layout.columns.map(\.id)
        #expect(!ids.contains { $0.hasPrefix("besoeg") || $0.hasPrefix("barn_cpr") || $0.hasPrefix("note") })
    }

    @Test func aRepeatedScreeningIdCountsOnce() throws {
        let form = try F.form()
        let first = F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-02"))))
        // A copy of a device file (a sync conflict) repeats its events; one has a follow-up, one not.
        let flagged = F.event(F.id(2), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-02"),
                                                                                     level: "middel", violence: "ja")))
        let followup = F.event(F.id(3), F.timestamp(day: 61), .followup(FollowupBody(
            screening: F.id(2), action: "underretning", status: "udfoert", date: d("2026-03-03"), note: "")))
        let table = F.table(form, [first, flagged, followup, first, flagged])
        #expect(F.value(table, "2026K1", "2mdr", "screeninger") == 2)
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.underretning") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "status.underretning.udfoert") == 1)
        #expect(table.screeningsCounted == 2)
    }

    @Test func monthAndYearLabelsAndInclusiveDateFilter() throws {
        let form = try F.form()
        let events = [
            F.event(F.id(1), F.timestamp(day: 1), F.screening(form, F.answers(date: d("2026-02-28")))),
            F.event(F.id(2), F.timestamp(day: 2), F.screening(form, F.answers(date: d("2026-03-01")))),
            F.event(F.id(3), F.timestamp(day: 3), F.screening(form, F.answers(date: d("2026-03-31")))),
            F.event(F.id(4), F.timestamp(day: 4), F.screening(form, F.answers(date: d("2026-04-01")))),
        ]
        let months = F.table(form, events, options: ReportOptions(granularity: .month, from: d("2026-03-01"), to: d("2026-03-31")))
        #expect(months.periods == ["2026M03"])
        #expect(F.value(months, "2026M03", "i alt", "screeninger") == 2)
        let years = F.table(form, events, options: ReportOptions(granularity: .year))
        #expect(years.periods == ["2026"])
        #expect(F.value(years, "2026", "2mdr", "screeninger") == 4)
    }

    @Test func periodFallsBackToVisitDateThenRecordingDay() throws {
        let form = try F.form()
        var noDate = F.answers(date: nil)
        noDate["besoegsdato"] = nil
        let body = ScreeningBody(form: form.id, formVersion: 1, formFingerprint: form.fingerprint, answers: noDate,
                                 decision: form.decide(noDate), visitDate: d("2026-05-05"), override: nil)
        let events = [
            F.event(F.id(1), F.timestamp(day: 200), .screening(body)),
            // No visit date at all: the recording day (2026-01-11 in Danish time) decides.
            F.event(F.id(2), F.timestamp(day: 10), F.screening(form, noDate)),
        ]
        let table = F.table(form, events, options: ReportOptions(granularity: .month))
        #expect(F.value(table, "2026M05", "2mdr", "screeninger") == 1)
        #expect(F.value(table, "2026M01", "2mdr", "screeninger") == 1)
    }

    @Test func correctionMovesCountsToItsAnswersAndItsPeriod() throws {
        let form = try F.form()
        let events = [
            F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-10")))),
            F.event(F.id(2), F.timestamp(day: 61), F.screening(form, F.answers(date: d("2026-03-11")))),
            F.event(F.id(3), F.timestamp(day: 100), F.correction(form, of: F.id(1),
                    F.answers(visit: "8mdr", date: d("2026-04-05"), level: "hoejt", violence: "ja", interest: "nej"))),
        ]
        let table = F.table(form, events)
        #expect(F.value(table, "2026K1", "i alt", "screeninger") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.lavt") == 1)
        #expect(F.value(table, "2026K2", "8mdr", "screeninger") == 1)
        #expect(F.value(table, "2026K2", "8mdr", "konfliktniveau.hoejt") == 1)
        #expect(F.value(table, "2026K2", "8mdr", "konfliktniveau.lavt") == 0)
        #expect(F.value(table, "2026K2", "8mdr", "anbefalet.underretning") == 1)
        #expect(F.value(table, "2026K2", "2mdr", "screeninger") == 0)
    }

    @Test func latestCorrectionByTimestampWinsInAnyStreamOrder() throws {
        let form = try F.form()
        let screening = F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-10"))))
        let early = F.event(F.id(2), F.timestamp(day: 70), F.correction(form, of: F.id(1),
                            F.answers(date: d("2026-03-10"), level: "middel", violence: "nej")))
        let late = F.event(F.id(3), F.timestamp(day: 80), F.correction(form, of: F.id(1),
                           F.answers(date: d("2026-03-10"), level: "vil_ikke_svare", violence: "ved_ikke")))
        let orders = [[screening, early, late], [late, screening, early], [early, late, screening], [late, early, screening]]
        for order in orders {
            let table = F.table(form, order)
            #expect(F.value(table, "2026K1", "2mdr", "screeninger") == 1)
            #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.vil_ikke_svare") == 1)
            #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.middel") == 0)
            #expect(F.value(table, "2026K1", "2mdr", "konfliktniveau.lavt") == 0)
            #expect(F.value(table, "2026K1", "2mdr", "anbefalet.opfoelgning") == 1)
            #expect(table.orphans == 0)
        }
    }

    @Test func followupsCountTheLatestUdfoertPerFlaggingAction() throws {
        let form = try F.form()
        // Course offered without violence (with violence the course waits for the report's assessment).
        let flagged = F.answers(date: d("2026-03-10"), level: "hoejt", violence: "nej", interest: "begge", consent: true)
        let reported = F.answers(date: d("2026-03-10"), level: "middel", violence: "ja")
        let events = [
            F.event(F.id(1), F.timestamp(day: 60), F.screening(form, flagged)),
            F.event(F.id(2), F.timestamp(day: 61), F.screening(form, flagged)),
            F.event(F.id(3), F.timestamp(day: 62), F.screening(form, flagged)),
            F.event(F.id(4), F.timestamp(day: 62), F.screening(form, reported)),
            F.event(F.id(5), F.timestamp(day: 62), F.screening(form, reported)),
            F.event(F.id(6), F.timestamp(day: 62), F.screening(form, reported)),
            // 4: report sent; 1: enrolled.
            F.event(F.id(11), F.timestamp(day: 63), F.followup(of: F.id(4), action: "underretning", status: "udfoert", date: d("2026-03-11"))),
            F.event(F.id(12), F.timestamp(day: 64), F.followup(of: F.id(1), action: "gruppeforloeb", status: "udfoert", date: d("2026-03-20"))),
            // 2: first done, then declined on a later date: not done.
            F.event(F.id(13), F.timestamp(day: 70), F.followup(of: F.id(2), action: "gruppeforloeb", status: "afvist", date: d("2026-03-25"))),
            F.event(F.id(14), F.timestamp(day: 65), F.followup(of: F.id(2), action: "gruppeforloeb", status: "udfoert", date: d("2026-03-15"))),
            // 3: a follow-up for a non-flagging action is not a column.
            F.event(F.id(15), F.timestamp(day: 66), F.followup(of: F.id(3), action: "opfoelgning", status: "udfoert", date: d("2026-03-15"))),
            // A follow-up for an unknown screening is an orphan.
            F.event(F.id(16), F.timestamp(day: 66), F.followup(of: F.id(99), action: "underretning", status: "udfoert", date: d("2026-03-15"))),
        ]
        let table = F.table(form, events)
        #expect(F.value(table, "2026K1", "2mdr", "status.underretning.udfoert") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "status.gruppeforloeb.udfoert") == 1)
        #expect(F.value(table, "2026K1", "i alt", "status.gruppeforloeb.udfoert") == 1)
        #expect(!table.layout.columns.contains { $0.id == "status.opfoelgning.udfoert" })
        // Every final flagging action has exactly one status; no follow-up yet is its own status.
        #expect(F.value(table, "2026K1", "2mdr", "status.underretning.aaben") == 2)
        #expect(F.value(table, "2026K1", "2mdr", "status.gruppeforloeb.afvist") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "status.gruppeforloeb.aaben") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "endelig.gruppeforloeb") == 3)
        #expect(table.orphans == 1)
    }

    @Test func overridesFromTheScreeningOrACorrection() throws {
        let form = try F.form()
        let override = Override(actions: ["underretning"], reason: "Faglig vurdering")
        let events = [
            F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-10")), override: override)),
            F.event(F.id(2), F.timestamp(day: 61), F.screening(form, F.answers(date: d("2026-03-10")))),
            F.event(F.id(3), F.timestamp(day: 62), F.screening(form, F.answers(date: d("2026-03-10")))),
            F.event(F.id(4), F.timestamp(day: 70), F.correction(form, of: F.id(2), F.answers(date: d("2026-03-10")), override: override)),
            // A later correction without an override keeps the earlier one.
            F.event(F.id(5), F.timestamp(day: 80), F.correction(form, of: F.id(1), F.answers(date: d("2026-03-10")))),
        ]
        let table = F.table(form, events)
        #expect(F.value(table, "2026K1", "2mdr", "overstyret") == 2)
        // Recommended and final side by side: the overrides turned two "nothing" into reports.
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.ingen") == 3)
        #expect(F.value(table, "2026K1", "2mdr", "endelig.ingen") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "anbefalet.underretning") == 0)
        #expect(F.value(table, "2026K1", "2mdr", "endelig.underretning") == 2)
        #expect(F.value(table, "2026K1", "2mdr", "status.underretning.aaben") == 2)
    }

    @Test func unknownVisitOtherFormsAndOrphans() throws {
        let form = try F.form()
        var other = ScreeningBody(form: "andenformular", formVersion: 3, formFingerprint: "x", answers: F.answers(date: d("2026-03-10")),
                                  decision: form.decide(F.answers(date: d("2026-03-10"))), visitDate: nil, override: nil)
        other.formVersion = 3
        let events = [
            F.event(F.id(1), F.timestamp(day: 60), F.screening(form, F.answers(visit: nil, date: d("2026-03-10")))),
            F.event(F.id(2), F.timestamp(day: 60), .screening(other)),
            F.event(F.id(3), F.timestamp(day: 60), F.correction(form, of: F.id(50), F.answers(date: d("2026-03-10")))),
        ]
        let table = F.table(form, events)
        #expect(table.rows.map(\.visit) == ["2mdr", "8mdr", "ukendt", "i alt"])
        #expect(F.value(table, "2026K1", "ukendt", "screeninger") == 1)
        #expect(F.value(table, "2026K1", "i alt", "screeninger") == 1)
        #expect(table.otherFormScreenings == 1)
        #expect(table.orphans == 1)
        #expect(table.formVersions == [3])
    }

    @Test func aNewReportQuestionGetsItsColumnsFromTheFormFile() throws {
        var text = try String(contentsOf: F.formsDirectory.appendingPathComponent("konfliktscreening.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "        text: Hvem deltog i samtalen?\n",
                                         with: "        text: Hvem deltog i samtalen?\n        report: true\n")
        text = text.replacingOccurrences(of: "        text: Giver forældrene samtykke til, at familiecentret kontakter dem om forløbet?\n",
                                         with: "        text: Giver forældrene samtykke til, at familiecentret kontakter dem om forløbet?\n        report: true\n")
        let form = try FormLoader.load(data: Data(text.utf8), path: "konfliktscreening.yaml")
        let layout = ReportLayout(form: form)
        let ids = layout.columns.map(\.id)
        #expect(ids.contains("deltagere.mor") && ids.contains("deltagere.medmor"))
        #expect(ids.contains("samtykke_kontakt.ja") && ids.contains("samtykke_kontakt.nej"))
        #expect(layout.columns.first { $0.id == "deltagere.far" }?.header == "Hvem deltog i samtalen?: Far")
        var answers = F.answers(date: d("2026-03-10"), level: "hoejt", violence: "nej", interest: "begge", consent: false)
        answers["deltagere"] = .strings(["mor", "far", "mor"])
        let table = F.table(form, [F.event(F.id(1), F.timestamp(day: 60), F.screening(form, answers))])
        #expect(F.value(table, "2026K1", "2mdr", "deltagere.mor") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "deltagere.far") == 1)
        #expect(F.value(table, "2026K1", "2mdr", "deltagere.anden") == 0)
        #expect(F.value(table, "2026K1", "2mdr", "samtykke_kontakt.nej") == 1)
        // Which questions every screening answers (their columns add up to the screenings). Since form
        // version 2 the level is asked only when the screening was done, so it is not answered at every visit.
        #expect(layout.questions.contains { $0.id == "samtykke_kontakt" && !$0.alwaysAnswered })
        #expect(layout.questions.contains { $0.id == "konfliktniveau" && !$0.alwaysAnswered })
    }
}
