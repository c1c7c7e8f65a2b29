import Foundation
import Testing

/// The HTML report opened in headless Chromium (Debian's `chromium`, installed by scripts/install-deps):
/// the page loads, its charts are laid out (read from the DOM after load, which the page's own script
/// marks), and a screenshot and an A4 PDF are made. Not skipped when Chromium is missing: it fails.
@Suite(.serialized) struct ReportInBrowserTests {
    static let chromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    /// Runs `executable` with `arguments`, killing it after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 90) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-chromium-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out"), errURL = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate(); usleep(500_000); if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        process.waitUntilExit()
        try out.close(); try err.close()
        return (process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    @Test func theHTMLReportRendersWithItsChartsAndPrintsToPDF() throws {
        let chromium = try #require(Self.chromiumCandidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                                    "chromium is not installed; run scripts/install-deps (make test does)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data").path
        let env = ["KONFLIKT_DATA": data, "KONFLIKT_CONFIG": root.appendingPathComponent("config").path,
                   "KONFLIKT_FORMS": Binary.packageRoot.appendingPathComponent("forms").path,
                   "KONFLIKT_NOW": "2026-11-23T08:30:00Z", "KONFLIKT_TODAY": "2026-11-22"]
        let demo = try Binary.run(["demo-data", "--count", "400", "--seed", "7", "--data", data], environment: env)
        #expect(demo.status == 0, "\(demo.stderr)")
        let report = root.appendingPathComponent("rapport.html")
        let export = try Binary.run(["export", "--format", "html", "--per", "halfyear", "--out", report.path, "--author", "PK"],
                                    environment: env)
        #expect(export.status == 0, "\(export.stderr)")
        let html = try String(contentsOf: report, encoding: .utf8)
        let charts = html.components(separatedBy: "<svg class=\"chart\"").count - 1
        let bars = html.matches(of: #/data-bars="(\d+)"/#).reduce(0) { $0 + (Int($1.output.1) ?? 0) }
        #expect(charts >= 5)
        #expect(bars >= 3)

        let profile = root.appendingPathComponent("profile").path
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                      "--user-data-dir=\(profile)", "--virtual-time-budget=5000"]
        let url = report.absoluteString
        let dom = try Self.run(chromium, common + ["--dump-dom", url])
        #expect(dom.status == 0, "\(dom.stderr)")
        // The DOM after load: the page's script counted the charts and bars that have a size on screen.
        #expect(dom.stdout.contains("data-charts-drawn=\"\(charts)\""), "\(dom.stdout.prefix(300)) \(dom.stderr)")
        #expect(dom.stdout.contains("data-bars-drawn=\"\(bars)\""))
        #expect(dom.stdout.contains("Sådan er små tal skjult"))

        let screenshot = root.appendingPathComponent("rapport.png")
        let shot = try Self.run(chromium, common + ["--window-size=1240,1754", "--screenshot=\(screenshot.path)", url])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: screenshot)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(png.count > 10_000)

        let pdfURL = root.appendingPathComponent("rapport.pdf")
        let print = try Self.run(chromium, common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdfURL.path)", url])
        #expect(print.status == 0, "\(print.stderr)")
        let pdf = try Data(contentsOf: pdfURL)
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        let text = String(decoding: pdf, as: Unicode.ASCII.self)
        // A4 is 595 × 842 points.
        #expect(text.contains("/MediaBox [0 0 594.95996 841.91998]") || text.contains("/MediaBox [0 0 595 842]")
                || text.firstMatch(of: #/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/#) != nil)
        let pages = text.components(separatedBy: "/Type /Page\n").count - 1 + text.components(separatedBy: "/Type /Page ").count - 1
            + text.components(separatedBy: "/Type /Page/").count - 1 + text.components(separatedBy: "/Type /Page>").count - 1
        #expect(pages >= 2, "pages: \(pages)")
        // Kept for a look by hand when KONFLIKT_KEEP_REPORT names a folder.
        if let keep = ProcessInfo.processInfo.environment["KONFLIKT_KEEP_REPORT"], !keep.isEmpty {
            for file in [report, screenshot, pdfURL] {
                let target = URL(fileURLWithPath: keep).appendingPathComponent(file.lastPathComponent)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: file, to: target)
            }
        }
    }
}
