import Foundation
import KonfliktCore

/// The export's file formats.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    /// CSV for Danish Excel: UTF-8 with BOM, `;`, RFC 4180 quoting, CRLF.
    case csv
    /// One JSON document with the same content.
    case json
    /// One self-contained HTML page with the table and charts, printable on A4.
    case html

    /// The file name extension.
    public var fileExtension: String { rawValue }
}

/// Who the figures are from: the municipality and team from the settings (each may be missing).
public struct ReportOwner: Sendable, Hashable {
    /// The municipality, e.g. "Hvidovre Kommune".
    public var municipality: String?
    /// The team, e.g. "Sundhedsplejen".
    public var team: String?

    /// An owner.
    public init(municipality: String? = nil, team: String? = nil) {
        self.municipality = municipality?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        self.team = team?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

/// An export ready to be written: the suppressed table and what it covers. Only periods and counts
/// are in it; the hidden counts are never written. CSV, JSON and HTML are all written from here.
public struct ExportDocument: Sendable {
    /// The table with small cells hidden.
    public var table: SuppressedTable
    /// When the export was made.
    public var created: Date
    /// The municipality and team.
    public var owner: ReportOwner

    /// An export document.
    public init(table: SuppressedTable, created: Date, owner: ReportOwner = ReportOwner()) {
        self.table = table
        self.created = created
        self.owner = owner
    }

    /// The plain-Danish explanation of hidden numbers (header line, HTML paragraph).
    public var hidingExplanation: String {
        let n = table.minCell
        return "\(table.smallText) betyder et antal fra 1 til \(n - 1). x betyder et tal, der er skjult, for at et "
            + "lille tal ikke kan regnes ud fra de andre (x er altid \(n) eller mere). \(SuppressedTable.withheldText) betyder "
            + "et tal, der er holdt tilbage og også kan være 0: alle tal undtagen screeningerne i en række med færre end \(n) "
            + "screeninger, og de tal, der ellers kunne regnes ud alene ud fra nullerne og markeringerne. Ellers vises 0 altid."
    }

    /// The periods covered, e.g. `2026K1 til 2026K2`.
    public var coveredPeriods: String {
        let periods = table.table.periods
        return periods.isEmpty ? "ingen screeninger" :
            periods.count == 1 ? periods[0] : "\(periods[0]) til \(periods[periods.count - 1])"
    }

    /// The form and its versions, e.g. `konfliktscreening version 1`.
    public var formText: String {
        let counts = table.table
        let versions = counts.formVersions.isEmpty ? "" :
            " version " + counts.formVersions.map(String.init).joined(separator: ", ")
        return counts.layout.formID + versions
    }

    /// The header lines as (Danish key, value), in order.
    public var metadata: [(key: String, value: String)] {
        let counts = table.table
        return [
            ("Eksport", "Konfliktscreening, anonyme tal"),
            ("Kommune", owner.municipality ?? ""),
            ("Team", owner.team ?? ""),
            ("Perioder", coveredPeriods),
            ("Periodeinddeling", counts.options.granularity.danishName),
            ("Rækker", counts.options.totalsOnly ? "kun i alt" : "pr. besøg og i alt"),
            ("Fra besøgsdato", counts.options.from?.iso ?? ""),
            ("Til besøgsdato", counts.options.to?.iso ?? ""),
            ("Formular", formText),
            ("Datafingeraftryk", counts.dataFingerprint),
            ("Mindste viste antal", String(table.minCell)),
            ("Skjulte tal", hidingExplanation),
            ("Oprettet", Self.timestamp(created)),
        ]
    }

    /// The legend: each short column label with the full question or action text it stands for.
    public var legend: [(term: String, meaning: String)] {
        let layout = table.table.layout
        var result: [(String, String)] = [
            ("Periode", "\(ReportRow.allPeriodsLabel) = alle perioder tilsammen"),
            ("Besøg", layout.visits.map { "\($0) = \(layout.visitLabels[$0] ?? $0)" }.joined(separator: ", ")
                + ", \(ReportRow.unknownVisitLabel) = besøget er ikke angivet, \(ReportRow.totalLabel) = alle besøg"),
        ]
        result.append(("Screeninger", "alle registrerede besøg med formularen, også besøg, hvor screeningsspørgsmålet ikke blev stillet, når formularen har det spørgsmål"))
        for question in layout.questions {
            let kind = question.kind == .multichoice ? " (flere svar muligt)" : ""
            result.append((question.label, question.text + kind))
        }
        for action in layout.actions where action.label != action.fullLabel { result.append((action.label, action.fullLabel)) }
        result.append(("Anbefalet", "handlinger, som reglerne anbefalede ud fra svarene"))
        result.append(("Endelig", "handlinger efter sundhedsplejerskens eventuelle tilsidesættelse (med skriftlig begrundelse)"))
        result.append(("Anbefaling tilsidesat", "screeninger, hvor sundhedsplejersken valgte andre handlinger end de anbefalede"))
        var labels: [String] = [], open: [String] = []
        for action in layout.actions {
            for case .form(let status) in action.statuses {
                if !labels.contains(status.shortLabel) { labels.append(status.shortLabel) }
                if !status.closes, !open.contains(status.shortLabel) { open.append(status.shortLabel) }
            }
        }
        if !labels.isEmpty {
            result.append((labels.joined(separator: ", "), "status for den seneste opfølgning på en endelig handling (formularens statusser for handlingen)"))
        }
        if !open.isEmpty {
            result.append((open.joined(separator: ", "), "trin på vejen, som ikke afslutter handlingen: den tæller stadig som åben og kan komme over fristen"))
        }
        result.append(("ukendt status", "den seneste opfølgning har en status, som denne version af formularen ikke kender for handlingen (registreret med en anden version); handlingen tæller som åben"))
        result.append(("ingen opfølgning endnu", "endelige handlinger uden registreret opfølgning"))
        result.append(("<\(table.minCell), x, \(SuppressedTable.withheldText), 0", hidingExplanation))
        return result
    }

    /// The CSV: UTF-8 with a byte-order mark, `delimiter` between fields, RFC 4180 quoting, CRLF line
    /// ends. First the `key;value` header lines, then one empty line, then the table with its header
    /// row, then one empty line and the legend (`Forklaring`).
    public func csv(delimiter: Character = ";") -> Data {
        var lines: [[String]] = metadata.map { [$0.key, $0.value] }
        lines.append([])
        lines.append(["Periode", "Besøg"] + table.table.layout.columns.map(\.header))
        for (index, row) in table.table.rows.enumerated() {
            lines.append([row.period, row.visit] + row.values.indices.map { table.text(row: index, column: $0) })
        }
        lines.append([])
        lines.append(["Forklaring", ""])
        lines += legend.map { [$0.term, $0.meaning] }
        var text = "\u{FEFF}"
        for fields in lines {
            text += fields.map { Self.quoted($0, delimiter: delimiter) }.joined(separator: String(delimiter))
            text += "\r\n"
        }
        return Data(text.utf8)
    }

    /// The JSON document (see docs/EXPORT.md): metadata, `columns` (id and Danish header), `rows`
    /// with `values` keyed by column id, where a hidden cell is `null` and listed in `suppressed` and
    /// `marks` (`<5`, `x` or `..`), and the legend.
    public func json() -> Data {
        let counts = table.table
        let columns = counts.layout.columns
        var out = "{\n"
        out += "  \"format\": \"konflikt-eksport\",\n"
        out += "  \"formatVersion\": 3,\n"
        out += "  \"created\": \(Self.json(Self.timestamp(created))),\n"
        out += "  \"municipality\": \(owner.municipality.map(Self.json) ?? "null"),\n"
        out += "  \"team\": \(owner.team.map(Self.json) ?? "null"),\n"
        out += "  \"per\": \(Self.json(counts.options.granularity.rawValue)),\n"
        out += "  \"totalsOnly\": \(counts.options.totalsOnly),\n"
        out += "  \"periods\": [\(counts.periods.map(Self.json).joined(separator: ", "))],\n"
        out += "  \"from\": \(counts.options.from.map { Self.json($0.iso) } ?? "null"),\n"
        out += "  \"to\": \(counts.options.to.map { Self.json($0.iso) } ?? "null"),\n"
        out += "  \"form\": {\"id\": \(Self.json(counts.layout.formID)), \"versions\": [\(counts.formVersions.map(String.init).joined(separator: ", "))]},\n"
        out += "  \"dataFingerprint\": \(Self.json(counts.dataFingerprint)),\n"
        out += "  \"minCell\": \(table.minCell),\n"
        out += "  \"smallText\": \(Self.json(table.smallText)),\n"
        out += "  \"protectingText\": \(Self.json(SuppressedTable.protectingText)),\n"
        out += "  \"withheldText\": \(Self.json(SuppressedTable.withheldText)),\n"
        out += "  \"hiding\": \(Self.json(hidingExplanation)),\n"
        out += "  \"columns\": [\n"
        out += columns.map { "    {\"id\": \(Self.json($0.id)), \"header\": \(Self.json($0.header))}" }.joined(separator: ",\n")
        out += "\n  ],\n"
        out += "  \"rows\": ["
        var rowTexts: [String] = []
        for (index, row) in counts.rows.enumerated() {
            var values: [String] = []
            var hidden: [String] = []
            var marks: [String] = []
            for (column, info) in columns.enumerated() {
                if let value = table.shown(row: index, column: column) {
                    values.append("\(Self.json(info.id)): \(value)")
                } else {
                    values.append("\(Self.json(info.id)): null")
                    hidden.append(Self.json(info.id))
                    marks.append("\(Self.json(info.id)): \(Self.json(table.text(row: index, column: column)))")
                }
            }
            rowTexts.append("\n    {\"period\": \(Self.json(row.period)), \"visit\": \(Self.json(row.visit)),\n"
                + "     \"values\": {\(values.joined(separator: ", "))},\n"
                + "     \"suppressed\": [\(hidden.joined(separator: ", "))],\n"
                + "     \"marks\": {\(marks.joined(separator: ", "))}}")
        }
        out += rowTexts.joined(separator: ",")
        out += rowTexts.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"legend\": [\n"
        out += legend.map { "    {\"term\": \(Self.json($0.term)), \"meaning\": \(Self.json($0.meaning))}" }.joined(separator: ",\n")
        out += "\n  ]\n"
        out += "}\n"
        return Data(out.utf8)
    }

    /// `field` quoted per RFC 4180 when it holds the delimiter, a quote, CR or LF.
    static func quoted(_ field: String, delimiter: Character) -> String {
        guard field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a JSON string literal, byte for byte as `JSONEncoder` writes it (`JSONString`).
    static func json(_ text: String) -> String { JSONString.literal(text) }

    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    static func timestamp(_ date: Date) -> String {
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
