import Foundation
import KonfliktCases
import KonfliktCore
import KonfliktLog
import Testing
@testable import KonfliktTUI

/// A data directory with two health visitors' device files, read by the real fold, and the lead's
/// review on a memory terminal. Today is 22-11-2026.
final class ReviewFixture {
    static let today = LocalDate(year: 2026, month: 11, day: 22)!
    let root: URL
    let directory: DataDirectory
    let form: Form
    var exposedID = UUID()      // AB, 2 Nov: underretning + gruppeforløb afventer (the course waits for the report), both overdue
    var courseID = UUID()       // CD, 20 Nov: gruppeforløb, open
    var overrideID = UUID()     // CD, 21 Nov: no recommendation, overridden to opfølgning
    var calmID = UUID()         // AB, 21 Nov: low conflict, not flagged

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-review-\(UUID().uuidString)")
        directory = DataDirectory(path: root.appendingPathComponent("data").path)
        try directory.create()
        let formURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("forms/konfliktscreening.yaml")
        form = try FormLoader.load(url: formURL)
        exposedID = try screen(device: "aaaa", author: "AB", day: 2, cpr: "150926-4123", level: "hoejt", exposed: "ja")
        courseID = try screen(device: "bbbb", author: "CD", day: 20, cpr: "010926-4234", level: "hoejt", exposed: "nej")
        overrideID = try screen(device: "bbbb", author: "CD", day: 21, cpr: "020926-4345", level: "middel", exposed: "nej",
                                override: Override(actions: ["opfoelgning"], reason: "Mor virkede meget presset"))
        calmID = try screen(device: "aaaa", author: "AB", day: 21, cpr: "030926-4456", level: "lavt", exposed: "nej")
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    static func answers(day: Int, cpr: String, level: String, exposed: String, author: String) -> Answers {
        var answers: Answers = [
            "besoeg": .string("2mdr"), "besoegsdato": .string(String(format: "2026-11-%02d", day)),
            "barn_cpr": .string(cpr), "sundhedsplejerske": .string(author), "deltagere": .strings(["mor", "far"]),
            "informeret": .bool(true), "konfliktniveau": .string(level), "bekymring_trivsel": .string("nej"),
            "barn_udsat": .string(exposed),
        ]
        if level != "lavt" {
            answers["alene_med_foraelder"] = .bool(true)
            answers["vold_mellem_foraeldre"] = .string("nej")
        }
        if exposed != "nej" { answers["fare_ved_orientering"] = .bool(false) }
        if level == "hoejt" {
            answers["interesse_gruppeforloeb"] = .string("begge")
            answers["samtykke_kontakt"] = .bool(true)
        }
        return answers
    }

    func screen(device: String, author: String, day: Int, cpr: String, level: String, exposed: String,
                override: Override? = nil) throws -> UUID {
        let answers = Self.answers(day: day, cpr: cpr, level: level, exposed: exposed, author: author)
        let visit = LocalDate(year: 2026, month: 11, day: day)!
        #expect(form.validate(answers, today: visit).isEmpty)
        let decision = form.decide(answers, today: visit)
        let when = Date(timeIntervalSince1970: Double(visit.dayNumber) * 86_400 + 36_000)
        let writer = LogWriter(directory: directory, device: device, now: { when })
        let body = ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                 answers: answers, decision: decision, visitDate: visit, override: override)
        return try writer.append(.screening(body), author: author).id
    }

    /// The lead's review through the real case index (in a state folder of its own): appends go to
    /// device `lead` as `LE`.
    func environment() -> ReviewEnvironment {
        let directory = directory, form = form
        let state = StateDirectory(path: root.appendingPathComponent("state").path)
        let writer = LogWriter(directory: directory, device: "lead")
        return ReviewEnvironment(
            form: form, today: Self.today, initials: "LE",
            load: { includeClosed, progress in
                var store = try CaseStore.open(directory: directory, state: state, form: form, progress: progress)
                return ReviewLoad(cases: Array(try store.flaggedCases(includeClosed: includeClosed, today: Self.today)),
                                  warnings: store.warnings)
            },
            recordFollowup: { _ = try writer.append(.followup($0), author: "LE") },
            recordCorrection: { _ = try writer.append(.correction($0), author: "LE") },
            loadCase: { id in
                var store = try CaseStore.open(directory: directory, state: state, form: form)
                return (try store.details(id, today: Self.today), store.summary(of: id, today: Self.today))
            },
            cprKey: { cpr in (try? CaseStore.open(directory: directory, state: state, form: form))?.cprKey(cpr) ?? 0 })
    }

    /// As `environment()`, counting the full readings in `loads`.
    func environmentReadingOneCase(_ loads: Counter) -> ReviewEnvironment {
        var environment = environment()
        let full = environment.load
        environment.load = { includeClosed, progress in
            loads.value += 1
            return try full(includeClosed, progress)
        }
        return environment
    }

    /// The events in the lead's own file.
    func leadEvents() throws -> [LogEvent] {
        var events: [LogEvent] = []
        try LogReader.forEachEvent(in: directory) { if $0.file == "lead.jsonl" { events.append($0.event) } }
        return events
    }
}

@Suite struct ReviewScreenTests {
    func open(_ fixture: ReviewFixture) -> (ReviewScreen, MemoryTerminal) {
        let screen = ReviewScreen(environment: fixture.environment())
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        return (screen, terminal)
    }

    func press(_ screen: ReviewScreen, _ terminal: MemoryTerminal, _ keys: [Key]) {
        for key in keys {
            screen.handle(key)
            screen.draw(on: terminal)
        }
    }

    /// Everything the correction's summary shows, scrolling with PgDn (then back to the top).
    func scrolledSummary(_ screen: ReviewScreen, _ terminal: MemoryTerminal) -> String {
        press(screen, terminal, [.home])
        var seen = terminal.text
        for _ in 0..<8 {
            press(screen, terminal, [.pageDown])
            seen += "\n" + terminal.text
        }
        press(screen, terminal, [.home])
        return seen
    }

    /// Everything the page shows from its top to its end, scrolling with PgDn (then back to the top).
    func scrolledText(_ screen: ReviewScreen, _ terminal: MemoryTerminal) -> String {
        press(screen, terminal, [.home])
        var seen = terminal.text
        for _ in 0..<20 {
            press(screen, terminal, [.pageDown])
            seen += "\n" + terminal.text
        }
        press(screen, terminal, [.home])
        return seen
    }

    /// The list of all cases reads the closed ones again from the index file as they are drawn; when that
    /// file can no longer be read, the screen says so instead of showing a list with holes, and `l`
    /// reads the log again.
    @Test func aListWhoseIndexCannotBeReadAgainSaysSo() throws {
        let fixture = try ReviewFixture()
        try LogWriter(directory: fixture.directory, device: "lead").append(
            .followup(FollowupBody(screening: fixture.courseID, action: "gruppeforloeb", status: "gennemfoert",
                                   date: ReviewFixture.today, note: "")), author: "LE")
        let state = StateDirectory(path: fixture.root.appendingPathComponent("state").path)
        _ = try CaseStore.open(directory: fixture.directory, state: state, form: fixture.form)    // saved
        let path = state.file(CaseStore.indexFileName(for: fixture.directory))
        let damage = Counter()
        var environment = fixture.environment()
        environment.load = { includeClosed, _ in
            var store = try CaseStore.open(directory: fixture.directory, state: state, form: fixture.form, scope: .open)
            let cases = try store.flaggedCases(includeClosed: includeClosed, today: ReviewFixture.today)
            // Cut short under the list (the same file), before a closed case is read again.
            if includeClosed, damage.value == 0 {
                damage.value += 1
                #expect(truncate(path, 0) == 0)
            }
            return ReviewLoad(cases: cases, warnings: store.warnings)
        }
        let screen = ReviewScreen(environment: environment)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(!terminal.text.contains("kunne ikke læses igen"))
        press(screen, terminal, [.character("a")])
        #expect(damage.value == 1)
        #expect(terminal.text.contains("Sagsindekset kunne ikke læses igen"))
        press(screen, terminal, [.character("l")])
        #expect(!terminal.text.contains("kunne ikke læses igen"))
        #expect(terminal.text.contains("Gruppeforløb"))
        #expect(terminal.text.contains("Gruppeforløb gennemført") && terminal.text.contains("1/3"))
    }

    @Test func listShowsFlaggedCasesMostUrgentFirstWithMaskedCPR() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        #expect(screen.rows.map(\.item.id) == [fixture.exposedID, fixture.courseID, fixture.overrideID])
        let first = try #require(terminal.row(containing: "150926-****"))
        #expect(terminal.rows[first].hasPrefix("! 02-11-26"))
        #expect(terminal.rows[first].contains("Underretning åben"))
        #expect(terminal.contains("T 21-11-26"))                 // the override is listed
        #expect(!terminal.contains("030926"))                      // not flagged: not listed
        #expect(!terminal.text.contains("4123"))                   // never the full CPR by default
        #expect(terminal.contains("3 sager, 1 over frist"))
        #expect(terminal.contains("Vis: åbne"))
    }

    /// Issue 15, item 11: the footer is never cut (it wraps onto a second row when it must).
    @Test func theListFooterIsWhole() throws {
        let fixture = try ReviewFixture()
        let (_, terminal) = open(fixture)
        #expect(terminal.contains("Esc luk"))
        #expect(terminal.contains("F1 hjælp"))
    }

    /// Issue 15, item 11: actions that do not fit end in "…" instead of being cut silently.
    @Test func actionsThatDoNotFitEndInAnEllipsis() throws {
        let fixture = try ReviewFixture()
        let (screen, _) = open(fixture)
        let row = try #require(screen.rows.first)
        let narrow = screen.tableLine(row, columns: 56)
        #expect(narrow.contains("…"))
        #expect(DisplayWidth.of(narrow) <= 56)
        #expect(!screen.tableLine(row, columns: 200).contains("…"))
    }

    @Test func revealShowsOneRowsCPROnly() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.character("v")])
        #expect(terminal.contains("150926-4123"))
        #expect(terminal.contains("010926-****"))
        press(screen, terminal, [.character("v")])
        #expect(!terminal.text.contains("4123"))
    }

    @Test func filtersByActionVisitorAndTypedCPR() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.character("h")])                 // first action in form order
        #expect(terminal.contains("Handling: Underretning"))
        #expect(screen.rows.map(\.item.id) == [fixture.exposedID])
        // Underretning → Gruppeforløb → Gruppeforløb afventer → Opfølgning → alle
        press(screen, terminal, [.character("h"), .character("h"), .character("h"), .character("h")])
        #expect(terminal.contains("Handling: alle"))
        press(screen, terminal, [.character("s"), .character("s")])
        #expect(terminal.contains("Sundhedsplejerske: CD"))
        #expect(Set(screen.rows.map(\.item.id)) == [fixture.courseID, fixture.overrideID])
        press(screen, terminal, [.character("s")])
        #expect(screen.rows.count == 3)
        press(screen, terminal, [.character("/")])
        #expect(terminal.contains("Søg CPR:"))
        press(screen, terminal, keys("020926-4345") + [.enter])
        #expect(screen.rows.map(\.item.id) == [fixture.overrideID])
        #expect(terminal.contains("CPR: 020926-****"))
        // The search field starts empty (never the previous number), and Enter on it removes the search.
        press(screen, terminal, [.character("/")])
        #expect(!terminal.contains("Søg CPR: 020926"))
        press(screen, terminal, [.enter])
        #expect(screen.rows.count >= 3)
        // A birth-date prefix finds the child without the rest of the number.
        press(screen, terminal, [.character("/")] + keys("0109") + [.enter])
        #expect(screen.rows.map(\.item.id) == [fixture.courseID])
        press(screen, terminal, [.character("/"), .enter])
        #expect(screen.rows.count >= 3)
    }

    @Test func detailShowsAnswersDecisionOverrideAndHistory() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.down, .down, .enter])
        #expect(terminal.contains("Sag: 020926-****  CD  21-11-2026"))
        #expect(terminal.contains("Hvordan er konfliktniveauet i jeres familie? → Middel"))
        #expect(terminal.contains("Barnets CPR-nummer → 020926-****"))
        let all = scrolledText(screen, terminal)
        #expect(all.contains("Tilsidesat af sundhedsplejersken"))
        #expect(all.contains("Begrundelse: Mor virkede meget presset"))
        #expect(all.contains("Screening gemt af CD"))
        press(screen, terminal, [.escape])
        #expect(terminal.contains("Gennemgang – markerede familier"))
    }

    @Test func followupsCloseACaseOnlyWhenEveryFlaggedActionHasOne() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.enter, .character("o")])
        #expect(terminal.contains("Udført – underretningen er sendt"))
        press(screen, terminal, [.tab, .tab, .tab] + keys("Sendt til Familierådgivningen") + [.enter])
        #expect(terminal.contains("Gem denne opfølgning?"))            // confirmed before it is saved
        #expect(try fixture.leadEvents().isEmpty)
        press(screen, terminal, [.enter])
        #expect(terminal.contains("Gemt: Underretning til Familierådgivningen – udført."))
        var events = try fixture.leadEvents()
        #expect(events.count == 1)
        guard case .followup(let first)? = events.first?.body else { Issue.record("no follow-up"); return }
        #expect(first.screening == fixture.exposedID && first.action == "underretning" && first.status == "udfoert")
        #expect(first.date == ReviewFixture.today && first.note == "Sendt til Familierådgivningen")
        #expect(events.first?.author == "LE")
        press(screen, terminal, [.escape])
        #expect(screen.rows.first?.item.id == fixture.exposedID)      // gruppeforløb is still open and overdue
        // The course: declined by the family.
        press(screen, terminal, [.enter, .character("o"), .character("2"), .tab, .character("2"), .enter, .enter, .enter, .enter])
        events = try fixture.leadEvents()
        #expect(events.count == 2)
        // The case is closed: back on the open list, without it.
        #expect(terminal.contains("– afvist. Sagen er"))   // "… Sagen er lukket", cut at 80 columns
        #expect(terminal.contains("Gennemgang – markerede familier"))
        #expect(!screen.rows.contains { $0.item.id == fixture.exposedID })
        #expect(!terminal.contains("150926-****"))
        press(screen, terminal, [.character("a")])
        #expect(terminal.contains("Vis: alle"))
        let row = try #require(terminal.row(containing: "150926-****"))
        #expect(terminal.rows[row].contains("Underretning udført"))
        #expect(terminal.rows[row].contains("Forløb venter"))        // the waiting course, by its short_label
        #expect(terminal.rows[row].contains("afvis"))
    }

    @Test func aFollowupReadsOnlyItsCaseAgainAndAClosedCaseLeavesTheList() throws {
        let fixture = try ReviewFixture()
        let loads = Counter()
        let screen = ReviewScreen(environment: fixture.environmentReadingOneCase(loads))
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(loads.value == 1)
        press(screen, terminal, [.enter, .character("o")])
        press(screen, terminal, [.tab, .tab, .tab] + keys("Sendt") + [.enter, .enter])
        #expect(terminal.contains("Gemt: Underretning til Familierådgivningen – udført."))
        let row = try #require(screen.rows.first { $0.item.id == fixture.exposedID })
        #expect(row.item.actions.first { $0.action == "underretning" }?.status.key == "udfoert")
        press(screen, terminal, [.escape, .enter, .character("o"), .character("2"), .tab, .character("2"), .enter, .enter, .enter, .enter])
        #expect(terminal.contains("– afvist. Sagen er"))   // "… Sagen er lukket", cut at 80 columns
        #expect(!screen.rows.contains { $0.item.id == fixture.exposedID })
        #expect(loads.value == 1)
        #expect(try fixture.leadEvents().count == 2)
    }

    @Test func notRelevantNeedsANoteAndFutureDatesAreRefused() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.down, .down, .enter, .character("o"), .tab, .character("3"), .enter, .enter, .enter])
        #expect(terminal.contains("Skriv i noten, hvorfor status er \"ikke relevant\"."))
        #expect(try fixture.leadEvents().isEmpty)
        press(screen, terminal, [.backtab] + Array(repeating: Key.backspace, count: 10) + keys("01-01-2027") + [.tab] +
              keys("Familien er flyttet") + [.enter])
        #expect(terminal.contains("Datoen 01-01-2027 ligger i fremtiden"))
        #expect(try fixture.leadEvents().isEmpty)
        press(screen, terminal, Array(repeating: Key.backspace, count: 10) + keys("21-11-2026") + [.function(10), .enter])
        #expect(terminal.contains("Gemt: Opfølgning ved næste besøg – ikke relevant."))
        #expect(try fixture.leadEvents().count == 1)
    }

    /// Issue 15, defect 6: a date before the visit is refused, the confirmation shows what will be saved,
    /// and a closed action gets a second follow-up only with a note.
    @Test func followupDatesAndClosedActionsFollowOneRule() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        // The course case (visit 20-11-2026), completed (the third of the course's statuses): a date
        // before the visit.
        press(screen, terminal, [.down, .enter, .character("o"), .tab, .character("3"), .tab] + Array(repeating: Key.backspace, count: 10)
              + keys("19-11-2026") + [.function(10)])
        #expect(terminal.contains("ligger før besøget (20-11-2026)"))
        #expect(!terminal.contains("Gem denne opfølgning?"))
        press(screen, terminal, Array(repeating: Key.backspace, count: 10) + keys("2026-11-21") + [.function(10)])
        #expect(terminal.contains("Gem denne opfølgning?"))
        #expect(terminal.contains("Dato: 21-11-2026 (besøget var 20-11-2026)"))
        press(screen, terminal, [.escape])                            // back to the form: nothing saved
        #expect(!terminal.contains("Gem denne opfølgning?"))
        #expect(try fixture.leadEvents().isEmpty)
        press(screen, terminal, [.function(10), .character("j")])
        #expect(try fixture.leadEvents().count == 1)
        // The overridden case stays open with its other case; reopen the course case with all cases shown.
        press(screen, terminal, [.escape, .character("a")])
        let index = try #require(screen.rows.firstIndex { $0.item.id == fixture.courseID })
        press(screen, terminal, [.home] + Array(repeating: Key.down, count: index) + [.enter, .character("o"), .function(10)])
        #expect(terminal.contains("er allerede lukket"))
        #expect(try fixture.leadEvents().count == 1)
        press(screen, terminal, keys("Forkert dato første gang") + [.function(10)])    // the note has the focus
        #expect(terminal.contains("retter den tidligere"))
        press(screen, terminal, [.enter])
        #expect(try fixture.leadEvents().count == 2)
    }

    @Test func correctionReopensTheFormAndReDecides() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.enter, .character("r"), .enter])
        #expect(terminal.contains("Skriv hvorfor screeningen rettes."))
        press(screen, terminal, keys("Barnet var ikke udsat; forkert svar") + [.enter])
        #expect(terminal.contains("Trin 1 af 5"))
        #expect(terminal.contains("150926-4123"))                  // pre-filled
        press(screen, terminal, [.pageDown, .pageDown, .pageDown])
        #expect(terminal.contains("Trin 4 af 5"))
        press(screen, terminal, [.tab, .tab, .character("1"), .pageDown, .pageDown])   // akut_fare, bekymring, barn_udsat
        #expect(terminal.contains("Opsummering"))
        press(screen, terminal, [.enter])
        #expect(terminal.contains("✔ Rettelsen er gemt"))
        press(screen, terminal, [.enter])
        #expect(terminal.contains("Rettelsen er gemt, og anbefalingen er vurderet igen."))
        let events = try fixture.leadEvents()
        guard case .correction(let correction)? = events.first?.body else { Issue.record("no correction"); return }
        #expect(correction.screening == fixture.exposedID)
        #expect(correction.reason == "Barnet var ikke udsat; forkert svar")
        #expect(correction.answers["barn_udsat"] == .string("nej"))
        #expect(correction.decision.actions == ["gruppeforloeb"])
        #expect(scrolledText(screen, terminal).contains("Rettet af LE: Barnet var ikke udsat; forkert svar"))
        press(screen, terminal, [.escape])
        let row = try #require(terminal.row(containing: "150926-****"))
        #expect(!terminal.rows[row].contains("Underretning"))
    }

    /// Issue 15 item 8: the correction's summary says it is a correction and lists the answers the new
    /// answers drop; after saving it returns to the case, as it says.
    @Test func aCorrectionSaysSoAndWarnsAboutDroppedAnswers() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.enter, .character("r")])
        #expect(terminal.contains("Dette er en rettelse af en gemt screening."))
        press(screen, terminal, keys("Forkert niveau") + [.enter, .pageDown, .pageDown])
        #expect(terminal.contains("Trin 3 af 5"))
        press(screen, terminal, [.character("1"), .pageDown, .pageDown, .pageDown])     // lavt
        #expect(terminal.contains("Opsummering"))
        let summary = scrolledSummary(screen, terminal)
        #expect(summary.contains("Rettelse af en gemt screening. Begrundelse: Forkert niveau"))
        #expect(summary.contains("hører ikke længere med og gemmes ikke i"))
        #expect(summary.contains("– Er du alene med forælderen"))
        press(screen, terminal, [.enter])
        #expect(terminal.contains("✔ Rettelsen er gemt"))
        #expect(terminal.contains("Tryk en tast for at vende tilbage til sagen i gennemgangen."))
        press(screen, terminal, [.character("x")])
        #expect(terminal.contains("Sag: 150926-****"))
        #expect(terminal.contains("Rettelsen er gemt"))
    }

    /// Issue 12: a correction from the review re-checks the earlier override against the corrected
    /// answers (`Form.checkOverride`, as `konflikt correct`): one that would now remove the report is refused.
    @Test func aCorrectionReChecksTheEarlierOverride() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.down, .down, .enter, .character("r")] + keys("Barnet er udsat") + [.enter])
        press(screen, terminal, [.pageDown, .pageDown, .pageDown])
        #expect(terminal.contains("Trin 4 af 5"))
        press(screen, terminal, [.tab, .tab, .character("2"), .tab, .character("n"), .pageDown, .pageDown])
        #expect(terminal.contains("Opsummering"))
        #expect(scrolledSummary(screen, terminal).contains("Tilsidesat af dig: Opfølgning"))
        press(screen, terminal, [.enter])
        #expect(terminal.contains("Ikke gemt:"))
        #expect(!terminal.contains("✔ Rettelsen er gemt"))
        #expect(try fixture.leadEvents().isEmpty)
        // Removing the override is no way around it: the earlier one would stay in force, so it is checked too.
        press(screen, terminal, [.character("f"), .enter])
        #expect(terminal.contains("Ikke gemt:"))
        #expect(try fixture.leadEvents().isEmpty)
    }

    /// Issue 12 item 11 and issue 15 defect 2: the details show what to do, what to tell the family and the
    /// journal note (the text `konflikt journal` prints); `j` jumps to it.
    @Test func detailsShowGuidanceAndTheJournalNote() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.enter])
        let all = scrolledText(screen, terminal)
        #expect(all.contains("Gør nu:"))
        #expect(all.contains("Til familien:"))
        press(screen, terminal, [.character("j")])
        #expect(terminal.contains("Journalnotat (kopiér til journalen)"))
        let load = try fixture.environment().loadCase(fixture.exposedID)
        let item = try #require(load.0)
        let note = JournalNote.text(form: fixture.form, answers: item.answers, decision: item.decision,
                                    override: item.override.map { ($0.actions, $0.reason) })
        let firstLine = try #require(note.split(separator: "\n").first.map(String.init))
        #expect(terminal.contains(String(firstLine.prefix(60))))
        #expect(!note.contains("4123"))
    }

    /// Issue 15, item 11: an empty legal basis prints nothing, not "()".
    @Test func anEmptyBasisPrintsNoParentheses() throws {
        let fixture = try ReviewFixture()
        let (screen, _) = open(fixture)
        var item = try #require(try fixture.environment().loadCase(fixture.courseID).0)
        #expect(!item.decision.rules.isEmpty)
        for index in item.decision.rules.indices { item.decision.rules[index].basis = "" }
        let text = screen.detailLines(item, columns: 80).map(\.0).joined(separator: "\n")
        #expect(!text.contains("()"), "\(text)")
    }

    /// Issue 15, item 11: numbers in the details have a Danish decimal comma.
    @Test func numbersInTheDetailsUseADecimalComma() throws {
        let fixture = try ReviewFixture()
        let question = try #require(fixture.form.questions.first)
        #expect(ReviewScreen.describe(.number(2.5), question: question) == "2,5")
        #expect(ReviewScreen.describe(.number(3), question: question) == "3")
        #expect(ReviewScreen.describe(.number(1e300), question: question).contains("e"))   // no crash on any number
    }

    /// Status texts come from the form's actions (`statuses`, else the defaults with `done_label`), not
    /// from ids in the code.
    @Test func statusTextsComeFromTheFormsStatuses() throws {
        let fixture = try ReviewFixture()
        let screen = ReviewScreen(environment: fixture.environment())
        for action in fixture.form.actions {
            #expect(screen.statusField(action: action.id, selected: nil).options.map(\.label) == action.statuses.map(\.label))
            for status in action.statuses { #expect(screen.statusText(status.id, action: action.id) == status.label) }
        }
        let report = try #require(fixture.form.action(id: "underretning"))
        #expect(screen.statusText("udfoert", action: report.id) == report.doneLabel)
    }

    /// Issue 13: the review screen offers the course's path for the course, from the form, and a step
    /// that leaves it open (kontakt givet) keeps the case among the open ones.
    @Test func theFollowupPageOffersTheCoursePathForTheCourse() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.down, .enter, .character("o")])                 // the course case
        #expect(terminal.contains("(•) 1 Tilbud om gruppeforløb"))
        let course = try #require(fixture.form.action(id: "gruppeforloeb"))
        #expect(course.statuses.map(\.id) == ["kontakt_givet", "startet", "gennemfoert", "afvist", "ikke_relevant", "udfoert"])
        for status in course.statuses { #expect(terminal.contains(status.label), "\(status.label)\n\(terminal.text)") }
        #expect(!terminal.contains("Udført – underretningen er sendt"))
        press(screen, terminal, [.tab, .character("1"), .function(10), .enter])
        #expect(terminal.contains("Gemt: Tilbud om gruppeforløb (Sammen uden vold) – kontakt givet."))
        guard case .followup(let body)? = try fixture.leadEvents().last?.body else { Issue.record("no follow-up"); return }
        #expect(body.action == "gruppeforloeb" && body.status == "kontakt_givet")
        let row = try #require(screen.rows.first { $0.item.id == fixture.courseID })
        let state = try #require(row.item.actions.first { $0.action == "gruppeforloeb" })
        #expect(state.status.key == "kontakt_givet" && !state.status.closes)
        #expect(row.item.isOpen)
    }

    @Test func leavingACorrectionSavesNothing() throws {
        let fixture = try ReviewFixture()
        let (screen, terminal) = open(fixture)
        press(screen, terminal, [.enter, .character("r")] + keys("Forkert dato") + [.enter, .escape])
        #expect(terminal.contains("Vil du afbryde rettelsen? Intet bliver gemt"))
        press(screen, terminal, [.character("j")])
        #expect(terminal.contains("Rettelsen blev ikke gemt."))
        #expect(try fixture.leadEvents().isEmpty)
    }

    @Test func tooSmallWindowSaysSo() throws {
        let fixture = try ReviewFixture()
        let screen = ReviewScreen(environment: fixture.environment())
        let terminal = MemoryTerminal(rows: 20, columns: 60)
        screen.draw(on: terminal)
        #expect(terminal.contains("Vinduet er for lille"))
        terminal.resize(rows: 30, columns: 100)
        screen.handle(.resize)
        screen.draw(on: terminal)
        #expect(terminal.contains("Gennemgang – markerede familier"))
    }
}

/// A count shared with a closure.
final class Counter {
    var value = 0
}

/// While the case index is brought up to date the screen shows how much is read, and Esc leaves.
@Suite struct ReviewProgressTests {
    /// An environment whose reading reports progress in steps and records what the screen showed.
    final class Recorder {
        var screens: [String] = []
        var answers: [Bool] = []
    }

    func environment(_ fixture: ReviewFixture, _ recorder: Recorder, terminal: MemoryTerminal) -> ReviewEnvironment {
        var environment = fixture.environment()
        let full = environment.load
        environment.load = { includeClosed, progress in
            for share in [0.0, 0.25, 0.5] {
                let goOn = progress(share)
                recorder.answers.append(goOn)
                recorder.screens.append(terminal.text)
                if !goOn { throw CancellationError() }
            }
            return try full(includeClosed, progress)
        }
        return environment
    }

    @Test func progressIsShownAndTheListFollows() throws {
        let fixture = try ReviewFixture()
        let recorder = Recorder()
        let terminal = MemoryTerminal()
        ReviewScreen.open(environment: environment(fixture, recorder, terminal: terminal), on: terminal)
        #expect(recorder.screens.contains { $0.contains("Læser loggen og opdaterer sagsindekset: 25 %") })
        #expect(recorder.screens.allSatisfy { $0.contains("Esc afbryder") })
        #expect(recorder.answers.allSatisfy { $0 })
        #expect(terminal.contains("3 sager, 1 over frist"))
    }

    @Test func escapeWhileReadingLeavesTheReview() throws {
        let fixture = try ReviewFixture()
        let recorder = Recorder()
        let terminal = MemoryTerminal(keys: [.escape, .enter])
        ReviewScreen.open(environment: environment(fixture, recorder, terminal: terminal), on: terminal)
        #expect(recorder.answers == [false])
        #expect(!terminal.contains("sager, "))
        #expect(try fixture.leadEvents().isEmpty)
    }
}

/// The hand-written JSON of `review --list --json` is byte for byte what `JSONEncoder` writes.
@Suite struct ReviewListJSONTests {
    @Test func handWrittenLinesEqualTheEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let tricky = ["AB", "Ø/Å \"x\" \\ y", "tab\there\nnew\u{01}\u{08}\u{0C}\r", "", "😀 é"]
        var items: [ReviewList.Item] = []
        for (index, text) in tricky.enumerated() {
            items.append(ReviewList.Item(
                actions: index % 2 == 0 ? ["underretning", text] : [], author: text, child: "150926-****",
                corrections: index, date: "2026-11-0\(index + 1)", days_open: index % 2 == 0 ? nil : index,
                deadlines: index % 2 == 0 ? ["underretning": "2026-11-03", text: "x"] : [:], device: "dev/\(text)",
                id: UUID().uuidString.lowercased(), open: index % 2 == 0, overdue: index == 1, overridden: index == 2,
                status: ["underretning": "open", "b": text], visit: index == 3 ? nil : text))
        }
        let fixture = try ReviewFixture()
        let load = try fixture.environment().load(true) { _ in true }
        for row in ReviewList.rows(load.cases, filter: ReviewFilter(includeClosed: true), form: fixture.form,
                                   today: ReviewFixture.today) {
            items.append(ReviewList.item(row))
            // The list's direct writer gives the item's bytes.
            var direct: [UInt8] = []
            ReviewList.appendJSON(row, author: row.item.author, to: &direct)
            #expect(String(decoding: direct, as: UTF8.self) == ReviewList.item(row).jsonLine())
        }
        #expect(items.count > tricky.count)
        for item in items {
            #expect(item.jsonLine() == String(decoding: try encoder.encode(item), as: UTF8.self))
        }
    }
}

/// A case a correction took the flag from stays among all cases: the lead never loses its trace.
@Suite struct CorrectedAwayTests {
    @Test func aCaseCorrectedToNoActionStaysAmongAllCases() throws {
        let fixture = try ReviewFixture()
        let answers = ReviewFixture.answers(day: 2, cpr: "150926-4123", level: "lavt", exposed: "nej", author: "AB")
        let visit = LocalDate(year: 2026, month: 11, day: 2)!
        let decision = fixture.form.decide(answers, today: visit)
        #expect(!decision.flagged)
        try LogWriter(directory: fixture.directory, device: "lead").append(.correction(CorrectionBody(
            screening: fixture.exposedID, answers: answers, decision: decision, visitDate: visit,
            reason: "Forkert barn valgt")), author: "LE")
        let environment = fixture.environment()
        let open = try environment.load(false) { _ in true }.cases
        #expect(!open.contains { $0.id == fixture.exposedID })
        let all = try environment.load(true) { _ in true }.cases
        let kept = try #require(all.first { $0.id == fixture.exposedID })
        #expect(!kept.flagged && kept.wasFlagged && !kept.isOpen && kept.corrections == 1)
        let rows = ReviewList.rows(all, filter: ReviewFilter(includeClosed: true), form: fixture.form,
                                   today: ReviewFixture.today)
        #expect(rows.contains { $0.item.id == fixture.exposedID })
    }
}

/// The review's cases: one reading, with the lead's changes laid over it.
@Suite struct ReviewCasesTests {
    /// A case read again takes its place, one not in the reading comes last, one that left is gone, and
    /// ids and summaries agree throughout, for a reading from the index as for a list of summaries.
    @Test func changesAreLaidOverTheReading() throws {
        let fixture = try ReviewFixture()
        let read = try fixture.environment().load(true) { _ in true }.cases
        let summaries = Array(read)
        try #require(summaries.count >= 3)
        #expect(read.indices.map { read.id(at: $0) } == summaries.map(\.id))

        var cases = ReviewCases(Array(summaries.dropLast()))
        var changed = summaries[1]
        changed.corrections += 7
        cases.update(changed)
        #expect(cases[1] == changed && cases.count == summaries.count - 1)
        cases.update(summaries[summaries.count - 1])
        #expect(cases.last == summaries.last && cases.count == summaries.count)
        cases.remove(summaries[0].id)
        #expect(cases.map(\.id) == summaries.dropFirst().map(\.id))
        #expect(cases[0] == changed && cases.position(of: summaries[0].id) == nil)
        cases.remove(summaries[summaries.count - 1].id)
        #expect(cases.count == summaries.count - 2 && cases.position(of: summaries[summaries.count - 1].id) == nil)
        #expect(cases.indices.map { cases.id(at: $0) } == cases.map(\.id))

        // The same changes over the reading from the index.
        var fromIndex = read
        fromIndex.update(changed)
        fromIndex.remove(summaries[0].id)
        #expect(Array(fromIndex) == [changed] + summaries.dropFirst(2))
    }
}
