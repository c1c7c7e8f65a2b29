import Foundation
import Testing
@testable import KonfliktCore

/// Issue 16: input that is too deep, too long, ambiguous or not what it claims to be is refused with a
/// clear message, never a crash.
@Suite struct HostileInputTests {
    let fields: [String: ExpressionField] = [
        "niveau": ExpressionField(kind: .choice, choices: ["lavt", "middel", "hoejt"]),
        "vold": ExpressionField(kind: .yesno),
    ]

    // MARK: Item 8: deep and long expressions

    @Test func deepParenthesesAreRefusedNotACrash() {
        let source = String(repeating: "(", count: 20_000) + "vold" + String(repeating: ")", count: 20_000)
        let problems = ExpressionParser.parse(source, fields: fields).problems
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("for langt") == true)
        // Within the length limit but beyond the depth limit: the offset names the first paren too deep.
        let deep = String(repeating: "(", count: 100) + "vold" + String(repeating: ")", count: 100)
        let found = ExpressionParser.parse(deep, fields: fields).problems
        #expect(found.first?.message.contains("for dybt") == true)
        #expect(found.first?.offset == ExpressionParser.maximumDepth)
    }

    @Test func manyNotsAreRefused() {
        let source = String(repeating: "not ", count: 30_000) + "vold"
        #expect(ExpressionParser.parse(source, fields: fields).problems.first?.message.contains("for langt") == true)
        let shorter = String(repeating: "not ", count: 500) + "vold"
        #expect(ExpressionParser.parse(shorter, fields: fields).problems.first?.message.contains("for dybt") == true)
        let fine = String(repeating: "not ", count: 10) + "vold"
        #expect(ExpressionParser.parse(fine, fields: fields).problems.isEmpty)
    }

    @Test func longOrChainsParseWithoutRecursionPerTerm() throws {
        // 40,000 terms is past the length limit; the longest chain within it parses and evaluates.
        let huge = Array(repeating: "vold", count: 40_000).joined(separator: " or ")
        #expect(ExpressionParser.parse(huge, fields: fields).problems.first?.message.contains("for langt") == true)
        let chain = Array(repeating: #"niveau == "lavt""#, count: 190).joined(separator: " or ") + " or vold"
        #expect(chain.count <= ExpressionParser.maximumLength)
        let expression = try #require(ExpressionParser.parse(chain, fields: fields).expression)
        #expect(expression.holds(for: ["vold": .bool(true)], today: LocalDate(iso: "2026-11-22")!))
        #expect(!expression.holds(for: ["niveau": .string("hoejt")], today: LocalDate(iso: "2026-11-22")!))
        let andChain = Array(repeating: "vold", count: 440).joined(separator: " and ")
        #expect(ExpressionParser.parse(andChain, fields: fields).problems.isEmpty)
    }

    @Test func deepWhenInAFormIsAProblemWithLineAndColumn() throws {
        let deep = String(repeating: "(", count: 50) + "vold == true" + String(repeating: ")", count: 50)
        let text = Fixtures.miniForm.replacingOccurrences(of: "when: vold == true", with: "when: \(deep)")
        let problems = try Fixtures.problems(text)
        #expect(problems.count == 1)
        // The rule's `when` is on line 52, its value starts at column 11; the 33rd paren is too deep.
        #expect(problems.first?.hasPrefix("52:\(11 + ExpressionParser.maximumDepth):") == true, "\(problems)")
        #expect(problems.first?.contains("for dybt") == true)
    }

    // MARK: Item 10: duplicate keys; item 9: size

    @Test func duplicateKeysInAnswersAreRefused() {
        let json = #"{"form":"konfliktscreening","answers":{"konfliktniveau":"lavt","konfliktniveau":"hoejt"}}"#
        #expect(throws: InputError.self) { try ScreeningInput.parse(Data(json.utf8)) }
        do {
            _ = try ScreeningInput.parse(Data(json.utf8))
        } catch {
            #expect(error.danishDescription.contains("'konfliktniveau' står to gange"))
            #expect(error.exitCode == 65)
        }
        // The same key spelled with an escape is the same key.
        let escaped = #"{"answers":{"a":"x","\u0061":"y"}}"#
        #expect(JSONShape.problem(in: Data(escaped.utf8)) == .duplicateKey("a"))
        // The same key in different objects, and a key-like string as a value, are fine.
        let fine = #"{"form":"f","answers":{"form":"x","b":["form","form"],"c":"answers"}}"#
        #expect(JSONShape.problem(in: Data(fine.utf8)) == nil)
        let top = #"{"form":"a","form":"b","answers":{}}"#
        #expect(JSONShape.problem(in: Data(top.utf8)) == .duplicateKey("form"))
    }

    @Test func deepAndHugeAnswersAreRefused() {
        let deep = #"{"answers":{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}"
        #expect(throws: InputError.self) { try ScreeningInput.parse(Data(deep.utf8)) }
        let huge = Data(count: InputLimits.answersBytes + 1)
        do {
            _ = try ScreeningInput.parse(huge)
            Issue.record("accepted")
        } catch {
            if case .tooLarge = error {} else { Issue.record("\(error)") }
        }
    }

    @Test func longTextAnswerIsAProblem() throws {
        let form = try Fixtures.defaultForm()
        let long = String(repeating: "æ", count: InputLimits.textAnswerCharacters + 1)
        let problems = form.validate(Fixtures.answers(["note": .string(long)]), today: Fixtures.today)
        #expect(problems.map(\.questionID) == ["note"])
        #expect(problems.first?.message.contains("for langt") == true)
        let fits = String(repeating: "æ", count: InputLimits.textAnswerCharacters)
        #expect(form.validate(Fixtures.answers(["note": .string(fits)]), today: Fixtures.today).isEmpty)
    }

    // MARK: Item 11: initials

    @Test(arguments: ["AB", "ØJ", "KÅRE", "ÆØÅ"]) func validInitials(_ text: String) {
        #expect(Initials.isValid(text))
    }

    @Test(arguments: ["A", "ABCDE", "ab", "150926-4123", "1509264123", "A B", "?", "", "AB1", "É"])
    func invalidInitials(_ text: String) {
        #expect(!Initials.isValid(text))
    }

    @Test func initialsAreNormalised() {
        #expect(Initials.normalized(" ab ") == "AB")
        #expect(Initials.normalized("a\u{030A}b") == "ÅB")      // decomposed å
        #expect(Initials.normalized("150926 4123") == nil)
    }

    @Test func theInitialsAnswerIsChecked() throws {
        let form = try Fixtures.defaultForm()
        for bad in ["150926-4123", "x", "abc"] {
            let problems = form.validate(Fixtures.answers(["sundhedsplejerske": .string(bad)]), today: Fixtures.today)
            #expect(problems.map(\.questionID) == ["sundhedsplejerske"], "\(bad)")
            #expect(problems.first?.message == Initials.problem)
            #expect(problems.first?.description.contains("150926") == false)
        }
        #expect(form.validate(Fixtures.answers(["sundhedsplejerske": .string("ÅS")]), today: Fixtures.today).isEmpty)
    }

    // MARK: Item 12: null where text belongs

    @Test(arguments: [("text: Niveau?", "text: null"), ("title: Mini", "title: ~"), ("  - id: s1", "  - id: null"),
                      ("reason: Fordi.", "reason: NULL"), ("instruction: Intet.", "instruction: ~")])
    func nullWhereTextBelongsIsAFormError(_ change: (String, String)) throws {
        let text = Fixtures.miniForm.replacingOccurrences(of: change.0, with: change.1)
        #expect(text != Fixtures.miniForm)
        let problems = try Fixtures.problems(text)
        #expect(!problems.isEmpty, "\(change.1) passed")
        #expect(problems.contains { $0.contains("mangler en tekst") }, "\(problems)")
    }

    @Test func quotedNullIsText() throws {
        let text = Fixtures.miniForm.replacingOccurrences(of: "text: Niveau?", with: #"text: "null""#)
        #expect(try Fixtures.problems(text) == [])
    }
}

extension HostileInputTests {
    /// A FIFO or a huge file among the forms is refused without blocking or reading it all.
    @Test func aFIFOOrAHugeFormFileIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("x.yaml")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(throws: FormLoadError.self) { try FormLoader.load(url: fifo) }
        unlink(fifo.path)
        let huge = dir.appendingPathComponent("y.yaml")
        try Data(count: FormLoader.maximumFileBytes + 1).write(to: huge)
        do {
            _ = try FormLoader.load(url: huge)
            Issue.record("a huge file loaded")
        } catch {
            #expect(error.danishDescription.contains("for stor"))
            #expect(error.exitCode == 65)
        }
    }
}
