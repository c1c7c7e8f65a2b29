import Foundation
import KonfliktCore

/// The body of a `followup` event.
public struct FollowupBody: Sendable, Hashable, Codable {
    /// The id of the screening event.
    public var screening: UUID
    /// The flagged action this is about.
    public var action: String
    /// What became of it: the id of one of the action's statuses in the form (`udfoert`,
    /// `kontakt_givet`, …). The log keeps the id as written; what it means (its label, whether it closes
    /// the action) comes from the form when the case is read, and an id the form does not know is read
    /// as an open status, never refused.
    public var status: String
    /// When it happened.
    public var date: LocalDate
    /// A free-text note (may be empty).
    public var note: String

    /// A follow-up body.
    public init(screening: UUID, action: String, status: String, date: LocalDate, note: String) {
        self.screening = screening
        self.action = action
        self.status = status
        self.date = date
        self.note = note
    }
}

extension FollowupBody {
    private enum CodingKeys: String, CodingKey { case screening, action, status, date, note }

    /// Encodes like the synthesized form, but writes `screening` in lower case like the envelope's `id`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(screening.uuidString.lowercased(), forKey: .screening)
        try container.encode(action, forKey: .action)
        try container.encode(status, forKey: .status)
        try container.encode(date, forKey: .date)
        try container.encode(note, forKey: .note)
    }
}
