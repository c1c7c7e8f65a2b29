import Foundation

/// One event read back from a log line: the envelope fields and the typed body.
public struct LogEvent: Sendable, Hashable {
    /// The format version.
    public var version: Int
    /// The sequence number in its file.
    public var seq: Int
    /// The event's id.
    public var id: UUID
    /// The UTC timestamp as written (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
    public var timestamp: String
    /// Who wrote it (initials).
    public var author: String
    /// The device that wrote it.
    public var device: String
    /// The previous event's hash.
    public var prev: String
    /// This event's hash.
    public var hash: String
    /// The typed content.
    public var body: EventBody

    /// The timestamp as a `Date` (the epoch when it cannot be read).
    public var date: Date { Timestamp.parse(timestamp) ?? Date(timeIntervalSince1970: 0) }

    /// Decodes a line (without its newline) read from `file` at `line`.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, line: Int) throws(LogError) -> LogEvent {
        guard UTF8Check.isValid(bytes) else { throw .notUTF8(file: file, line: line) }
        let data = Data(bytes)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw .badEvent(file: file, line: line, reason: "ikke gyldig JSON eller mangler felter")
        }
        guard envelope.v <= EventLine.version else {
            throw .unsupportedVersion(file: file, line: line, version: envelope.v)
        }
        guard let id = UUID(uuidString: envelope.id) else {
            throw .badEvent(file: file, line: line, reason: "ugyldigt id")
        }
        let body: EventBody
        do {
            switch envelope.type {
            case "screening": body = .screening(try decodeBody(ScreeningBody.self, data, envelope, file, line))
            case "correction": body = .correction(try decodeBody(CorrectionBody.self, data, envelope, file, line))
            case "followup": body = .followup(try decodeBody(FollowupBody.self, data, envelope, file, line))
            case "export": body = .export(try decodeBody(ExportBody.self, data, envelope, file, line))
            default: throw LogError.unknownEventType(file: file, line: line, type: envelope.type)
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw .badEvent(file: file, line: line, reason: "indholdet passer ikke til typen \(envelope.type)")
        }
        return LogEvent(version: envelope.v, seq: envelope.seq, id: id, timestamp: envelope.ts,
                        author: envelope.author, device: envelope.device, prev: envelope.prev,
                        hash: envelope.hash, body: body)
    }

    private static func decodeBody<Body: Decodable>(_ type: Body.Type, _ data: Data, _ envelope: Envelope,
                                                    _ file: String, _ line: Int) throws -> Body {
        if envelope.hasEncryptedBody { throw LogError.encryptedBody(file: file, line: line) }
        return try JSONDecoder().decode(Wrapper<Body>.self, from: data).body
    }

    /// The envelope without the body.
    private struct Envelope: Decodable {
        var prev: String
        var seq: Int
        var v: Int
        var id: String
        var ts: String
        var type: String
        var device: String
        var author: String
        var hash: String
        var hasEncryptedBody: Bool

        enum CodingKeys: String, CodingKey { case prev, seq, v, id, ts, type, device, author, hash, enc }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            prev = try container.decode(String.self, forKey: .prev)
            seq = try container.decode(Int.self, forKey: .seq)
            v = try container.decode(Int.self, forKey: .v)
            id = try container.decode(String.self, forKey: .id)
            ts = try container.decode(String.self, forKey: .ts)
            type = try container.decode(String.self, forKey: .type)
            device = try container.decode(String.self, forKey: .device)
            author = try container.decode(String.self, forKey: .author)
            hash = try container.decode(String.self, forKey: .hash)
            hasEncryptedBody = container.contains(.enc)
        }
    }

    private struct Wrapper<Body: Decodable>: Decodable {
        var body: Body
    }
}
