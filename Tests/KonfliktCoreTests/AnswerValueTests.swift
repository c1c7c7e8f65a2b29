import Foundation
import Testing
@testable import KonfliktCore

@Suite struct AnswerValueTests {
    @Test func decodesEveryAnswerShape() throws {
        let json = #"{"a": "hoejt", "b": ["mor", "far"], "c": true, "d": 3, "e": 2.5}"#
        let answers = try JSONDecoder().decode(Answers.self, from: Data(json.utf8))
        #expect(answers["a"] == .string("hoejt"))
        #expect(answers["b"] == .strings(["mor", "far"]))
        #expect(answers["c"] == .bool(true))
        #expect(answers["d"] == .number(3))
        #expect(answers["e"] == .number(2.5))
    }

    @Test func encodesWholeNumbersWithoutFraction() throws {
        let data = try JSONEncoder().encode(AnswerValue.number(3))
        #expect(String(decoding: data, as: UTF8.self) == "3")
    }

    @Test func rejectsObjects() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AnswerValue.self, from: Data(#"{"x": 1}"#.utf8))
        }
    }
}
