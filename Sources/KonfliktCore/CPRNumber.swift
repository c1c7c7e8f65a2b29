/// A Danish CPR number `DDMMYY-SSSS` (hyphen optional on input).
///
/// The century comes from the 7th digit and the two-digit year (CPR-kontoret's table): 0–3 → 1900s;
/// 4 or 9 → 2000–2036 when YY ≤ 36, else 1937–1999; 5–8 → 2000–2057 when YY ≤ 57, else 1858–1899.
/// Numbers are never rejected for failing the modulus-11 check (numbers without it have been issued
/// since 2007), and sex is never derived. The number is confidential: use `masked` in anything shown
/// beyond the form, and never put the number in an error message.
public struct CPRNumber: Sendable, Hashable {
    /// `DDMMYY-SSSS`.
    public let normalized: String
    /// The birth date the number encodes.
    public let birthDate: LocalDate

    /// Why a text is not a valid CPR number (Danish, without the number itself).
    public enum Problem: Sendable, Equatable {
        /// Not ten digits with an optional hyphen after the sixth.
        case format
        /// The first six digits with the century rule give no real date.
        case date

        /// The message for the user.
        public var danish: String {
            switch self {
            case .format: return "CPR-nummeret skal have formen DDMMÅÅ-SSSS (10 cifre)."
            case .date: return "CPR-nummeret indeholder ikke en gyldig fødselsdato."
            }
        }
    }

    /// Parses `text`, or returns why it is not a CPR number.
    public static func parse(_ text: String) -> Result<CPRNumber, CPRProblemError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var digits: [Int] = []
        for (index, ch) in trimmed.enumerated() {
            if ch == "-" && index == 6 && trimmed.count == 11 { continue }
            guard ch.isASCII, let d = ch.wholeNumberValue else { return .failure(CPRProblemError(problem: .format)) }
            digits.append(d)
        }
        guard digits.count == 10, trimmed.count == 10 || trimmed.count == 11 else {
            return .failure(CPRProblemError(problem: .format))
        }
        let day = digits[0] * 10 + digits[1]
        let month = digits[2] * 10 + digits[3]
        let yy = digits[4] * 10 + digits[5]
        let century: Int
        switch digits[6] {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        guard let date = LocalDate(year: century + yy, month: month, day: day) else {
            return .failure(CPRProblemError(problem: .date))
        }
        let s = digits.map(String.init).joined()
        return .success(CPRNumber(normalized: String(s.prefix(6)) + "-" + String(s.suffix(4)), birthDate: date))
    }

    /// Parses `text`; nil when it is not a valid CPR number.
    public init?(_ text: String) {
        guard case .success(let cpr) = CPRNumber.parse(text) else { return nil }
        self = cpr
    }

    private init(normalized: String, birthDate: LocalDate) {
        self.normalized = normalized
        self.birthDate = birthDate
    }

    /// `DDMMYY-****`: the birth date part only.
    public var masked: String { String(normalized.prefix(6)) + "-****" }
}

/// The error form of `CPRNumber.Problem`, for `Result`.
public struct CPRProblemError: Error, Sendable, Equatable {
    /// What is wrong.
    public let problem: CPRNumber.Problem
}

import Foundation
