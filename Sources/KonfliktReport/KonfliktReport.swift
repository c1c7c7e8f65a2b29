import Foundation
import KonfliktCore
import KonfliktCases
import KonfliktLog

/// What to export; everything the command line and the TUI choose.
public struct ExportParameters: Sendable {
    /// The data directory to read.
    public var data: DataDirectory
    /// The reader's state folder, where the case index is kept.
    public var state: StateDirectory
    /// The form whose `report: true` questions and actions give the columns.
    public var form: Form
    /// Period grouping and the visit-date range.
    public var options: ReportOptions
    /// CSV or JSON.
    public var format: ExportFormat
    /// Counts from 1 to `minCell − 1` are hidden (at least 2).
    public var minCell: Int
    /// The CSV field separator.
    public var delimiter: Character
    /// The creation time written in the header (injectable for tests).
    public var now: Date
    /// The municipality and team named in the header (from the settings), if set.
    public var owner: ReportOwner
    /// The keys that open sealed bodies (the team key), nil in a folder without a team key.
    public var keys: BodyKeys?

    /// Parameters with the defaults: per quarter, CSV, `--min-cell 5`, `;`.
    public init(data: DataDirectory, state: StateDirectory, form: Form, options: ReportOptions = ReportOptions(),
                format: ExportFormat = .csv, minCell: Int = 5, delimiter: Character = ";", now: Date = Date(),
                owner: ReportOwner = ReportOwner()) {
        self.data = data
        self.state = state
        self.form = form
        self.options = options
        self.format = format
        self.minCell = minCell
        self.delimiter = delimiter
        self.now = now
        self.owner = owner
    }

    /// Rejects parameters that cannot give a safe, readable export (Danish message, exit 64).
    public func validate() throws(ExportError) {
        guard minCell >= 2 else {
            throw .invalidParameter("--min-cell skal være et helt tal på mindst 2 (små tal må aldrig vises).")
        }
        if let from = options.from, let to = options.to, from > to {
            throw .invalidParameter("Fra-datoen \(from.iso) ligger efter til-datoen \(to.iso).")
        }
        guard Self.isValidDelimiter(delimiter) else {
            throw .invalidParameter("Skilletegnet skal være ét tegn, fx ; eller , (ikke anførselstegn, punktum, <, bogstav, tal eller linjeskift).")
        }
    }

    /// Whether `delimiter` can separate CSV fields: one character that is not a quote, a line end,
    /// a letter, a digit, `<` or `.` (which hidden cells use).
    public static func isValidDelimiter(_ delimiter: Character) -> Bool {
        !(delimiter == "\"" || delimiter == "\r" || delimiter == "\n" || delimiter == "\r\n" || delimiter == "<" || delimiter == "."
          || delimiter.isLetter || delimiter.isNumber || delimiter.unicodeScalars.count != 1)
    }

    /// The parameters of the audit event: never the figures.
    public var auditParameters: [String: String] {
        var result = ["per": options.granularity.rawValue, "format": format.rawValue, "min-cell": String(minCell),
                      "form": form.id]
        if let from = options.from { result["from"] = from.iso }
        if let to = options.to { result["to"] = to.iso }
        if options.totalsOnly { result["totals-only"] = "true" }
        return result
    }
}

/// A built export: the bytes to write and what they hold.
public struct ExportResult: Sendable {
    /// The document (suppressed table and header).
    public var document: ExportDocument
    /// The file's bytes in the chosen format.
    public var data: Data
    /// Danish warnings for the user (unreadable lines, orphans), never part of the file.
    public var warnings: [String]
    /// The audit event to append.
    public var audit: ExportBody
}

/// Why an export could not be made. Nothing is written when one is thrown.
public enum ExportError: UserFacingError, Sendable, Equatable {
    /// A parameter is invalid.
    case invalidParameter(String)
    /// The log could not be read.
    case readFailed(LogError)
    /// The audit event could not be appended; the export was not written.
    case auditFailed(LogError)
    /// The output file could not be written.
    case writeFailed(path: String, reason: String)

    public var danishDescription: String {
        switch self {
        case .invalidParameter(let message): return message
        case .readFailed(let error): return error.danishDescription
        case .auditFailed(let error):
            return "Eksporten er ikke skrevet, fordi den ikke kunne registreres i loggen: \(error.danishDescription)"
        case .writeFailed(let path, let reason): return "Kan ikke skrive eksporten til \(path): \(reason)."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .invalidParameter: return ExitStatus.usage
        case .readFailed(let error), .auditFailed(let error): return error.exitCode
        case .writeFailed: return ExitStatus.ioError
        }
    }
}

/// Builds and writes anonymous exports: the entry point for the command line and the TUI.
public enum ExportRunner {
    /// Reads the log and builds the export in memory. Writes nothing.
    public static func build(_ parameters: ExportParameters) throws(ExportError) -> ExportResult {
        try parameters.validate()
        let store: CaseStore
        let table: ReportTable
        do {
            // The saved tallies instead of every record: the export counts, it needs no case.
            store = try CaseStore.open(directory: parameters.data, state: parameters.state, form: parameters.form,
                                       keys: parameters.keys, scope: .tallies)
            table = try ReportAggregator.table(store, layout: ReportLayout(form: parameters.form), options: parameters.options)
        } catch let error as LogError {
            throw .readFailed(error)
        } catch let error as CaseIndexError {
            throw .invalidParameter(error.danishDescription)
        } catch {
            throw .readFailed(.readFailed(path: parameters.data.path, reason: "\(error)"))
        }
        let suppressed = CellSuppression.apply(to: table, minCell: parameters.minCell)
        let document = ExportDocument(table: suppressed, created: parameters.now, owner: parameters.owner)
        var warnings = store.warnings
        if suppressed.unresolved > 0 {
            warnings.append("\(suppressed.unresolved) skjult(e) tal kan måske indsnævres ud fra de viste tal; brug en grovere periode (--per) eller --totals-only.")
        }
        if table.otherFormScreenings > 0 {
            warnings.append("\(table.otherFormScreenings) screening(er) med en anden formular end \(parameters.form.id) er ikke talt med.")
        }
        let data: Data
        switch parameters.format {
        case .csv: data = document.csv(delimiter: parameters.delimiter)
        case .json: data = document.json()
        case .html: data = HTMLReport(document: document).data()
        }
        var audit = parameters.auditParameters
        audit["fingerprint"] = table.dataFingerprint
        return ExportResult(document: document, data: data, warnings: warnings, audit: ExportBody(parameters: audit))
    }

    /// Builds the export and writes it to `url` (atomically, mode 0600), recording it with an
    /// `export` audit event appended by `writer` as `author`; returns `url`. The bytes go to a
    /// temporary file in the same folder first, which is renamed into place; only then is the audit
    /// event appended, so that a killed export never leaves an audit event for a file that does not
    /// exist. When the audit event cannot be appended, the file is removed again and nothing is
    /// recorded. The build's warnings (and the log's recovery warnings) are passed to `warn`.
    /// This is the entry point for the TUI.
    @discardableResult
    public static func run(_ parameters: ExportParameters, to url: URL, writer: LogWriter, author: String,
                           warn: (String) -> Void = { _ in }) throws(ExportError) -> URL {
        let result = try build(parameters)
        for warning in result.warnings { warn(warning) }
        try write(result.data, to: url)
        do {
            let appended = try writer.append(.export(result.audit), author: author)
            for warning in appended.warnings { warn(warning) }
            // Every export is also an access (issue 11): who took figures out, and when.
            try writer.append(.access(AccessBody(kind: .export, export: appended.id)), author: author)
        } catch {
            unlink(url.path)
            throw .auditFailed(error)
        }
        return url
    }

    /// A file name for an export made at `date`, e.g. `konflikt-eksport-kvartal-20260401.csv`
    /// (the creation day only; no data).
    public static func suggestedFileName(for parameters: ExportParameters) -> String {
        let day = LocalDate.today(now: parameters.now)
        let stamp = String(format: "%04d%02d%02d", day.year, day.month, day.day)
        return "konflikt-eksport-\(parameters.options.granularity.danishName.replacingOccurrences(of: "å", with: "aa"))-\(stamp).\(parameters.format.fileExtension)"
    }

    /// Writes `data` to `url` atomically: a temporary file in the same folder (mode 0600), fsync,
    /// rename. On any error the temporary file is removed and the target is untouched.
    public static func write(_ data: Data, to url: URL) throws(ExportError) {
        let temporary = try writeTemporary(data, for: url)
        guard rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .writeFailed(path: url.path, reason: reason(code))
        }
    }

    /// Writes `data` to a new temporary file (mode 0600, fsynced) next to `url` and returns its path.
    private static func writeTemporary(_ data: Data, for url: URL) throws(ExportError) -> String {
        let path = url.path
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = ".\((path as NSString).lastPathComponent).tmp-"
        removeStaleTemporaries(in: folder.isEmpty ? "." : folder, prefix: prefix)
        let temporary = (folder.isEmpty ? "." : folder) + "/" + prefix + "\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: reason(errno)) }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0, fchmod(fd, 0o600) != 0 { failure = errno }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason(failure))
        }
        return temporary
    }

    /// Removes `<prefix><pid>` files in `folder` whose process no longer runs (left by a killed export).
    static func removeStaleTemporaries(in folder: String, prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { unlink(folder + "/" + name) }
        }
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "disken er fuld"
        case EACCES, EPERM: return "adgang nægtet"
        case ENOENT: return "mappen findes ikke"
        case EROFS: return "filsystemet er skrivebeskyttet"
        case EISDIR: return "det er en mappe"
        default: return String(cString: strerror(code))
        }
    }
}
