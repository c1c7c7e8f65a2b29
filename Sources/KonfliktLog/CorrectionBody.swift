import Foundation
import KonfliktCore

/// The body of a `correction` event: new answers for an earlier screening, the decision made again
/// from them, and why. The latest correction (by timestamp) replaces the screening's answers.
public struct CorrectionBody: Sendable, Hashable, Codable {
    /// The id of the screening event being corrected.
    public var screening: UUID
    /// The complete new answers.
    public var answers: Answers
    /// The decision evaluated from the new answers.
    public var decision: Decision
    /// The visit date from the new answers, when known.
    public var visitDate: LocalDate?
    /// A new override; when nil the screening's override (if any) stays.
    public var override: Override?
    /// Why the answers were corrected.
    public var reason: String

    /// A correction body.
    public init(screening: UUID, answers: Answers, decision: Decision, visitDate: LocalDate?,
                override: Override? = nil, reason: String) {
        self.screening = screening
        self.answers = answers
        self.decision = decision
        self.visitDate = visitDate
        self.override = override
        self.reason = reason
    }
}

extension CorrectionBody {
    private enum CodingKeys: String, CodingKey { case screening, answers, decision, visitDate, override, reason }

    /// Encodes like the synthesized form, but writes `screening` in lower case like the envelope's `id`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(screening.uuidString.lowercased(), forKey: .screening)
        try container.encode(answers, forKey: .answers)
        try container.encode(decision, forKey: .decision)
        try container.encodeIfPresent(visitDate, forKey: .visitDate)
        try container.encodeIfPresent(override, forKey: .override)
        try container.encode(reason, forKey: .reason)
    }
}
