import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog
import KonfliktCases
@testable import KonfliktReport

/// The HTML report: the same figures as the CSV, a self-contained page, escaped text, and charts
/// drawn by a small function.
@Suite struct HTMLReportTests {
    typealias F = ReportFixtures

    func build(_ format: ExportFormat, options: ReportOptions = ReportOptions(), owner: ReportOwner = ReportOwner()) throws -> Data {
        let folder = try F.TemporaryFolder()
        let data = try GoldenTests.makeData(in: folder.url)
        let parameters = ExportParameters(data: data, state: StateDirectory(path: data.path + ".state"), form: try F.form(),
                                          options: options, format: format,
                                          now: GoldenTests.created, owner: owner)
        return try ExportRunner.build(parameters).data
    }

    /// Every table cell of the HTML (`data-row`, `data-column` → text), unescaped.
    static func cells(_ html: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for match in html.matches(of: #/<td(?: class="hidden")? data-row="(\d+)" data-column="([^"]+)">([^<]*)</td>/#) {
            let text = String(match.output.3).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&amp;", with: "&")
            result["\(match.output.1)|\(match.output.2)"] = text
        }
        return result
    }

    @Test(arguments: [ReportOptions(), ReportOptions(granularity: .month), ReportOptions(granularity: .halfyear, totalsOnly: true)])
    func theNumbersInTheHTMLAreTheCSVs(options: ReportOptions) throws {
        let html = String(decoding: try build(.html, options: options), as: UTF8.self)
        let csv = String(decoding: try build(.csv, options: options), as: UTF8.self)
        let blocks = csv.dropFirst().components(separatedBy: "\r\n\r\n")
        let lines = blocks[1].components(separatedBy: "\r\n").map { $0.components(separatedBy: ";") }
        let layout = ReportLayout(form: try F.form())
        #expect(lines[0] == ["Periode", "Besøg"] + layout.columns.map(\.header))
        let cells = try Self.cells(html)
        let rows = lines.dropFirst()
        #expect(cells.count == rows.count * layout.columns.count)
        #expect(!rows.isEmpty)
        for (r, fields) in rows.enumerated() {
            for (c, column) in layout.columns.enumerated() {
                #expect(cells["\(r)|\(column.id)"] == fields[c + 2], "row \(r) \(column.id)")
            }
        }
    }

    @Test func thePageIsSelfContainedAndEscaped() throws {
        let owner = ReportOwner(municipality: "Kommune <script>alert(1)</script>", team: "Team \"A\" & 'B'")
        let html = String(decoding: try build(.html, owner: owner), as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"da\">"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("Kommune &lt;script&gt;alert(1)&lt;/script&gt;, Team &quot;A&quot; &amp; &#39;B&#39;"))
        // Nothing from elsewhere: no links, no external sources, a policy that forbids them.
        #expect(html.firstMatch(of: #/(src|href)\s*=/#) == nil)
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        #expect(!html.contains("https://"))
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        // One inline script, the one the policy's hash allows.
        #expect(html.components(separatedBy: "<script>").count == 2)
        #expect(html.contains("<script>\(HTMLReport.script)</script>"))
        // Header: period, form version, fingerprint; the paragraph on hidden numbers; the legend.
        #expect(html.contains("<dt>Perioder</dt><dd>2026K1 til 2026K2</dd>"))
        #expect(html.contains("<dt>Formular</dt><dd>konfliktscreening version 3</dd>"))
        #expect(html.firstMatch(of: #/<dt>Datafingeraftryk</dt><dd>[0-9a-f]{64}</dd>/#) != nil)
        #expect(html.contains("Sådan er små tal skjult"))
        #expect(html.contains("det står som x og er altid 5 eller mere"))
        #expect(html.contains("<dt>Interesse for gruppeforløb</dt><dd>Er I interesserede i et gruppeforløb om konflikthåndtering (&quot;Sammen uden vold&quot;)?</dd>"))
        // Printable on A4.
        #expect(html.contains("@page { size: A4;"))
        // The charts the issue asks for.
        for title in ["Screeninger pr. periode og besøg", "Konfliktniveau (2026K1 til 2026K2)",
                      "Anbefalede, endelige og udførte handlinger", "Opfølgning på Gruppeforløb"] {
            #expect(html.contains("<figcaption>\(title)"), "\(title)")
        }
    }

    @Test func chartsDrawOneBarPerShownCountAndMarksForHiddenOnes() {
        let chart = BarChart(id: "t", title: "Tal <&> \"test\"", series: ["2-måneders", "8-måneders"], groups: [
            BarChart.Group(label: "2026K1", values: [.count(12), .hidden("<5")]),
            BarChart.Group(label: "2026K2", values: [.count(0), .hidden("x")]),
            BarChart.Group(label: "2026K3", values: [.count(40), .count(20)]),
        ])
        let svg = SVGChart.render(chart, width: 640, height: 240)
        #expect(svg.hasPrefix("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(SVGChart.barCount(chart) == 3)
        #expect(svg.components(separatedBy: "<rect class=\"bar\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "<rect class=\"hidden-bar\"").count - 1 == 2)
        #expect(svg.contains(">&lt;5</text>") && svg.contains(">x</text>"))
        #expect(svg.contains("<title id=\"t-title\">Tal &lt;&amp;&gt; &quot;test&quot;</title>"))
        // Heights follow the numbers: the axis goes to 40, the plot is 164 high, so 40 → 164 and 20 → 82.
        #expect(svg.contains("height=\"164\""))
        #expect(svg.contains("height=\"82\""))
        #expect(svg.contains("height=\"49.2\"")) // 12 of 40
        // Black and white: the two series use different patterns, each with an outline, and the legend shows both.
        #expect(svg.contains("fill=\"url(#t-solid)\"") && svg.contains("fill=\"url(#t-hatch)\""))
        #expect(svg.contains(">2-måneders</text>") && svg.contains(">8-måneders</text>"))
        // Every number is written on its bar.
        for number in ["12", "0", "40", "20"] { #expect(svg.contains(">\(number)</text>")) }
    }

    @Test func axisMaximaAreRoundAndEven() {
        #expect(SVGChart.niceMaximum(0) == 2)
        #expect(SVGChart.niceMaximum(1) == 2)
        #expect(SVGChart.niceMaximum(3) == 4)
        #expect(SVGChart.niceMaximum(7) == 10)
        #expect(SVGChart.niceMaximum(33) == 40)
        #expect(SVGChart.niceMaximum(101) == 200)
    }
}
