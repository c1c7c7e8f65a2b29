import KonfliktCore
import Testing
@testable import KonfliktTUI

@Suite struct FormScreenTests {
    let today = LocalDate(year: 2026, month: 11, day: 20)!

    final class Saves {
        var submissions: [ScreeningSubmission] = []
        var drafts: [(Answers, Int)] = []
        var draftProblem: String?
    }

    func makeScreen(_ saves: Saves, failSave: Bool = false) -> FormScreen {
        FormScreen(model: TestModel(), today: today, save: { submission in
            if failSave { throw TUIError.inputEnded }
            saves.submissions.append(submission)
        }, saveDraft: { saves.drafts.append(($0, $1)); return saves.draftProblem })
    }

    func press(_ screen: FormScreen, _ keys: [Key], on terminal: MemoryTerminal = MemoryTerminal()) -> MemoryTerminal {
        for key in keys { screen.handle(key) }
        screen.draw(on: terminal)
        return terminal
    }

    @Test func aDraftThatCannotBeWrittenIsSaidOnScreen() throws {
        let saves = Saves()
        saves.draftProblem = "disken er fuld"
        let screen = makeScreen(saves)
        let before = press(screen, [])
        #expect(!before.contains("Kladden kunne ikke gemmes"))
        // Leave step 1 with every answer given: the draft is attempted and its failure is shown.
        let terminal = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter])
        #expect(screen.stepIndex == 1)
        #expect(!saves.drafts.isEmpty)
        #expect(terminal.contains("Kladden kunne ikke gemmes (disken er fuld)."))
    }

    /// Issue 15, defect 5: leaving never promises a draft that cannot be written.
    @Test func leavingWhenTheDraftCannotBeWrittenSaysTheAnswersAreLost() throws {
        let saves = Saves()
        let screen = makeScreen(saves)
        _ = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter])
        saves.draftProblem = "adgang nægtet"
        var terminal = press(screen, [.ctrl("c")])
        #expect(terminal.contains("Svarene gemmes som kladde"))      // the last draft was written
        terminal = press(screen, [.character("j")])
        #expect(screen.outcome == .running)
        #expect(terminal.contains("Kladden kunne ikke gemmes (adgang nægtet)."))
        #expect(terminal.contains("er svarene tabt."))
        #expect(!terminal.contains("Svarene gemmes som kladde"))
        // n goes back; leaving again tries again, and a second j leaves knowingly.
        _ = press(screen, [.character("n")])
        #expect(screen.page == .step)
        _ = press(screen, [.ctrl("c"), .character("j")])
        #expect(screen.outcome == .running)
        _ = press(screen, [.character("j")])
        #expect(screen.outcome == .left)
    }

    @Test func theLeaveQuestionDoesNotPromiseADraftAfterAFailedOne() throws {
        let saves = Saves()
        saves.draftProblem = "disken er fuld"
        let screen = makeScreen(saves)
        _ = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter])
        let terminal = press(screen, [.ctrl("c")])
        #expect(!terminal.contains("Svarene gemmes som kladde"))
        #expect(terminal.contains("Kladden kunne ikke gemmes sidst"))
    }

    @Test func firstStepShowsTitleProgressQuestionsAndFooter() {
        let saves = Saves()
        let terminal = press(makeScreen(saves), [])
        #expect(terminal.rows[0].hasPrefix("Konfliktscreening"))
        #expect(terminal.rows[0].hasSuffix("Trin 1 af 3"))
        #expect(terminal.rows[1] == "Besøget")
        #expect(terminal.contains("Hvilket besøg? *"))
        #expect(terminal.contains("( ) 1 2-måneders besøg"))
        #expect(terminal.rows[23].contains("F1 hjælp"))
        #expect(DisplayWidth.of(FormScreen.stepFooter) <= 79)
    }

    @Test func requiredAnswersBlockTheNextStep() {
        let saves = Saves()
        let screen = makeScreen(saves)
        let terminal = press(screen, [.pageDown])
        #expect(screen.stepIndex == 0)
        #expect(terminal.contains("! Dette spørgsmål skal besvares."))
        #expect(terminal.style(of: "! Dette") == .error)
        #expect(terminal.contains("Ret fejlene, før du går videre."))
    }

    @Test func invalidCPRIsRefusedOnLeavingThenCorrected() {
        let saves = Saves()
        let screen = makeScreen(saves)
        var terminal = press(screen, [.character("1"), .enter] + keys("320126-4123") + [.enter])
        #expect(screen.stepIndex == 0)
        #expect(terminal.contains("! CPR-nummeret indeholder ikke en gyldig fødselsdato."))
        terminal = press(screen, [.home, .delete, .delete] + keys("15") + [.enter])
        #expect(screen.stepIndex == 1)
        #expect(terminal.rows[0].hasSuffix("Trin 2 af 3"))
        #expect(screen.answers["barn_cpr"] == .string("150126-4123"))
        #expect(saves.drafts.last?.1 == 1)
    }

    @Test func relevanceFollowsTheAnswers() {
        let saves = Saves()
        let screen = makeScreen(saves)
        var terminal = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter, .character("2")])
        #expect(!terminal.contains("gruppeforløb?"))
        terminal = press(screen, [.character("3")])
        #expect(terminal.contains("Er parret interesseret i et gruppeforløb? *"))
        terminal = press(screen, [.character("1")])
        #expect(!terminal.contains("gruppeforløb?"))
    }

    @Test func helpOnDemand() {
        let saves = Saves()
        let screen = makeScreen(saves)
        let terminal = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter, .function(1)])
        #expect(terminal.contains("Fortæl først, at konflikter kan vokse, når man bliver forældre."))
    }

    @Test func backAndForwardKeepAnswers() {
        let saves = Saves()
        let screen = makeScreen(saves)
        _ = press(screen, [.character("2"), .enter] + keys("1509264123") + [.enter, .character("3")])
        var terminal = press(screen, [.escape])
        #expect(screen.stepIndex == 0)
        #expect(terminal.contains("(•) 2 8-måneders besøg"))
        #expect(terminal.contains("150926-4123"))
        terminal = press(screen, [.pageDown])
        #expect(terminal.contains("(•) 3 Højt"))
    }

    @Test func fullScreeningShowsRecommendationAndSaves() {
        let saves = Saves()
        let screen = makeScreen(saves)
        var terminal = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter,
            .character("3"), .enter, .character("1"), .enter, .character("j"), .enter] + keys("Blåbær 漢字") + [.enter])
        #expect(terminal.rows[0].hasSuffix("Opsummering"))
        #expect(terminal.contains("• Hvilket besøg? 2-måneders besøg"))
        let underretning = terminal.row(containing: "▶ Underretning")
        let gruppe = terminal.row(containing: "▶ Gruppeforløb")
        #expect(underretning != nil && gruppe != nil && underretning! < gruppe!)
        // The recommendation comes first, right under the title, before the answers.
        #expect(terminal.row(containing: "Anbefaling") == 2)
        #expect((terminal.row(containing: "Svar") ?? 0) > gruppe!)
        #expect(terminal.contains("Begrundelse: Barnet er udsat for vold. (Barnets lov § 133)"))
        // What to do and what to tell the family are on the summary before saving (issue 15, defect 2).
        #expect(terminal.contains("Gør nu: send den i dag til Familierådgivningen."))
        // Everything is reachable by scrolling: the last answer, and the hint has a row of its own.
        terminal = press(screen, [.end])
        #expect(terminal.contains("• Note Blåbær 漢字"))
        #expect(terminal.contains("af \(screen.summaryLines(width: 78).count) (↑/↓"))
        terminal = press(screen, [.home])
        terminal = press(screen, [.enter])
        #expect(terminal.contains("✔ Gemt"))
        #expect(terminal.contains("Gør nu: send den i dag til Familierådgivningen."))
        #expect(terminal.contains("Til familien: Forløbet i Sammen uden vold."))
        #expect(saves.submissions.count == 1)
        #expect(saves.submissions[0].decision.actions == ["underretning", "gruppeforloeb"])
        #expect(saves.submissions[0].answers["note"] == .string("Blåbær 漢字"))
        screen.handle(.character("x"))
        #expect(screen.outcome == .saved)
    }

    @Test func overrideNeedsActionsAndAReason() {
        let saves = Saves()
        let screen = makeScreen(saves)
        _ = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter, .character("1"), .enter,
                                                                            .character("n"), .enter, .enter])
        #expect(screen.page == .summary)
        var terminal = press(screen, [.character("t")])
        #expect(terminal.contains("Vælg de handlinger, du vil bruge i stedet:"))
        terminal = press(screen, [.character("2"), .character("3"), .enter, .enter])
        #expect(terminal.contains("! Skriv begrundelsen for at tilsidesætte anbefalingen."))
        terminal = press(screen, keys("Far fortalte om slag") + [.enter])
        #expect(terminal.contains("Tilsidesat af dig: Gruppeforløb"))
        _ = press(screen, [.enter])
        #expect(saves.submissions.first?.overrideActions == ["gruppeforloeb"])
        #expect(saves.submissions.first?.overrideReason == "Far fortalte om slag")
        #expect(saves.submissions.first?.flagged == true)
    }

    @Test func failedSaveSaysNotSavedAndStays() {
        let saves = Saves()
        let screen = makeScreen(saves, failSave: true)
        let terminal = press(screen, [.character("1"), .enter] + keys("1509264123") + [.enter, .character("1"), .enter,
                                                                                       .character("n"), .enter, .enter, .enter])
        #expect(screen.page == .summary)
        #expect(terminal.contains("Ikke gemt:"))
        #expect(!terminal.contains("Gemt"))
    }

    @Test func escapeOnFirstStepAsksAndKeepsTheDraft() {
        let saves = Saves()
        let screen = makeScreen(saves)
        var terminal = press(screen, [.character("2"), .escape])
        #expect(terminal.contains("Vil du afbryde screeningen?"))
        terminal = press(screen, [.character("n")])
        #expect(screen.outcome == .running)
        _ = press(screen, [.ctrl("c"), .character("j")])
        #expect(screen.outcome == .left)
        #expect(saves.drafts.last?.0["besoeg"] == .string("8mdr"))
    }

    @Test func tooSmallWindowSaysSoAndRecovers() {
        let saves = Saves()
        let screen = makeScreen(saves)
        let terminal = MemoryTerminal(rows: 20, columns: 60)
        screen.draw(on: terminal)
        #expect(terminal.text.contains("Vinduet er for lille (60×20)."))
        terminal.resize(rows: 24, columns: 80)
        screen.run(on: terminal)
        #expect(terminal.rows[0].hasSuffix("Trin 1 af 3"))
    }
}
