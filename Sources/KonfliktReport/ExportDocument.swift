import Foundation
import KonfliktCore

/// The export's file formats.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    /// CSV for Danish Excel: UTF-8 with BOM, `;`, RFC 4180 quoting, CRLF.
    case csv
    /// One JSON document with the same content.
    case json

    /// The file name extension.
    public var fileExtension: String { rawValue }
}

/// An export ready to be written: the suppressed table and what it covers. Only periods and counts
/// are in it; the hidden counts are never written.
public struct ExportDocument: Sendable {
    /// The table with small cells hidden.
    public var table: SuppressedTable
    /// When the export was made.
    public var created: Date

    /// An export document.
    public init(table: SuppressedTable, created: Date) {
        self.table = table
        self.created = created
    }

    /// The header lines as (Danish key, value), in order.
    public var metadata: [(key: String, value: String)] {
        let counts = table.table
        let periods = counts.periods
        let covered = periods.isEmpty ? "ingen screeninger" :
            periods.count == 1 ? periods[0] : "\(periods[0]) til \(periods[periods.count - 1])"
        let versions = counts.formVersions.isEmpty ? "" :
            " version " + counts.formVersions.map(String.init).joined(separator: ", ")
        return [
            ("Eksport", "Konfliktscreening, anonyme tal"),
            ("Perioder", covered),
            ("Periodeinddeling", counts.options.granularity.danishName),
            ("Fra besøgsdato", counts.options.from?.iso ?? ""),
            ("Til besøgsdato", counts.options.to?.iso ?? ""),
            ("Formular", counts.layout.formID + versions),
            ("Datafingeraftryk", counts.dataFingerprint),
            ("Mindste viste antal", String(table.minCell)),
            ("Skjulte tal", "\(table.suppressedText) betyder 1-\(table.minCell - 1), eller skjult så et andet skjult tal ikke kan regnes ud"),
            ("Oprettet", Self.timestamp(created)),
        ]
    }

    /// The CSV: UTF-8 with a byte-order mark, `delimiter` between fields, RFC 4180 quoting, CRLF line
    /// ends. First the `key;value` header lines, then one empty line, then the table with its header row.
    public func csv(delimiter: Character = ";") -> Data {
        var lines: [[String]] = metadata.map { [$0.key, $0.value] }
        lines.append([])
        lines.append(["Periode", "Besøg"] + table.table.layout.columns.map(\.header))
        for (index, row) in table.table.rows.enumerated() {
            var fields = [row.period, row.visit]
            for column in row.values.indices {
                fields.append(table.shown(row: index, column: column).map(String.init) ?? table.suppressedText)
            }
            lines.append(fields)
        }
        var text = "\u{FEFF}"
        for fields in lines {
            text += fields.map { Self.quoted($0, delimiter: delimiter) }.joined(separator: String(delimiter))
            text += "\r\n"
        }
        return Data(text.utf8)
    }

    /// The JSON document (see docs/EXPORT.md): metadata, `columns` (id and Danish header), and `rows`
    /// with `values` keyed by column id, where a hidden cell is `null` and listed in `suppressed`.
    public func json() -> Data {
        let counts = table.table
        let columns = counts.layout.columns
        var out = "{\n"
        out += "  \"format\": \"konflikt-eksport\",\n"
        out += "  \"formatVersion\": 1,\n"
        out += "  \"created\": \(Self.json(Self.timestamp(created))),\n"
        out += "  \"per\": \(Self.json(counts.options.granularity.rawValue)),\n"
        out += "  \"periods\": [\(counts.periods.map(Self.json).joined(separator: ", "))],\n"
        out += "  \"from\": \(counts.options.from.map { Self.json($0.iso) } ?? "null"),\n"
        out += "  \"to\": \(counts.options.to.map { Self.json($0.iso) } ?? "null"),\n"
        out += "  \"form\": {\"id\": \(Self.json(counts.layout.formID)), \"versions\": [\(counts.formVersions.map(String.init).joined(separator: ", "))]},\n"
        out += "  \"dataFingerprint\": \(Self.json(counts.dataFingerprint)),\n"
        out += "  \"minCell\": \(table.minCell),\n"
        out += "  \"suppressedText\": \(Self.json(table.suppressedText)),\n"
        out += "  \"columns\": [\n"
        out += columns.map { "    {\"id\": \(Self.json($0.id)), \"header\": \(Self.json($0.header))}" }.joined(separator: ",\n")
        out += "\n  ],\n"
        out += "  \"rows\": ["
        var rowTexts: [String] = []
        for (index, row) in counts.rows.enumerated() {
            var values: [String] = []
            var hidden: [String] = []
            for (column, info) in columns.enumerated() {
                if let value = table.shown(row: index, column: column) {
                    values.append("\(Self.json(info.id)): \(value)")
                } else {
                    values.append("\(Self.json(info.id)): null")
                    hidden.append(Self.json(info.id))
                }
            }
            rowTexts.append("\n    {\"period\": \(Self.json(row.period)), \"visit\": \(Self.json(row.visit)),\n"
                + "     \"values\": {\(values.joined(separator: ", "))},\n"
                + "     \"suppressed\": [\(hidden.joined(separator: ", "))]}")
        }
        out += rowTexts.joined(separator: ",")
        out += rowTexts.isEmpty ? "]\n" : "\n  ]\n"
        out += "}\n"
        return Data(out.utf8)
    }

    /// `field` quoted per RFC 4180 when it holds the delimiter, a quote, CR or LF.
    static func quoted(_ field: String, delimiter: Character) -> String {
        guard field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a JSON string literal (UTF-8 kept, control characters escaped).
    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    static func timestamp(_ date: Date) -> String {
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
