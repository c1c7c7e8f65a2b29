import Foundation

/// A calendar date without a time of day (visit dates, follow-up dates, deadlines), written as
/// `YYYY-MM-DD` in JSON. Days are counted in the proleptic Gregorian calendar, so arithmetic needs
/// no time zone; only `today(in:)` looks at the clock.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, e.g. 2026.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Creates a date, or nil when the day does not exist (e.g. 29 February in a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ASCII digits); nil for anything else, including dates that do not exist.
    /// Reads the UTF-8 bytes directly: it is called for every visit date when a big log is folded.
    public init?(iso: String) {
        guard iso.utf8.count == 10 else { return nil }
        var year = 0, month = 0, day = 0
        for (position, byte) in iso.utf8.enumerated() {
            if position == 4 || position == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch position {
            case ..<4: year = year * 10 + digit
            case ..<7: month = month * 10 + digit
            default: day = day * 10 + digit
            }
        }
        self.init(year: year, month: month, day: day)
    }

    /// Parses the Danish form `dd-mm-åååå` (also with `.` or `/`); nil when invalid.
    public init?(danish: String) {
        let parts = danish.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" })
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// A date as a person types it: `dd-mm-åååå` (also with `.` or `/`), `åååå-mm-dd`, or eight digits
    /// `ddmmåååå`. Nil when it is none of these or does not exist.
    public init?(typed text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let date = LocalDate(danish: text) ?? LocalDate(iso: text) {
            self = date
            return
        }
        guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let d = Int(text.prefix(2)), let m = Int(text.dropFirst(2).prefix(2)), let y = Int(text.suffix(4)) else {
            return nil
        }
        self.init(year: y, month: m, day: d)
    }

    /// The date's day number: days since 1970-01-01 (negative before).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date with the given day number (see `dayNumber`).
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// This date moved by `days` (negative moves back).
    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// Today's date in `timeZone` (Danish time by default) at the instant `now`.
    public static func today(now: Date = Date(), timeZone: TimeZone = danishTimeZone) -> LocalDate {
        var calendar = danishCalendar
        if calendar.timeZone != timeZone { calendar.timeZone = timeZone }
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
            ?? LocalDate(dayNumber: 0)
    }

    /// Danish time, looked up once (looking it up formats a file path on every call).
    public static let danishTimeZone = TimeZone(identifier: "Europe/Copenhagen") ?? .current

    /// A Gregorian calendar in Danish time, made once (making one per call is slow when folding a big log).
    private static let danishCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = danishTimeZone
        return calendar
    }()

    /// Whether `year` is a leap year in the Gregorian calendar.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        Self.digits(year, 4, month, 2, day, 2)
    }

    /// `dd-mm-åååå`, the form shown to Danish users.
    public var danish: String {
        Self.digits(day, 2, month, 2, year, 4)
    }

    /// Three zero-padded numbers joined by `-` (what `String(format: "%04d-%02d-%02d")` gives, without
    /// its cost: the review prints a date or two for each of thousands of cases), written straight into
    /// the string's storage.
    private static func digits(_ a: Int, _ aWidth: Int, _ b: Int, _ bWidth: Int, _ c: Int, _ cWidth: Int) -> String {
        // Never negative here (years 1–9999, months, days).
        let (a, b, c) = (max(0, a), max(0, b), max(0, c))
        let count = width(a, aWidth) + width(b, bWidth) + width(c, cWidth) + 2
        return String(unsafeUninitializedCapacity: count) { bytes in
            var end = count
            func put(_ value: Int, _ width: Int) {
                var rest = value
                for _ in 0..<Self.width(value, width) {
                    end -= 1
                    bytes[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(c, cWidth)
            end -= 1
            bytes[end] = UInt8(ascii: "-")
            put(b, bWidth)
            end -= 1
            bytes[end] = UInt8(ascii: "-")
            put(a, aWidth)
            return count
        }
    }

    /// How many digits `value` (not negative) takes, zero-padded to at least `width`.
    private static func width(_ value: Int, _ width: Int) -> Int {
        var digits = 1, rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return max(digits, width)
    }

    public var description: String { iso }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Ugyldig dato \"\(text)\"; brug ÅÅÅÅ-MM-DD.")
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
