import Foundation
import Testing
@testable import KonfliktCore

@Suite struct LocalDateTests {
    @Test func parsesAndRejects() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "2026-1-01") == nil)
        #expect(LocalDate(danish: "20-11-2026") == LocalDate(iso: "2026-11-20"))
        #expect(LocalDate(danish: "31-04-2026") == nil)
    }

    @Test func dayArithmeticRoundTrips() throws {
        let start = try #require(LocalDate(iso: "1858-01-01"))
        var date = start
        for _ in 0..<70_000 {
            #expect(LocalDate(dayNumber: date.dayNumber) == date)
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
