import Foundation

/// The typed content of an event; the case decides the envelope's `type`.
public enum EventBody: Sendable, Hashable {
    /// `screening`.
    case screening(ScreeningBody)
    /// `correction`.
    case correction(CorrectionBody)
    /// `followup`.
    case followup(FollowupBody)
    /// `export`.
    case export(ExportBody)
    /// `access`: someone looked at a family's record.
    case access(AccessBody)

    /// The envelope's `type` for this body.
    public var type: String {
        switch self {
        case .screening: return "screening"
        case .correction: return "correction"
        case .followup: return "followup"
        case .export: return "export"
        case .access: return "access"
        }
    }

    /// The body as canonical JSON (sorted keys, no whitespace, never a raw newline).
    func encodedJSON() throws(LogError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            switch self {
            case .screening(let body): return try encoder.encode(body)
            case .correction(let body): return try encoder.encode(body)
            case .followup(let body): return try encoder.encode(body)
            case .export(let body): return try encoder.encode(body)
            case .access(let body): return try encoder.encode(body)
            }
        } catch {
            throw .encodingFailed(reason: "\(error)")
        }
    }
}
