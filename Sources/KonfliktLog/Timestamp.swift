import KonfliktCore
import Foundation

/// UTC timestamps as written in the envelope: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
public enum Timestamp {
    /// Formats `date` in UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), min(max(millis, 0), 999))
    }

    /// Parses a timestamp written by `format` (milliseconds optional); nil otherwise.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// As `parse`, from the text's UTF-8 bytes.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count >= 20, bytes[bytes.count - 1] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let date = LocalDate(year: year, month: month, day: day) else { return nil }
        var millis = 0
        if bytes.count == 24, bytes[19] == UInt8(ascii: "."), let value = number(20..<23) { millis = value }
        let total = Double(date.dayNumber) * 86_400 + Double(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: total + Double(millis) / 1000)
    }
}
