import Testing
@testable import KonfliktCore

@Suite struct CPRNumberTests {
    @Test(arguments: [
        // (cpr, expected birth date): the 7th digit and two-digit year decide the century.
        ("010190-0123", "1990-01-01"), ("010190-3123", "1990-01-01"),
        ("010136-4123", "2036-01-01"), ("010137-4123", "1937-01-01"),
        ("010136-9123", "2036-01-01"), ("010137-9123", "1937-01-01"),
        ("010157-5123", "2057-01-01"), ("010158-5123", "1858-01-01"),
        ("010157-8123", "2057-01-01"), ("010199-8123", "1899-01-01"),
        ("150926-4123", "2026-09-15"), ("1509264123", "2026-09-15"),
    ])
    func centuryRule(cpr: String, birth: String) throws {
        let parsed = try #require(CPRNumber(cpr))
        #expect(parsed.birthDate == LocalDate(iso: birth))
        #expect(parsed.normalized.count == 11)
    }

    @Test func leapDays() {
        #expect(CPRNumber("290224-4123") != nil)   // 2024 is a leap year
        #expect(CPRNumber("290200-4123") != nil)   // 2000 is a leap year
        #expect(CPRNumber("290223-4123") == nil)   // 2023 is not
        #expect(CPRNumber("290200-5123") != nil)   // 2000 again, via digit 5
        #expect(CPRNumber("290200-0123") == nil)   // 1900 is not a leap year
    }

    @Test func invalidDatesAndFormats() {
        for bad in ["320126-4123", "001226-4123", "011326-4123", "310426-4123", "15092-64123", "150926 4123",
                    "15092641234", "150926-412", "abcdef-ghij", "", "150926--4123", "1509-264123"] {
            #expect(CPRNumber(bad) == nil, "\(bad) should be refused")
        }
        if case .failure(let e) = CPRNumber.parse("320126-4123") { #expect(e.problem == .date) } else { Issue.record("accepted") }
        if case .failure(let e) = CPRNumber.parse("12345") { #expect(e.problem == .format) } else { Issue.record("accepted") }
    }

    @Test func numbersFailingModulus11AreAccepted() throws {
        // 0101901234 does not satisfy the weights 4,3,2,7,6,5,4,3,2,1 (sum % 11 != 0).
        let digits = Array("0101901234").compactMap(\.wholeNumberValue)
        let weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
        #expect(zip(digits, weights).map(*).reduce(0, +) % 11 != 0)
        #expect(CPRNumber("010190-1234") != nil)
    }

    @Test func maskingHidesTheSerial() throws {
        let cpr = try #require(CPRNumber("1509264123"))
        #expect(cpr.masked == "150926-****")
        #expect(cpr.normalized == "150926-4123")
        #expect(!CPRNumber.Problem.format.danish.contains("4123"))
    }
}
