import Testing
@testable import KonfliktCore

@Suite struct ExpressionTests {
    let fields: [String: ExpressionField] = [
        "niveau": ExpressionField(kind: .choice, choices: ["lavt", "middel", "hoejt"]),
        "vold": ExpressionField(kind: .yesno),
        "hvem": ExpressionField(kind: .multichoice, choices: ["mor", "far"]),
        "antal": ExpressionField(kind: .number),
        "dato": ExpressionField(kind: .date),
        "note": ExpressionField(kind: .text),
    ]
    let today = LocalDate(iso: "2026-11-22")!

    func holds(_ source: String, _ answers: Answers) throws -> Bool {
        let (expression, problems) = ExpressionParser.parse(source, fields: fields)
        #expect(problems.isEmpty, "\(problems)")
        return try #require(expression).holds(for: answers, today: today)
    }

    func problems(_ source: String) -> [ExpressionProblem] { ExpressionParser.parse(source, fields: fields).problems }

    @Test func comparisonsAndLogic() throws {
        let a: Answers = ["niveau": .string("hoejt"), "vold": .bool(false), "antal": .number(3),
                          "hvem": .strings(["mor"]), "dato": .string("2026-11-20")]
        #expect(try holds(#"niveau == "hoejt""#, a))
        #expect(try !holds(#"niveau != "hoejt""#, a))
        #expect(try holds(#"niveau in ["middel", "hoejt"]"#, a))
        #expect(try holds(#"not (vold == true) and antal >= 3 and antal < 4"#, a))
        #expect(try holds(#"vold or antal > 2"#, a))
        #expect(try !holds("vold", a))
        #expect(try holds(#"contains(hvem, "mor") and not contains(hvem, "far")"#, a))
        #expect(try holds("dato <= today", a))
        #expect(try holds(#"dato < "2026-11-21""#, a))
        #expect(try holds("answered(antal) and not answered(note)", a))
        #expect(try holds(#"niveau == "lavt" or niveau == "hoejt" and antal == 3"#, a)) // and binds tighter
    }

    @Test func absentAnswersMakeEveryComparisonFalse() throws {
        let empty: Answers = [:]
        #expect(try !holds(#"niveau == "hoejt""#, empty))
        #expect(try !holds(#"niveau != "hoejt""#, empty))
        #expect(try !holds(#"niveau in ["lavt"]"#, empty))
        #expect(try !holds("antal < 5", empty))
        #expect(try !holds(#"contains(hvem, "mor")"#, empty))
        #expect(try !holds("answered(niveau)", empty))
        #expect(try holds(#"not (niveau == "hoejt")"#, empty))
    }

    @Test func syntaxErrorsPointAtTheirOffset() {
        #expect(problems(#"niveau = "hoejt""#).first?.offset == 7)
        #expect(problems(#"niveau == "hoejt"#).first?.message.contains("afsluttende") == true)
        #expect(problems(#"niveau == "hoejt" and"#).first?.offset == 21)
        #expect(problems(#"(niveau == "hoejt""#).first?.message.contains("')'") == true)
        #expect(problems("niveau == # ").first?.offset == 10)
        #expect(problems(#"niveau == "hoejt" vold"#).first?.offset == 18)
    }

    @Test func typeErrors() {
        #expect(problems(#"ukendt == "x""#).first == ExpressionProblem(offset: 0, message: "Ukendt felt 'ukendt'."))
        #expect(problems(#"niveau == "hoej""#).first?.offset == 10)
        #expect(problems(#"niveau == "hoej""#).first?.message.contains("ikke et af valgene") == true)
        #expect(problems("antal == true").first?.message.contains("Kan ikke sammenligne") == true)
        #expect(problems(#"niveau < "hoejt""#).first?.message.contains("tal eller datoer") == true)
        #expect(problems(#"contains(niveau, "lavt")"#).first?.message.contains("flervalgsfelt") == true)
        #expect(problems(#"contains(hvem, "barn")"#).first?.offset == 15)
        #expect(problems("niveau").first?.message.contains("ja/nej") == true)
        #expect(problems(#"antal in ["1"]"#).first?.message.contains("'in'") == true)
        #expect(problems(#""a" == "a""#).first?.message.contains("mindst ét felt") == true)
        #expect(problems(#"ukendt == 1 and andet == 2"#).count == 2)
    }
}
