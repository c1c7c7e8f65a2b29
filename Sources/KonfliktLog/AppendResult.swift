import Foundation

/// An acknowledged append: the event is on disk (`fsync` returned).
public struct AppendResult: Sendable, Hashable {
    /// The new event's id.
    public var id: UUID
    /// Its sequence number in its file.
    public var seq: Int
    /// Its hash.
    public var hash: String
    /// The file it was written to (name inside the data directory).
    public var file: String
    /// Danish warnings about recovery done before the append (quarantined tail, new file after damage).
    public var warnings: [String]
}
