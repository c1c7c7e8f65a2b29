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
