import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog
import Testing

/// `konflikt demo-data`: valid, re-decidable, deterministic, plausible, and never mixed with real logs.
@Suite struct DemoDataTests {
    let forms = Binary.packageRoot.appendingPathComponent("forms").path

    func generate(count: Int, seed: Int, devices: Int = 3) throws -> (root: URL, env: [String: String]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-demo-\(UUID().uuidString)")
        let env = ["KONFLIKT_DATA": root.appendingPathComponent("data").path, "KONFLIKT_FORMS": forms,
                   "KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path]
        let result = try Binary.run(["demo-data", "--count", "\(count)", "--seed", "\(seed)", "--devices", "\(devices)"],
                                    environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(count) screeninger"))
        return (root, env)
    }

    func contents(_ root: URL) throws -> [String: Data] {
        let data = root.appendingPathComponent("data")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: data.path) where name.hasSuffix(".jsonl") {
            files[name] = try Data(contentsOf: data.appendingPathComponent(name))
        }
        return files
    }

    @Test func sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws {
        let first = try generate(count: 300, seed: 7)
        let second = try generate(count: 300, seed: 7)
        let other = try generate(count: 300, seed: 8)
        defer { for run in [first, second, other] { try? FileManager.default.removeItem(at: run.root) } }
        let a = try contents(first.root), b = try contents(second.root), c = try contents(other.root)
        #expect(a.count == 4)                                    // three health visitors and the lead
        #expect(a == b)
        #expect(a != c)
    }

    @Test func demoDataVerifiesAndEveryScreeningReDecidesToItsStoredDecision() throws {
        let run = try generate(count: 2000, seed: 42)
        defer { try? FileManager.default.removeItem(at: run.root) }
        let verify = try Binary.run(["verify"], environment: run.env)
        #expect(verify.status == 0, "\(verify.stdout)")

        let form = try FormLoader.load(url: URL(fileURLWithPath: forms).appendingPathComponent("konfliktscreening.yaml"))
        let today = LocalDate(year: 2026, month: 11, day: 22)!
        let folded = try CaseFolder.fold(directory: DataDirectory(path: run.env["KONFLIKT_DATA"]!),
                                         options: FoldOptions(form: form, today: today))
        #expect(folded.problems.isEmpty && folded.orphans.isEmpty)
        #expect(folded.cases.count == 2000)
        var levels: [String: Int] = [:]
        var reports = 0, overdue = 0, overrides = 0, corrected = 0, closed = 0
        for item in folded.cases {
            let visit = try #require(item.visitDate)
            #expect(visit <= today && visit > today.adding(days: -731))
            #expect(form.validate(item.answers, today: visit).isEmpty, "\(item.answers)")
            #expect(form.decide(item.answers, today: visit) == item.decision)
            #expect(!item.decision.warnings.contains { $0.contains("passer ikke") })   // the child's age fits the visit
            if case .string(let cpr)? = item.answers["barn_cpr"] { #expect(CPRNumber(cpr) != nil) }
            if case .string(let level)? = item.answers["konfliktniveau"] { levels[level, default: 0] += 1 }
            if item.decision.actions.contains("underretning") { reports += 1 }
            if item.isOverdue { overdue += 1 }
            if item.override != nil { overrides += 1 }
            if !item.corrections.isEmpty { corrected += 1 }
            if item.flagged, !item.isOpen { closed += 1 }
        }
        #expect(folded.cases.filter(\.flagged).count > 50)
        #expect((levels["lavt"] ?? 0) > 1400)                   // most families: low conflict
        #expect((levels["hoejt"] ?? 0) > 20 && (levels["hoejt"] ?? 0) < 200)
        #expect(reports > 0 && reports < 200)                    // reports are rare
        #expect(overdue > 0 && overrides > 0 && corrected > 0 && closed > 0)
        // Issue 13: follow-ups use the form's statuses for each action, and an action with steps that
        // leave it open (the course: kontakt givet, startet) has cases that stop at each step.
        var latest: [String: Set<String>] = [:]
        for item in folded.cases {
            for followup in item.followups {
                #expect(form.statuses(ofAction: followup.body.action).contains { $0.id == followup.body.status },
                        "\(followup.body.action): \(followup.body.status)")
            }
            for state in item.actions where state.status.id != nil { latest[state.action, default: []].insert(state.status.key) }
        }
        let withSteps = form.actions.filter { $0.flags && $0.statuses.contains { !$0.closes } }
        #expect(!withSteps.isEmpty)
        for action in withSteps {
            let seen = latest[action.id] ?? []
            for step in action.statuses where !step.closes { #expect(seen.contains(step.id), "\(action.id) never stops at \(step.id)") }
            #expect(action.statuses.contains { $0.closes && seen.contains($0.id) }, "\(action.id) is never closed")
        }
    }

    /// A forms folder with the shipped form and, if given, a demo profile beside it.
    func formsFolder(profile: String?) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-demoforms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: forms).appendingPathComponent("konfliktscreening.yaml"),
                                         to: folder.appendingPathComponent("konfliktscreening.yaml"))
        if let profile {
            try Data(profile.utf8).write(to: folder.appendingPathComponent("konfliktscreening.demo.yaml"))
        }
        return folder
    }

    /// The folded cases of `count` demo screenings made with the forms in `folder`.
    func foldedDemo(count: Int, forms folder: URL) throws -> (cases: [Case], root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-demo-\(UUID().uuidString)")
        let env = ["KONFLIKT_DATA": root.appendingPathComponent("data").path, "KONFLIKT_FORMS": folder.path,
                   "KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_CONFIG": root.appendingPathComponent("config").path,
                   "KONFLIKT_STATE": root.appendingPathComponent("state").path]
        let result = try Binary.run(["demo-data", "--count", "\(count)", "--seed", "5"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let form = try FormLoader.load(url: folder.appendingPathComponent("konfliktscreening.yaml"))
        let folded = try CaseFolder.fold(directory: DataDirectory(path: root.appendingPathComponent("data").path),
                                         options: FoldOptions(form: form, today: LocalDate(year: 2026, month: 11, day: 22)!))
        #expect(folded.problems.isEmpty && folded.orphans.isEmpty)
        return (folded.cases, root)
    }

    /// Issue 14: demo data is driven by the form. Without a profile every question the form asks is
    /// answered evenly over its choices, and every screening is still valid and re-decides the same.
    @Test func aFormWithoutADemoProfileStillGetsValidEvenlySpreadDemoData() throws {
        let folder = try formsFolder(profile: nil)
        let run = try foldedDemo(count: 400, forms: folder)
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: run.root) }
        let form = try FormLoader.load(url: folder.appendingPathComponent("konfliktscreening.yaml"))
        #expect(run.cases.count == 400)
        var levels: [String: Int] = [:]
        for item in run.cases {
            let visit = try #require(item.visitDate)
            #expect(form.validate(item.answers, today: visit).isEmpty, "\(item.answers)")
            #expect(form.decide(item.answers, today: visit) == item.decision)
            if case .string(let level)? = item.answers["konfliktniveau"] { levels[level, default: 0] += 1 }
        }
        // About half are screened (yes/no evenly), and those spread over the four levels.
        let choices = try #require(form.question(id: "konfliktniveau")).choices.map(\.id)
        #expect(Set(levels.keys) == Set(choices), "\(levels)")
        for choice in choices { #expect((levels[choice] ?? 0) > 20, "\(levels)") }
        #expect(!run.cases.contains { $0.override != nil })          // no profile: no overrides
    }

    /// The profile's weights and `when` rules decide the answers.
    @Test func theDemoProfileDecidesHowOftenEachAnswerOccurs() throws {
        let folder = try formsFolder(profile: """
            form: konfliktscreening
            questions:
              screening_gennemfoert:
                - weights: {ja: 1}
              konfliktniveau:
                - weights: {hoejt: 1, middel: 0}
              alene_med_foraelder:
                - weights: {ja: 1}
              vold_mellem_foraeldre:
                - when: konfliktniveau == "lavt"
                  weights: {ja: 1}
                - weights: {nej: 1}
              interesse_gruppeforloeb:
                - weights: {begge: 1}
            corrections: {per_cent: 0}
            """)
        let run = try foldedDemo(count: 200, forms: folder)
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: run.root) }
        #expect(run.cases.count == 200)
        for item in run.cases {
            #expect(item.answers["konfliktniveau"] == .string("hoejt"))
            #expect(item.answers["vold_mellem_foraeldre"] == .string("nej"))
            #expect(item.corrections.isEmpty)
        }
    }

    /// A profile that names a choice, question or action the form does not have is refused with a
    /// Danish message naming the file, exit 65, and nothing is written.
    @Test func aDemoProfileThatDoesNotFitTheFormIsRefusedBeforeAnythingIsWritten() throws {
        let cases: [(profile: String, says: String)] = [
            ("form: konfliktscreening\nquestions:\n  konfliktniveau:\n    - weights: {meget_hoejt: 1}\n", "meget_hoejt"),
            ("form: konfliktscreening\nquestions:\n  ukendt_spoergsmaal:\n    - weights: {ja: 1}\n", "ukendt_spoergsmaal"),
            ("form: konfliktscreening\nquestions: {}\noverrides: {per_cent: 2, flagged: [ringe_til_politiet], other: [ingen]}\n",
             "ringe_til_politiet"),
            ("form: konfliktscreening\nquestions:\n  konfliktniveau:\n    - when: vold_mellem_foraeldre == \"ja\"\n      weights: {lavt: 1}\n",
             "konfliktniveau"),
            ("form: en_anden_formular\nquestions: {}\n", "konfliktscreening"),
            ("form: [konfliktscreening\n", "YAML"),
        ]
        for (profile, says) in cases {
            let folder = try formsFolder(profile: profile)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-demo-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: root) }
            let result = try Binary.run(["demo-data", "--count", "10"], environment: [
                "KONFLIKT_DATA": root.appendingPathComponent("data").path, "KONFLIKT_FORMS": folder.path,
                "KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_CONFIG": root.appendingPathComponent("config").path,
                "KONFLIKT_STATE": root.appendingPathComponent("state").path])
            #expect(result.status == 65, "\(profile): \(result.stderr)")
            #expect(result.stderr.contains("Demoprofilen") && result.stderr.contains(says), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("data").path))
        }
    }

    /// `konflikt check` warns about a demo profile that does not fit, without refusing the form.
    @Test func checkWarnsAboutADemoProfileThatDoesNotFitButKeepsTheForm() throws {
        let folder = try formsFolder(profile: "form: konfliktscreening\nquestions:\n  konfliktniveau:\n    - weights: {meget_hoejt: 1}\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Binary.run(["check", "--forms", folder.path], environment: [:])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("advarsel: Demoprofilen") && result.stdout.contains("meget_hoejt"), "\(result.stdout)")
        #expect(result.stdout.contains("OK: "))
    }

    @Test func refusesADataDirectoryThatAlreadyHoldsLogs() throws {
        let run = try generate(count: 10, seed: 1)
        defer { try? FileManager.default.removeItem(at: run.root) }
        let before = try contents(run.root)
        let again = try Binary.run(["demo-data", "--count", "10"], environment: run.env)
        #expect(again.status == 65)
        #expect(again.stderr.contains("indeholder allerede logfiler"))
        #expect(try contents(run.root) == before)
    }
}
