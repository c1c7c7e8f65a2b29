import Foundation

/// The body of an `access` event: someone looked at a family's record (GDPR art. 15 and 32: who saw
/// what, and when). The author and time are in the envelope. It never holds a CPR number; it names
/// cases by their screening id and exports by their audit event's id. Sealed like the other bodies in
/// a folder with a team key, since the ids tie a reader to a family.
public struct AccessBody: Sendable, Hashable, Codable {
    /// What was looked at.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A case's details were opened (review screen).
        case details
        /// A child's CPR number was revealed on screen.
        case cpr
        /// An export was made.
        case export
        /// Everything recorded about one child was printed (`konflikt insight`).
        case insight
    }

    /// What was looked at.
    public var kind: Kind
    /// The cases (screening ids, lower case) that were looked at; empty for an export.
    public var cases: [String]
    /// For an export, the id of its `export` audit event.
    public var export: String?

    /// An access body.
    public init(kind: Kind, cases: [UUID] = [], export: UUID? = nil) {
        self.kind = kind
        self.cases = cases.map { $0.uuidString.lowercased() }
        self.export = export?.uuidString.lowercased()
    }
}
