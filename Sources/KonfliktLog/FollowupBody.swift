import Foundation
import KonfliktCore

/// What the team lead did about one flagged action of a screening.
public enum FollowupStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Done.
    case udfoert
    /// Declined (e.g. the family said no).
    case afvist
    /// Not relevant after all.
    case ikkeRelevant = "ikke_relevant"

    /// The Danish label.
    public var label: String {
        switch self {
        case .udfoert: return "udført"
        case .afvist: return "afvist"
        case .ikkeRelevant: return "ikke relevant"
        }
    }
}

/// The body of a `followup` event.
public struct FollowupBody: Sendable, Hashable, Codable {
    /// The id of the screening event.
    public var screening: UUID
    /// The flagged action this is about.
    public var action: String
    /// What became of it.
    public var status: FollowupStatus
    /// When it happened.
    public var date: LocalDate
    /// A free-text note (may be empty).
    public var note: String

    /// A follow-up body.
    public init(screening: UUID, action: String, status: FollowupStatus, date: LocalDate, note: String) {
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
