/// One problem in a form file, at a line and column.
public struct FormProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given.
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int
    /// The problem in Danish.
    public let message: String

    /// A problem at a position.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// A form, or a folder of forms, that did not load. No part of it is used.
public enum FormLoadError: UserFacingError, Sendable {
    /// The form has problems; every one is listed.
    case invalid([FormProblem])
    /// The file or folder could not be read.
    case unreadable(path: String)
    /// The folder holds no form files.
    case noForms(directory: String)
    /// No form with this id was found.
    case unknownForm(id: String, directory: String)

    public var danishDescription: String {
        switch self {
        case .invalid(let problems): return problems.map(\.description).joined(separator: "\n")
        case .unreadable(let path): return "Kan ikke læse \(path)."
        case .noForms(let directory): return "Der er ingen formularer (*.yaml) i \(directory)."
        case .unknownForm(let id, let directory): return "Formularen '\(id)' findes ikke i \(directory)."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .invalid: return ExitStatus.dataError
        case .unreadable, .noForms: return ExitStatus.ioError
        case .unknownForm: return ExitStatus.dataError
        }
    }
}
