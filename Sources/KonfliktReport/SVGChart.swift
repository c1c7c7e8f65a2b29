/// A value in a chart: a shown count, or a hidden cell with its mark (`<5`, `x`, `..`).
public enum ChartValue: Sendable, Hashable {
    /// A shown count.
    case count(Int)
    /// A hidden cell, drawn as no bar with its mark.
    case hidden(String)
}

/// A grouped bar chart: per group, one bar per series.
public struct BarChart: Sendable, Hashable {
    /// One group of bars (e.g. a period), one value per series.
    public struct Group: Sendable, Hashable {
        /// The group's label under the bars.
        public var label: String
        /// One value per series.
        public var values: [ChartValue]

        /// A group.
        public init(label: String, values: [ChartValue]) {
            self.label = label
            self.values = values
        }
    }

    /// A short id, unique in the page (used for the fill patterns' ids).
    public var id: String
    /// The chart's title (in the SVG's `<title>` for screen readers; the page shows it as a caption).
    public var title: String
    /// The series names, shown in the legend.
    public var series: [String]
    /// The groups.
    public var groups: [Group]

    /// A chart.
    public init(id: String, title: String, series: [String], groups: [Group]) {
        self.id = id
        self.title = title
        self.series = series
        self.groups = groups
    }
}

/// Draws a `BarChart` as inline SVG that needs nothing else: no scripts, no fonts, no files. Each
/// series has its own fill pattern (solid, hatched, dotted, cross-hatched, …) with a black outline, and
/// every bar carries its number, so the chart reads the same in black and white. A hidden cell draws
/// no bar, only its mark (`<5`, `x` or `..`) on a dashed outline.
public enum SVGChart {
    /// The fill patterns, in series order (then repeated).
    static let fills = ["solid", "hatch", "dots", "cross", "light", "vertical"]

    /// The SVG text of `chart`, `width` × `height` user units (it scales with the page).
    public static func render(_ chart: BarChart, width: Int = 640, height: Int = 240) -> String {
        let left = 44, right = 8, top = 26, bottom = 50
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = niceMaximum(chart.groups.flatMap(\.values).compactMap { if case .count(let n) = $0 { n } else { nil } }.max() ?? 0)
        let seriesCount = max(chart.series.count, 1)
        let groupWidth = Double(plotWidth) / Double(max(chart.groups.count, 1))
        let barWidth = min(40.0, groupWidth * 0.8 / Double(seriesCount))
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
        out += "role=\"img\" aria-labelledby=\"\(chart.id)-title\" data-bars=\"\(barCount(chart))\">"
        out += "<title id=\"\(chart.id)-title\">\(HTML.escape(chart.title))</title>"
        out += "<defs>\(patterns(prefix: chart.id))</defs>"
        // Axis and grid: 0, half and the maximum.
        for step in 0...2 {
            let value = maximum * step / 2
            let y = top + plotHeight - plotHeight * step / 2
            out += "<line class=\"grid\" x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#999\" stroke-width=\"\(step == 0 ? 1.5 : 0.5)\"/>"
            out += "<text x=\"\(left - 4)\" y=\"\(y + 4)\" text-anchor=\"end\" font-size=\"11\">\(value)</text>"
        }
        for (g, group) in chart.groups.enumerated() {
            let groupLeft = Double(left) + groupWidth * Double(g)
            let barsLeft = groupLeft + (groupWidth - barWidth * Double(seriesCount)) / 2
            for (s, value) in group.values.enumerated() where s < seriesCount {
                let x = barsLeft + barWidth * Double(s)
                let centre = format(x + barWidth / 2)
                let baseline = top + plotHeight
                switch value {
                case .count(let n):
                    let barHeight = maximum == 0 ? 0 : Double(plotHeight) * Double(n) / Double(maximum)
                    if n > 0 {
                        out += "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(Double(baseline) - barHeight))\" "
                        out += "width=\"\(format(barWidth))\" height=\"\(format(barHeight))\" "
                        out += "fill=\"url(#\(chart.id)-\(fills[s % fills.count]))\" stroke=\"#000\" stroke-width=\"1\">"
                        out += "<title>\(HTML.escape("\(group.label), \(chart.series[s]): \(n)"))</title></rect>"
                    }
                    out += "<text class=\"value\" x=\"\(centre)\" y=\"\(format(Double(baseline) - barHeight - 3))\" "
                    out += "text-anchor=\"middle\" font-size=\"11\">\(n)</text>"
                case .hidden(let mark):
                    out += "<rect class=\"hidden-bar\" x=\"\(format(x + 1))\" y=\"\(baseline - 14)\" width=\"\(format(max(barWidth - 2, 1)))\" "
                    out += "height=\"14\" fill=\"none\" stroke=\"#000\" stroke-dasharray=\"3 2\" stroke-width=\"1\"/>"
                    out += "<text class=\"value hidden\" x=\"\(centre)\" y=\"\(baseline - 17)\" text-anchor=\"middle\" "
                    out += "font-size=\"11\" font-style=\"italic\">\(HTML.escape(mark))</text>"
                }
            }
            out += "<text class=\"group\" x=\"\(format(groupLeft + groupWidth / 2))\" y=\"\(top + plotHeight + 15)\" "
            out += "text-anchor=\"middle\" font-size=\"11\">\(HTML.escape(group.label))</text>"
        }
        // Legend: a swatch with the series' pattern and its name.
        var x = Double(left)
        let y = height - 18
        for (s, name) in chart.series.enumerated() {
            out += "<rect class=\"swatch\" x=\"\(format(x))\" y=\"\(y)\" width=\"12\" height=\"12\" "
            out += "fill=\"url(#\(chart.id)-\(fills[s % fills.count]))\" stroke=\"#000\"/>"
            out += "<text x=\"\(format(x + 16))\" y=\"\(y + 10)\" font-size=\"11\">\(HTML.escape(name))</text>"
            x += 24 + Double(name.count) * 6.2
        }
        out += "</svg>"
        return out
    }

    /// The number of bars drawn (shown counts above zero).
    public static func barCount(_ chart: BarChart) -> Int {
        chart.groups.reduce(0) { total, group in
            total + group.values.prefix(chart.series.count).filter { if case .count(let n) = $0 { n > 0 } else { false } }.count
        }
    }

    /// A round number at least `value` for the axis: 1, 2 or 5 times a power of ten (even, so half is whole).
    static func niceMaximum(_ value: Int) -> Int {
        guard value > 0 else { return 2 }
        var power = 1
        while true {
            for factor in [2, 4, 10] where factor * power >= value { return factor * power }
            power *= 10
        }
    }

    private static func patterns(prefix: String) -> String {
        let defs = [
            ("solid", "<rect width=\"8\" height=\"8\" fill=\"#333\"/>"),
            ("hatch", "<rect width=\"8\" height=\"8\" fill=\"#fff\"/><path d=\"M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6\" stroke=\"#000\" stroke-width=\"1.5\"/>"),
            ("dots", "<rect width=\"8\" height=\"8\" fill=\"#ddd\"/><circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#000\"/>"),
            ("cross", "<rect width=\"8\" height=\"8\" fill=\"#fff\"/><path d=\"M0,0 L8,8 M8,0 L0,8\" stroke=\"#000\" stroke-width=\"1\"/>"),
            ("light", "<rect width=\"8\" height=\"8\" fill=\"#bbb\"/>"),
            ("vertical", "<rect width=\"8\" height=\"8\" fill=\"#fff\"/><path d=\"M2,0 L2,8 M6,0 L6,8\" stroke=\"#000\" stroke-width=\"1\"/>"),
        ]
        return defs.map { "<pattern id=\"\(prefix)-\($0.0)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">\($0.1)</pattern>" }
            .joined()
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// Escaping for HTML text and attribute values.
public enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
