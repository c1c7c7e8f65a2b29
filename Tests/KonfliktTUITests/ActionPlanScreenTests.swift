import Foundation
import KonfliktCore
import Testing
@testable import KonfliktTUI

/// The guided form with the shipped form on a memory terminal: the acute banner first, a refused
/// override of a mandatory rule, rule texts before the action's and the journal note after saving.
@Suite struct ActionPlanScreenTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!
    let form: Form

    init() throws {
        let forms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("forms")
        form = try FormLoader.loadForm(directory: forms)
    }

    static let base: Answers = [
        "besoeg": .string("2mdr"), "besoegsdato": .string("2026-11-20"), "barn_cpr": .string("150926-4123"),
        "sundhedsplejerske": .string("AB"), "deltagere": .strings(["mor", "far"]), "screening_gennemfoert": .bool(true),
        "informeret": .bool(true), "konfliktniveau": .string("lavt"), "foraeldre_uenige": .bool(false),
        "akut_fare": .bool(false), "bekymring_trivsel": .string("nej"), "barn_udsat": .string("nej"),
    ]

    final class Saved { var submissions: [ScreeningSubmission] = [] }

    /// The screen on its last step with `changes` over `base`, moved on to the summary.
    func summary(_ changes: Answers, saved: Saved = Saved()) -> (FormScreen, MemoryTerminal) {
        let model = FormScreeningModel(form: form, initials: "AB", today: today, earlierVisit: { _ in ["Tidligere besøg fundet."] })
        let screen = FormScreen(model: model, answers: Self.base.merging(changes) { $1 }, step: model.steps.count - 1, today: today,
                                save: { saved.submissions.append($0) })
        screen.handle(.pageDown)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        return (screen, terminal)
    }

    @Test func theAcuteBannerComesBeforeTheRecommendation() throws {
        let (screen, terminal) = summary(["akut_fare": .bool(true), "fare_ved_orientering": .bool(false)])
        #expect(screen.page == .summary)
        let banner = try #require(terminal.row(containing: "AKUT FARE"))
        let recommendation = try #require(terminal.row(containing: "Anbefaling"))
        #expect(banner < recommendation)
        #expect(terminal.rows[recommendation + 1].contains("▶ Akut fare: ring 112 og underret straks"))
        #expect(terminal.contains("Tidligere besøg fundet."))          // warnings that need the log
    }

    /// Issue 15, defect 3: an override with several long actions wraps, so every chosen action shows.
    @Test func theOverrideLineWrapsSoEveryChosenActionShows() throws {
        let model = FormScreeningModel(form: form, initials: "AB", today: today)
        let chosen = ["opfoelgning_alene", "telefonopfoelgning", "info_raadgivning"]
        let screen = FormScreen(model: model, answers: Self.base.merging(["konfliktniveau": .string("middel"),
                                                                          "alene_med_foraelder": .bool(false)]) { $1 },
                                step: model.steps.count - 1, today: today, save: { _ in },
                                overrideActions: chosen, overrideReason: "Familien ønsker det sådan")
        screen.handle(.pageDown)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(screen.page == .summary)
        let text = terminal.rows.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for action in chosen {
            let label = try #require(form.action(id: action)?.label)
            #expect(text.contains(label), "\(label) is not on the summary:\n\(terminal.text)")
        }
    }

    /// Issue 15, defect 2: with three actions, everything on the saved page can be reached by scrolling.
    @Test func theSavedPageCanBeScrolledToItsLastLine() throws {
        let (screen, _) = summary(["konfliktniveau": .string("hoejt"), "alene_med_foraelder": .bool(true),
                                   "vold_mellem_foraeldre": .string("nej"), "interesse_gruppeforloeb": .string("begge"),
                                   "samtykke_kontakt": .bool(true), "barn_udsat": .string("ja"),
                                   "fare_ved_orientering": .bool(false)])
        screen.handle(.enter)
        #expect(screen.page == .saved)
        let lines = screen.savedLines(width: 76).map(\.0).filter { !$0.isEmpty }
        #expect(lines.count > 20)
        let terminal = MemoryTerminal()
        var seen = ""
        for _ in 0..<(screen.savedLines(width: 76).count + 5) {
            screen.draw(on: terminal)
            seen += terminal.text + "\n"
            screen.handle(.down)
        }
        #expect(screen.page == .saved)                                  // ↓ scrolls, it does not leave
        for line in lines { #expect(seen.contains(line), "\(line)") }
    }

    @Test func theStepSaysWhyTheViolenceQuestionIsNotAsked() throws {
        let model = FormScreeningModel(form: form, initials: "AB", today: today)
        let step = try #require(model.steps.firstIndex { $0.questions.contains { $0.id == "alene_med_foraelder" } })
        let screen = FormScreen(model: model, answers: Self.base.merging(["konfliktniveau": .string("middel"),
                                                                          "alene_med_foraelder": .bool(false)]) { $1 },
                                step: step, today: today, save: { _ in })
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(!terminal.contains("Har der været vold mellem jer?"))
        #expect(terminal.contains("ⓘ Spørgsmålet om vold stilles ikke nu, fordi du ikke er alene med"))
        for key in [Key.tab, .tab, .character("j")] { screen.handle(key) }   // level, disagree, alone: yes
        screen.draw(on: terminal)
        #expect(terminal.contains("Har der været vold mellem jer?"))
        #expect(!terminal.contains("ⓘ Spørgsmålet om vold"))
    }

    @Test func anOverrideRemovingTheReportIsRefusedAndNothingIsOverridden() throws {
        let saved = Saved()
        let (screen, terminal) = summary(["barn_udsat": .string("ja"), "fare_ved_orientering": .bool(false)], saved: saved)
        for key in [Key.character("t"), .character("2"), .character("8"), .enter] { screen.handle(key) }   // Underretning → Opfølgning
        screen.draw(on: terminal)
        #expect(terminal.contains("Du kan ikke fjerne \"Underretning til Familierådgivningen\""))
        #expect(terminal.text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
                .contains("personlig"))
        #expect(screen.page == .override)
        for key in [Key.tab] + keys("Kendt familie") + [.enter] { screen.handle(key) }
        #expect(screen.page == .override)                               // a reason does not lift the duty
        screen.handle(.escape)
        screen.handle(.enter)
        #expect(saved.submissions.count == 1)
        #expect(saved.submissions.first?.overrideActions == nil)
        #expect(saved.submissions.first?.finalActions == ["underretning"])
    }

    @Test func theSavedPageShowsRuleTextsFirstAndTheJournalNote() throws {
        let saved = Saved()
        let (screen, terminal) = summary(["barn_udsat": .string("ja"), "fare_ved_orientering": .bool(false)], saved: saved)
        screen.handle(.enter)
        screen.draw(on: terminal)
        #expect(terminal.contains("✔ Gemt"))
        let lines = screen.savedLines(width: 76).map(\.0)
        let ruleText = try #require(lines.firstIndex { $0.hasPrefix("Gør nu: Tal med Familierådgivningen i dag") })
        let actionText = try #require(lines.firstIndex { $0.hasPrefix("Gør nu: Send underretningen i dag") })
        #expect(ruleText < actionText)
        #expect(lines.contains { $0.hasPrefix("Til familien: Fortæl ikke forældrene om underretningen endnu") })
        #expect(!lines.contains { $0.hasPrefix("Til familien: Fortæl forældrene, at du sender") })
        let journal = try #require(lines.firstIndex { $0 == "Journalnotat (kopiér til journalen)" })
        #expect(lines[journal + 1] == "Konfliktscreening — 2-måneders besøg 20-11-2026")
        #expect(!lines.contains { $0.contains("4123") })
        // Scrolling shows the rest of the note; any other key leaves.
        for _ in 0..<40 { screen.handle(.down) }
        screen.draw(on: terminal)
        #expect(terminal.contains("Sundhedsplejerske: AB"))
        #expect(screen.outcome == .running)
        screen.handle(.enter)
        #expect(screen.outcome == .saved)
    }

    @Test func anAcceptedOverrideIsRefusedAtSaveWhenTheAnswersNowMakeTheActionMandatory() throws {
        let saved = Saved()
        let (screen, _) = summary(["konfliktniveau": .string("middel"), "alene_med_foraelder": .bool(true),
                                   "vold_mellem_foraeldre": .string("nej")], saved: saved)
        // Override "ingen" to a follow-up: allowed (no mandatory rule fired).
        for key in [Key.character("t"), .character("8"), .character("9"), .tab] + keys("Mor ønsker det") + [.enter] { screen.handle(key) }
        #expect(screen.page == .summary)
        // Back to step 4 and the child is exposed now: the override would remove the report.
        screen.handle(.escape)
        screen.handle(.pageUp)
        screen.handle(.tab); screen.handle(.tab); screen.handle(.character("2"))
        screen.handle(.pageDown)
        screen.handle(.character("n")); screen.handle(.pageDown)        // fare_ved_orientering: nej
        screen.handle(.pageDown)
        #expect(screen.page == .summary)
        screen.handle(.enter)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(saved.submissions.isEmpty)
        #expect(terminal.contains("Ikke gemt: Du kan ikke fjerne"))
    }
}
