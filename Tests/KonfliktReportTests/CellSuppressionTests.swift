import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
@testable import KonfliktReport

/// Small-cell suppression: by hand, and as a property over random data sets.
@Suite struct CellSuppressionTests {
    typealias F = ReportFixtures
    let d = { (text: String) in LocalDate(iso: text)! }

    func shown(_ s: SuppressedTable, _ period: String, _ visit: String, _ column: String) -> Int?? {
        guard let c = s.table.layout.columns.firstIndex(where: { $0.id == column }),
              let r = s.table.rows.firstIndex(where: { $0.period == period && $0.visit == visit }) else { return .none }
        return .some(s.shown(row: r, column: c))
    }

    @Test func smallCountsAreHiddenAndTheirPartnersToo() throws {
        let form = try F.form()
        var events: [LogEvent] = []
        for n in 0..<7 { events.append(F.event(F.id(n), F.timestamp(day: 60), F.screening(form, F.answers(date: d("2026-03-10"))))) }
        events.append(F.event(F.id(100), F.timestamp(day: 60),
                              F.screening(form, F.answers(visit: "8mdr", date: d("2026-03-10"), level: "middel", violence: "nej"))))
        let s = CellSuppression.apply(to: F.table(form, events), minCell: 5)
        // 8mdr has 1 screening: hidden; 2mdr (7) is hidden too, else 8 − 7 would give it away.
        #expect(shown(s, "2026K1", "8mdr", "screeninger") == .some(nil))
        #expect(shown(s, "2026K1", "2mdr", "screeninger") == .some(nil))
        #expect(shown(s, "2026K1", "i alt", "screeninger") == .some(8))
        // Zeros are shown when nothing needs them hidden.
        #expect(shown(s, "2026K1", "2mdr", "vold_mellem_foraeldre.ja") == .some(0))
        // The 8mdr row: middel (1) is hidden; the row's screenings are hidden as well, so the group
        // (choices + screenings) has two hidden cells and no zero needs to be hidden.
        #expect(shown(s, "2026K1", "8mdr", "konfliktniveau.middel") == .some(nil))
        #expect(shown(s, "2026K1", "8mdr", "konfliktniveau.hoejt") == .some(0))
        let csv = String(decoding: ExportDocument(table: s, created: Date(timeIntervalSince1970: 0)).csv(), as: UTF8.self)
        // Since form version 2 the level is asked only at screened visits, so its choices no longer add
        // up to the screenings: the zero "lavt" is hidden as the group's second cell.
        #expect(csv.contains("2026K1;8mdr;<5;<5;<5;<5;0;0;"))
    }

    @Test func theSmallestNonZeroCellIsHiddenSecond() throws {
        let form = try F.form()
        var events: [LogEvent] = []
        var n = 0
        func add(_ count: Int, _ answers: Answers) {
            for _ in 0..<count { events.append(F.event(F.id(n), F.timestamp(day: 60), F.screening(form, answers))); n += 1 }
        }
        add(20, F.answers(date: d("2026-03-10")))
        add(9, F.answers(date: d("2026-03-10"), level: "middel", violence: "nej"))
        add(6, F.answers(date: d("2026-03-10"), level: "hoejt", violence: "nej", interest: "nej"))
        add(2, F.answers(date: d("2026-03-10"), level: "vil_ikke_svare", violence: "nej"))
        add(30, F.answers(visit: "8mdr", date: d("2026-03-10")))
        add(9, F.answers(visit: "8mdr", date: d("2026-03-10"), level: "middel", violence: "nej"))
        add(6, F.answers(visit: "8mdr", date: d("2026-03-10"), level: "hoejt", violence: "nej", interest: "nej"))
        add(5, F.answers(visit: "8mdr", date: d("2026-03-10"), level: "vil_ikke_svare", violence: "nej"))
        let s = CellSuppression.apply(to: F.table(form, events), minCell: 5)
        // 2mdr: vil_ikke_svare 2 is hidden, then hoejt (6, the smallest other) in the row; in the
        // column, the 8mdr hoejt (6) and vil_ikke_svare (5) hide next, and the 8mdr row then has two.
        #expect(shown(s, "2026K1", "2mdr", "konfliktniveau.vil_ikke_svare") == .some(nil))
        #expect(shown(s, "2026K1", "2mdr", "konfliktniveau.hoejt") == .some(nil))
        #expect(shown(s, "2026K1", "2mdr", "konfliktniveau.middel") == .some(9))
        #expect(shown(s, "2026K1", "8mdr", "konfliktniveau.vil_ikke_svare") == .some(nil))
        #expect(shown(s, "2026K1", "8mdr", "konfliktniveau.hoejt") == .some(nil))
        #expect(shown(s, "2026K1", "8mdr", "konfliktniveau.lavt") == .some(30))
        #expect(shown(s, "2026K1", "i alt", "konfliktniveau.hoejt") == .some(12))
        #expect(shown(s, "2026K1", "i alt", "konfliktniveau.vil_ikke_svare") == .some(7))
    }

    /// Random data sets (seeded): nothing identifying, every small count hidden, and no hidden cell
    /// can be worked out by subtraction within any protected group.
    @Test func randomDataSetsNeverRevealAFamily() throws {
        let form = try F.form()
        var rng = SeededGenerator(seed: 0x6B6F_6E66_6C69_6B74)
        let cprPattern = try Regex(#"\d{6}-?\d{4}"#)
        let dayPattern = try Regex(#"\d{4}-\d{2}-\d{2}"#)
        let monthPattern = try Regex(#"\d{4}M\d{2}"#)
        let quarterPattern = try Regex(#"\d{4}K\d"#)
        let uuidPattern = try Regex(#"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"#)
        let authorPattern = try Regex(#"ZQ\d{3}X"#)
        let freeText = ["Hemmelig note", "Opfølgningsnote", "Mor fortalte", "Begrundelse", "Forkert tastet", "Sendt til", "dev1"]
        let created = Date(timeIntervalSince1970: 1_775_037_600) // 2026-04-01T10:00:00Z
        var hiddenSeen = 0, secondarySeen = 0
        for round in 0..<120 {
            var events: [LogEvent] = []
            var screenings: [(UUID, Answers)] = []
            let size = Int.random(in: 0...80, using: &rng)
            var n = round * 10_000
            func next() -> UUID { n += 1; return F.id(n) }
            func randomAnswers() -> Answers {
                let day = LocalDate(dayNumber: LocalDate(year: 2025, month: 1, day: 1)!.dayNumber + Int.random(in: 0..<1000, using: &rng))
                let level = ["lavt", "lavt", "middel", "hoejt", "vil_ikke_svare"].randomElement(using: &rng)!
                let violence = level == "lavt" ? nil : ["nej", "nej", "ja", "ved_ikke"].randomElement(using: &rng)!
                let interest = (level == "hoejt" || violence == "ja") ? ["begge", "en", "nej", "betaenkningstid"].randomElement(using: &rng)! : nil
                let cpr = String(format: "%02d%02d%02d-%04d", Int.random(in: 1...28, using: &rng), Int.random(in: 1...12, using: &rng),
                                 Int.random(in: 0...99, using: &rng), Int.random(in: 0...9999, using: &rng))
                let note = "Hemmelig note \(UInt32.random(in: 0...UInt32.max, using: &rng)) om familien"
                return F.answers(visit: Int.random(in: 0..<20, using: &rng) == 0 ? nil : ["2mdr", "8mdr"].randomElement(using: &rng)!,
                                 date: Int.random(in: 0..<25, using: &rng) == 0 ? nil : day, level: level, violence: violence,
                                 interest: interest, consent: interest == "begge" ? Bool.random(using: &rng) : nil,
                                 informed: Int.random(in: 0..<6, using: &rng) != 0, note: note, cpr: cpr)
            }
            for _ in 0..<size {
                let id = next()
                let answers = randomAnswers()
                let author = "ZQ\(Int.random(in: 100...999, using: &rng))X"
                let override = Int.random(in: 0..<8, using: &rng) == 0 ? Override(actions: ["underretning"], reason: "Begrundelse \(n)") : nil
                events.append(F.event(id, F.timestamp(day: Int.random(in: -400...700, using: &rng)), F.screening(form, answers, override: override), author: author))
                screenings.append((id, answers))
            }
            for (id, _) in screenings where Int.random(in: 0..<4, using: &rng) == 0 {
                events.append(F.event(next(), F.timestamp(day: Int.random(in: -400...700, using: &rng)), F.correction(form, of: id, randomAnswers())))
            }
            for (id, _) in screenings where Int.random(in: 0..<3, using: &rng) == 0 {
                let note = "Opfølgningsnote \(UInt32.random(in: 0...UInt32.max, using: &rng))"
                events.append(F.event(next(), F.timestamp(day: Int.random(in: -400...700, using: &rng)),
                                      F.followup(of: id, action: ["underretning", "gruppeforloeb"].randomElement(using: &rng)!,
                                                 status: FollowupStatus.allCases.randomElement(using: &rng)!,
                                                 date: LocalDate(year: 2026, month: Int.random(in: 1...12, using: &rng), day: 1)!, note: note)))
            }
            events.shuffle(using: &rng)
            let granularity = PeriodGranularity.allCases.randomElement(using: &rng)!
            let minCell = [2, 3, 5, 5, 10].randomElement(using: &rng)!
            let table = F.table(form, events, options: ReportOptions(granularity: granularity))
            let suppressed = CellSuppression.apply(to: table, minCell: minCell)
            let document = ExportDocument(table: suppressed, created: created)
            let csv = String(decoding: document.csv(), as: UTF8.self)
            let json = String(decoding: document.json(), as: UTF8.self)

            // Nothing identifying: the fingerprint (a hash) and the creation time are the only
            // long digit runs allowed, so they are taken out before looking.
            for output in [csv, json] {
                let text = output.replacingOccurrences(of: table.dataFingerprint, with: "")
                    .replacingOccurrences(of: "2026-04-01T10:00:00Z", with: "")
                #expect(text.firstMatch(of: cprPattern) == nil, "round \(round)")
                #expect(text.firstMatch(of: dayPattern) == nil, "round \(round)")
                if granularity != .month { #expect(text.firstMatch(of: monthPattern) == nil) }
                if granularity == .year { #expect(text.firstMatch(of: quarterPattern) == nil) }
                #expect(text.firstMatch(of: uuidPattern) == nil, "round \(round)")
                #expect(text.firstMatch(of: authorPattern) == nil, "round \(round)")
                for secret in freeText { #expect(!text.contains(secret), "round \(round): \(secret)") }
            }

            // Every shown count is 0 or at least the threshold, and every small count is hidden.
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let rows = try #require(parsed["rows"] as? [[String: Any]])
            let columnIDs = try #require((parsed["columns"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            #expect(rows.count == table.rows.count)
            var cells: [[Int?]] = []
            for (r, row) in rows.enumerated() {
                let values = try #require(row["values"] as? [String: Any])
                let hiddenIDs = Set(try #require(row["suppressed"] as? [String]))
                var line: [Int?] = []
                for (c, id) in columnIDs.enumerated() {
                    let truth = table.rows[r].values[c]
                    if let value = values[id] as? Int {
                        #expect(value == truth)
                        #expect(value == 0 || value >= minCell, "round \(round)")
                        #expect(!hiddenIDs.contains(id))
                        line.append(value)
                    } else {
                        #expect(values[id] is NSNull)
                        #expect(hiddenIDs.contains(id))
                        hiddenSeen += 1
                        if truth == 0 || truth >= minCell { secondarySeen += 1 }
                        line.append(nil)
                    }
                }
                cells.append(line)
            }
            // The CSV shows the same cells.
            let tableLines = csv.components(separatedBy: "\r\n\r\n")[1].components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            #expect(tableLines.count == rows.count)
            for (r, line) in tableLines.enumerated() {
                let fields = line.split(separator: ";", omittingEmptySubsequences: false).dropFirst(2)
                #expect(fields.map(String.init) == cells[r].map { $0.map(String.init) ?? "<\(minCell)" })
            }

            // No hidden cell can be worked out by subtraction in any protected group.
            let column = { (id: String) in columnIDs.firstIndex(of: id)! }
            var groups: [[(Int, Int)]] = [] // members; a group's total is a member when it is shown in the table
            var periodRows: [Int] = []
            for (r, row) in rows.enumerated() {
                if (row["visit"] as? String) == "i alt" {
                    for c in columnIDs.indices { groups.append(periodRows.map { ($0, c) } + [(r, c)]) }
                    periodRows = []
                } else {
                    periodRows.append(r)
                }
            }
            for question in form.questions where question.report && question.id != "besoeg" && question.id != "informeret" {
                let values: [String]
                switch question.kind {
                case .choice: values = question.choices.map(\.id)
                case .yesno: values = ["ja", "nej"]
                default: continue
                }
                for r in rows.indices {
                    var members = values.map { (r, column("\(question.id).\($0)")) }
                    if question.required && question.when == nil { members.append((r, column("screeninger"))) }
                    groups.append(members)
                }
            }
            for members in groups {
                let hidden = members.filter { cells[$0.0][$0.1] == nil }.count
                #expect(hidden != 1, "round \(round): one hidden cell in a group could be worked out")
            }
        }
        // The data sets did exercise both kinds of hiding.
        #expect(hiddenSeen > 100)
        #expect(secondarySeen > 20)
    }
}
