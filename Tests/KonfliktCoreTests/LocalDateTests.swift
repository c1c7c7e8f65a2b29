import Foundation
import Testing
@testable import KonfliktCore

@Suite struct LocalDateTests {
    @Test func parsesAndRejects() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "2026-1-01") == nil)
        // Only ten ASCII bytes `YYYY-MM-DD` are a date: no signs, spaces, other digits or combining marks.
        for text in ["2026-01-1", "2026-01-011", "+026-01-01", "2026-01- 1", "2026/01/01", "2026-01-0\u{301}1",
                     "２０２６-01-01", "2026-01-0١", "0000-01-01", "2026-00-01", "2026-01-00", "2026-01-32", ""] {
            #expect(LocalDate(iso: text) == nil, "\(text)")
        }
        #expect(LocalDate(iso: "0001-01-01") == LocalDate(year: 1, month: 1, day: 1))
        #expect(LocalDate(iso: "9999-12-31") == LocalDate(year: 9999, month: 12, day: 31))
        #expect(LocalDate(danish: "20-11-2026") == LocalDate(iso: "2026-11-20"))
        #expect(LocalDate(danish: "31-04-2026") == nil)
    }

    /// The byte parse accepts exactly what the former Character-based parse accepted.
    @Test func isoAgreesWithTheCharacterBasedParse() {
        func reference(_ iso: String) -> LocalDate? {
            let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }
        let pieces = ["0", "1", "2", "9", "-", "\u{301}", "١", "２", " ", "+", "\r\n"]
        var state: UInt64 = 1
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var valid = 0
        for _ in 0..<20_000 {
            // A real date, or one with days up to 39 and months up to 19, then up to two pieces changed.
            var characters = Array(String(format: "%04d-%02d-%02d", next(10_000), next(20), next(40)))
            for _ in 0..<next(3) {
                let position = next(characters.count)
                switch next(3) {
                case 0: characters[position] = Character(pieces[next(pieces.count)])
                case 1: characters.insert(Character(pieces[next(pieces.count)]), at: position)
                default: characters.remove(at: position)
                }
            }
            let text = String(characters)
            #expect(LocalDate(iso: text) == reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            if reference(text) != nil { valid += 1 }
        }
        #expect(valid > 200)
    }

    @Test func dayArithmeticRoundTrips() throws {
        let start = try #require(LocalDate(iso: "1858-01-01"))
        var date = start
        for _ in 0..<70_000 {
            #expect(LocalDate(dayNumber: date.dayNumber) == date)
            // The hand-written digits are what the format string gives, in both orders.
            #expect(date.iso == String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
            #expect(date.danish == String(format: "%02d-%02d-%04d", date.day, date.month, date.year))
            date = date.adding(days: 1)
        }
        #expect(LocalDate(iso: "1970-01-01")?.dayNumber == 0)
        #expect(LocalDate(iso: "2024-02-28")?.adding(days: 1) == LocalDate(iso: "2024-02-29"))
        #expect(LocalDate(iso: "2023-12-31")?.days(until: LocalDate(iso: "2024-01-01")!) == 1)
    }

    @Test func encodesAsISOString() throws {
        let date = try #require(LocalDate(iso: "2026-11-20"))
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-11-20"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [date])
    }
}
