import KonfliktCore

/// How visits are grouped into periods. Labels follow Danmarks Statistik's Statistikbanken
/// (`2026M03`, `2026K1`, `2026`): short, Danish, sortable, and never turned into a date by Excel.
public enum PeriodGranularity: String, Sendable, Hashable, CaseIterable {
    /// Calendar months, labelled `2026M03`.
    case month
    /// Calendar quarters, labelled `2026K1` (K for kvartal).
    case quarter
    /// Calendar half-years, labelled `2026H1` (H for halvår).
    case halfyear
    /// Calendar years, labelled `2026`.
    case year

    /// Parses `month|quarter|halfyear|year` or the Danish `måned|kvartal|halvår|år`; nil for anything else.
    public init?(argument: String) {
        switch argument.lowercased().precomposedStringWithCanonicalMapping {
        case "month", "måned", "maaned": self = .month
        case "quarter", "kvartal": self = .quarter
        case "halfyear", "half-year", "halvår", "halvaar": self = .halfyear
        case "year", "år", "aar": self = .year
        default: return nil
        }
    }

    /// The Danish name, for the export header.
    public var danishName: String {
        switch self {
        case .month: return "måned"
        case .quarter: return "kvartal"
        case .halfyear: return "halvår"
        case .year: return "år"
        }
    }

    /// A sortable key of the period that holds `date`.
    public func key(of date: LocalDate) -> Int {
        switch self {
        case .month: return date.year * 12 + (date.month - 1)
        case .quarter: return date.year * 4 + (date.month - 1) / 3
        case .halfyear: return date.year * 2 + (date.month - 1) / 6
        case .year: return date.year
        }
    }

    /// The label of the period with `key`.
    public func label(ofKey key: Int) -> String {
        switch self {
        case .month:
            let month = key % 12 + 1
            return "\(key / 12)M\(month < 10 ? "0" : "")\(month)"
        case .quarter: return "\(key / 4)K\(key % 4 + 1)"
        case .halfyear: return "\(key / 2)H\(key % 2 + 1)"
        case .year: return "\(key)"
        }
    }

    /// The label of the period that holds `date`.
    public func label(of date: LocalDate) -> String { label(ofKey: key(of: date)) }
}
