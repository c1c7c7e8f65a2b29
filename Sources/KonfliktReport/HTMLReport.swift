import Crypto
import Foundation

/// The export as one self-contained HTML page (`--format html`): header, a plain-Danish paragraph on
/// hidden numbers, SVG charts, the table and the legend, all from the same suppressed table as the
/// CSV and JSON. Nothing is loaded from elsewhere; the page's Content-Security-Policy forbids it. One
/// small inline script only marks, after the page has been laid out, how many charts and bars were
/// drawn (`data-charts-drawn`, `data-bars-drawn` on `<html>`), so a test can check the rendering.
public struct HTMLReport: Sendable {
    /// The document.
    public let document: ExportDocument

    /// A report of `document`.
    public init(document: ExportDocument) {
        self.document = document
    }

    /// The script that marks the rendering (see the type's comment).
    static let script = "addEventListener('load',function(){var c=0,b=0;"
        + "document.querySelectorAll('svg.chart').forEach(function(s){var r=s.getBoundingClientRect();if(r.width>0&&r.height>0)c++;});"
        + "document.querySelectorAll('svg.chart rect.bar').forEach(function(s){var r=s.getBoundingClientRect();if(r.width>0&&r.height>0)b++;});"
        + "document.documentElement.setAttribute('data-charts-drawn',String(c));"
        + "document.documentElement.setAttribute('data-bars-drawn',String(b));});"

    /// The page as UTF-8.
    public func data() -> Data { Data(html().utf8) }

    /// The page.
    public func html() -> String {
        let table = document.table.table
        let charts = self.charts()
        let hash = Data(SHA256.hash(data: Data(Self.script.utf8))).base64EncodedString()
        var out = "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        out += "img-src data:; script-src 'sha256-\(hash)'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(e("Konfliktscreening, anonyme tal, \(document.coveredPeriods)"))</title>\n"
        out += "<style>\(Self.style)</style>\n</head>\n<body>\n"
        // Header.
        out += "<header>\n<h1>Konfliktscreening – anonyme tal</h1>\n"
        let owner = [document.owner.municipality, document.owner.team].compactMap { $0 }.joined(separator: ", ")
        if !owner.isEmpty { out += "<p class=\"owner\">\(e(owner))</p>\n" }
        out += "<dl class=\"meta\">\n"
        for (key, value) in document.metadata where !["Eksport", "Skjulte tal", "Kommune", "Team"].contains(key) && !value.isEmpty {
            out += "<dt>\(e(key))</dt><dd>\(e(value))</dd>\n"
        }
        out += "</dl>\n</header>\n"
        // Hiding.
        out += "<section id=\"skjulte-tal\">\n<h2>Sådan er små tal skjult</h2>\n<p>\(e(hidingParagraph))</p>\n</section>\n"
        // Charts.
        out += "<section id=\"figurer\">\n<h2>Figurer</h2>\n"
        if charts.isEmpty { out += "<p>Der er ingen screeninger i perioden.</p>\n" }
        for chart in charts {
            out += "<figure>\n\(SVGChart.render(chart))\n<figcaption>\(e(chart.title))</figcaption>\n</figure>\n"
        }
        out += "</section>\n"
        // Table.
        out += "<section id=\"tabel\">\n<h2>Tabel</h2>\n"
        for chunk in chunks() { out += tableHTML(rows: chunk) }
        if table.rows.isEmpty { out += "<p>Der er ingen screeninger i perioden.</p>\n" }
        out += "</section>\n"
        // Legend.
        out += "<section id=\"forklaring\">\n<h2>Forklaring</h2>\n<dl class=\"legend\">\n"
        for entry in document.legend { out += "<dt>\(e(entry.term))</dt><dd>\(e(entry.meaning))</dd>\n" }
        out += "</dl>\n</section>\n"
        out += "<script>\(Self.script)</script>\n</body>\n</html>\n"
        return out
    }

    /// The plain-Danish paragraph on how small numbers are hidden.
    var hidingParagraph: String {
        let n = document.table.minCell
        return "Tallene er anonyme, og ingen familie må kunne genkendes. Derfor vises et antal fra 1 til \(n - 1) aldrig; "
            + "det står som \(document.table.smallText). Hvis et lille tal ellers kunne regnes ud ved at trække de andre tal "
            + "fra en sum (for eksempel i alt minus 2-måneders besøg), er også et andet tal skjult; det står som x og er "
            + "altid \(n) eller mere. En række med færre end \(n) screeninger viser kun sit antal screeninger; dens andre tal "
            + "står som \(SuppressedTable.withheldText) (holdt tilbage, kan også være 0). Det samme gælder et tal, der ellers kunne "
            + "regnes ud alene ud fra nullerne og markeringerne, og om nødvendigt nullerne ved siden af det. Ellers vises et 0 altid. "
            + "Derfor kan man ikke altid lægge tallene i en række eller kolonne sammen til summen. I figurerne står et skjult tal "
            + "som en stiplet kasse med \(document.table.smallText), x eller \(SuppressedTable.withheldText)."
    }

    /// The row index of the figures over the whole export: `alle`/`i alt`, else the only period's total.
    private var overallRow: Int? {
        let rows = document.table.table.rows
        return rows.lastIndex { $0.isTotal && $0.isAllPeriods } ?? (document.table.table.periods.count == 1 ? rows.lastIndex(where: \.isTotal) : nil)
    }

    private func value(_ row: Int, _ column: Int) -> ChartValue {
        let table = document.table
        return table.isHidden(row: row, column: column) ? .hidden(table.text(row: row, column: column))
            : .count(table.table.rows[row].values[column])
    }

    /// The charts: screenings per period by visit; each counted question over the whole export;
    /// recommended, final and done per action; the follow-up path of each flagging action.
    func charts() -> [BarChart] {
        let table = document.table.table
        let layout = table.layout
        var charts: [BarChart] = []
        let periodRows = table.rows.indices.filter { !table.rows[$0].isAllPeriods }
        guard !periodRows.isEmpty else { return [] }
        var series = table.options.totalsOnly ? [ReportRow.totalLabel] : layout.visits
        if !table.options.totalsOnly, table.rows.contains(where: { $0.visit == ReportRow.unknownVisitLabel }) {
            series.append(ReportRow.unknownVisitLabel)
        }
        var groups: [BarChart.Group] = []
        for period in table.periods {
            groups.append(BarChart.Group(label: period, values: series.map { visit in
                guard let row = periodRows.first(where: { table.rows[$0].period == period && table.rows[$0].visit == visit })
                else { return .count(0) }
                return value(row, 0)
            }))
        }
        let seriesNames = series.map { layout.visitLabels[$0] ?? ($0 == ReportRow.totalLabel ? "Alle besøg" : "Besøg ikke angivet") }
        charts.append(BarChart(id: "c1", title: "Screeninger pr. periode og besøg", series: seriesNames, groups: groups))
        guard let overall = overallRow else { return charts }
        let span = "(\(document.coveredPeriods))"
        for (index, question) in layout.questions.enumerated() {
            charts.append(BarChart(id: "q\(index + 1)", title: "\(question.label) \(span)", series: ["Screeninger"],
                                   groups: question.values.enumerated().map { offset, answer in
                BarChart.Group(label: answer.label, values: [value(overall, question.columns[offset])])
            }))
        }
        // "Udført" is each action's first closing status in form order (udført, or the course's
        // gennemført); an action without follow-up statuses has none.
        charts.append(BarChart(id: "a1", title: "Anbefalede, endelige og udførte handlinger \(span)",
                               series: ["Anbefalet", "Endelig", "Udført"],
                               groups: layout.actions.map { action in
            BarChart.Group(label: action.label, values: [value(overall, action.recommendedColumn), value(overall, action.finalColumn)]
                + [action.firstClosingColumn.map { value(overall, $0) } ?? .count(0)])
        }))
        // The follow-up path of each flagging action: its statuses in form order, then "no follow-up
        // yet"; "ukendt status" only when there are any.
        for (index, action) in layout.actions.enumerated() where !action.statusColumns.isEmpty {
            let groups = zip(action.statuses, action.statusColumns).compactMap { status, column -> BarChart.Group? in
                let shown = value(overall, column)
                if status == .unknown, shown == .count(0) { return nil }
                return BarChart.Group(label: status.label, values: [shown])
            }
            charts.append(BarChart(id: "f\(index + 1)", title: "Opfølgning på \(action.label) \(span)", series: ["Screeninger"],
                                   groups: groups))
        }
        return charts
    }

    /// The table rows in chunks of at most 9, not splitting a period where it can be helped.
    private func chunks() -> [[Int]] {
        let rows = document.table.table.rows
        var blocks: [[Int]] = []
        for index in rows.indices {
            if let last = blocks.last?.last, rows[last].period == rows[index].period { blocks[blocks.count - 1].append(index) } else { blocks.append([index]) }
        }
        var chunks: [[Int]] = []
        for block in blocks {
            if let last = chunks.last, last.count + block.count <= 9 { chunks[chunks.count - 1] += block } else { chunks.append(block) }
        }
        return chunks
    }

    /// One table: a column per (period, visit) row of the export, a row per figure.
    private func tableHTML(rows: [Int]) -> String {
        let suppressed = document.table
        let table = suppressed.table
        let layout = table.layout
        var out = "<table>\n<thead>\n<tr><th scope=\"col\">Periode</th>"
        var periods: [(String, Int)] = []
        for row in rows {
            if periods.last?.0 == table.rows[row].period { periods[periods.count - 1].1 += 1 } else { periods.append((table.rows[row].period, 1)) }
        }
        for (period, span) in periods {
            let label = period == ReportRow.allPeriodsLabel ? "Alle perioder" : period
            out += "<th scope=\"colgroup\" colspan=\"\(span)\">\(e(label))</th>"
        }
        out += "</tr>\n<tr><th scope=\"col\">Besøg</th>"
        for row in rows { out += "<th scope=\"col\">\(e(table.rows[row].visit))</th>" }
        out += "</tr>\n</thead>\n<tbody>\n"
        var section = ""
        for (column, info) in layout.columns.enumerated() {
            let (group, label) = Self.section(of: info, layout: layout)
            if group != section, !group.isEmpty {
                out += "<tr class=\"section\"><th scope=\"rowgroup\" colspan=\"\(rows.count + 1)\">\(e(group))</th></tr>\n"
            }
            section = group
            out += "<tr><th scope=\"row\">\(e(label))</th>"
            for row in rows {
                let text = suppressed.text(row: row, column: column)
                let kind = suppressed.marks[row][column] == .shown ? "" : " class=\"hidden\""
                out += "<td\(kind) data-row=\"\(row)\" data-column=\"\(e(info.id))\">\(e(text))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out
    }

    /// The section heading and the row label of a column (`Konfliktniveau` and `Højt`).
    static func section(of column: ReportColumn, layout: ReportLayout) -> (String, String) {
        switch column.kind {
        case .screenings: return ("", column.header)
        case .answer(let question, let value):
            let counted = layout.questions.first { $0.id == question }
            return (counted?.label ?? question, counted?.values.first { $0.id == value }?.label ?? value)
        case .recommended(let action): return ("Anbefalet", layout.actions.first { $0.id == action }?.label ?? action)
        case .final(let action): return ("Endelig (efter tilsidesættelse)", layout.actions.first { $0.id == action }?.label ?? action)
        case .overrides: return ("", column.header)
        case .status(let action, let status):
            return ("Opfølgning: \(layout.actions.first { $0.id == action }?.label ?? action)", status.label)
        }
    }

    private func e(_ text: String) -> String { HTML.escape(text) }

    static let style = """
        @page { size: A4; margin: 14mm 12mm; }
        html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
        body { max-width: 186mm; margin: 0 auto; font-size: 10pt; line-height: 1.35; }
        h1 { font-size: 16pt; margin: 0 0 2mm; }
        h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
        .owner { font-size: 12pt; margin: 0 0 2mm; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0; }
        dl.meta dt { font-weight: bold; }
        dl.meta dd { margin: 0; overflow-wrap: anywhere; }
        figure { margin: 0 0 4mm; break-inside: avoid; page-break-inside: avoid; }
        figcaption { font-weight: bold; font-size: 10pt; }
        svg.chart { width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; margin: 0 0 5mm; font-size: 8.5pt; break-inside: auto; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        th, td { border: 1px solid #666; padding: 0.6mm 1.6mm; }
        td { text-align: right; font-variant-numeric: tabular-nums; min-width: 9mm; }
        td.hidden { font-style: italic; }
        th[scope="row"] { text-align: left; font-weight: normal; }
        tr.section th { text-align: left; background: #eee; font-weight: bold; }
        dl.legend dt { font-weight: bold; margin-top: 1.5mm; }
        dl.legend dd { margin: 0 0 0 5mm; }
        @media print { h2 { break-after: avoid; } #tabel { break-before: page; } }
        """
}
