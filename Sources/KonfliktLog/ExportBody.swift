import Foundation

/// The body of an `export` event: an audit line saying what was exported (the author and time are in
/// the envelope). Parameters are plain strings, e.g. `["period": "2026Q1", "format": "csv"]`.
public struct ExportBody: Sendable, Hashable, Codable {
    /// The export's parameters.
    public var parameters: [String: String]

    /// An export body.
    public init(parameters: [String: String]) {
        self.parameters = parameters
    }
}
