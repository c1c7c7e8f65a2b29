import Foundation
import KonfliktCore

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
    /// The fingerprint of the device key that authenticated a sealed body (scheme mode 1); nil for
    /// clear lines and bodies sealed without authentication.
    public var sender: String? = nil

    /// This event as a lean decoder gives it (`FastLineDecoder`): without `prev`, the form
    /// fingerprints, the decision's form, fired rules and warnings, the reasons of a correction or an
    /// override and a follow-up's note, which only the log itself and a case's details need.
    var leanCopy: LogEvent {
        var lean = self
        lean.prev = ""
        func leaner(_ decision: Decision) -> Decision {
            Decision(form: "", formVersion: decision.formVersion, formFingerprint: "", actions: decision.actions,
                     flagged: decision.flagged, rules: [], warnings: [])
        }
        switch body {
        case .screening(var screening):
            screening.formFingerprint = ""
            screening.decision = leaner(screening.decision)
            screening.override?.reason = ""
            lean.body = .screening(screening)
        case .correction(var correction):
            correction.decision = leaner(correction.decision)
            correction.override?.reason = ""
            correction.reason = ""
            lean.body = .correction(correction)
        case .followup(var followup):
            followup.note = ""
            lean.body = .followup(followup)
        case .export, .access:
            break
        }
        return lean
    }

    /// The timestamp as a `Date` (the epoch when it cannot be read).
    public var date: Date { Timestamp.parse(timestamp) ?? Date(timeIntervalSince1970: 0) }

    /// Decodes a line (without its newline) read from `file` at `line`: with `FastLineDecoder` when it
    /// understands the line, else with `JSONDecoder`, which also says what is wrong.
    /// A `lean` event leaves out what no read model needs (see `leanCopy`) when the fast decoder takes
    /// the line; it is read and checked all the same.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, line: Int,
                       lean: Bool = false) throws(LogError) -> LogEvent {
        guard UTF8Check.isValid(bytes) else { throw .notUTF8(file: file, line: line) }
        if let event = FastLineDecoder.decode(bytes, lean: lean) { return event }
        return try decodeWithFoundation(bytes, file: file, line: line)
    }

    /// Decodes a line (valid UTF-8, without its newline) with `JSONDecoder`; the reference for `FastLineDecoder`.
    static func decodeWithFoundation(_ bytes: UnsafeRawBufferPointer, file: String, line: Int) throws(LogError) -> LogEvent {
        let data = Data(bytes)
        // One JSON pass: the type is read from the bytes (the writer puts `"type":"…"` before the
        // body), and the envelope and the typed body are decoded together.
        let event: LogEvent?
        do {
            switch peekType(bytes) {
            case "screening": event = try decodeLine(ScreeningBody.self, data, file, line) { .screening($0) }
            case "correction": event = try decodeLine(CorrectionBody.self, data, file, line) { .correction($0) }
            case "followup": event = try decodeLine(FollowupBody.self, data, file, line) { .followup($0) }
            case "export": event = try decodeLine(ExportBody.self, data, file, line) { .export($0) }
            case "access": event = try decodeLine(AccessBody.self, data, file, line) { .access($0) }
            default: event = nil
            }
        } catch let error as LogError {
            throw error
        } catch {
            event = nil
        }
        if let event { return event }
        // Slow path, only for lines that are not as the writer makes them: say precisely what is wrong.
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw .badEvent(file: file, line: line, reason: "ikke gyldig JSON eller mangler felter")
        }
        guard envelope.v <= EventLine.version else {
            throw .unsupportedVersion(file: file, line: line, version: envelope.v)
        }
        guard UUID(uuidString: envelope.id) != nil else {
            throw .badEvent(file: file, line: line, reason: "ugyldigt id")
        }
        if envelope.hasEncryptedBody { throw .encryptedBody(file: file, line: line) }
        switch envelope.type {
        case "screening", "correction", "followup", "export", "access":
            throw .badEvent(file: file, line: line, reason: "indholdet passer ikke til typen \(envelope.type)")
        default:
            throw .unknownEventType(file: file, line: line, type: envelope.type)
        }
    }

    /// A UUID from its 36-character text without going through `sscanf`; nil if it is not one.
    static func fastUUID(_ text: String) -> UUID? {
        var bytes = [UInt8](repeating: 0, count: 16)
        var index = 0
        var high: UInt8?
        for (position, character) in text.utf8.enumerated() {
            if character == UInt8(ascii: "-") {
                // Only where `UUID(uuidString:)` has them (8-4-4-4-12).
                guard position == 8 || position == 13 || position == 18 || position == 23 else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                guard index < 16 else { return nil }
                bytes[index] = first << 4 | value
                index += 1
                high = nil
            } else {
                high = value
            }
        }
        guard index == 16, high == nil, text.utf8.count == 36 else { return UUID(uuidString: text) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The value of the first `"type":"…"` in the line, without decoding anything else.
    static func peekType(_ bytes: UnsafeRawBufferPointer) -> String? {
        peekTypeRange(bytes).map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    /// Where `peekType` finds the type's bytes (up to 20, up to the next quote).
    static func peekTypeRange(_ bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        // `,"type":"`: nine bytes, the first eight compared as one word.
        let count = 9
        guard bytes.count > count else { return nil }
        let head = UInt64(littleEndian: 0x3A22_6570_7974_222C)      // `,"type":` read as a little-endian word
        let limit = min(bytes.count - count, 400)
        // Only where a comma stands can the marker start: the commas of eight bytes at a time (a
        // "has a zero byte" mask of the word xor commas: every comma is marked, and a marked byte that
        // is not one fails the compare), in order, each compared whole. Every load stays before
        // `limit + 8 < bytes.count`.
        let ones: UInt64 = 0x0101_0101_0101_0101
        var block = 0
        while block < limit {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: block, as: UInt64.self)) ^ (ones &* 0x2C)
            var mask = (word &- ones) & ~word & 0x8080_8080_8080_8080
            while mask != 0 {
                let index = block + mask.trailingZeroBitCount >> 3
                guard index < limit else { return nil }
                if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) == head, bytes[index + 8] == UInt8(ascii: "\"") {
                    let start = index + count
                    var end = start
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), end - start < 20 { end += 1 }
                    return start..<end
                }
                mask &= mask &- 1
            }
            block += 8
        }
        return nil
    }

    /// Decodes a whole line of a known body type; nil when it is not a valid event of that type.
    private static func decodeLine<Body: Decodable>(_ type: Body.Type, _ data: Data, _ file: String, _ line: Int,
                                                    _ wrap: (Body) -> EventBody) throws -> LogEvent? {
        let decoded = try JSONDecoder().decode(Line<Body>.self, from: data)
        guard decoded.v <= EventLine.version, decoded.enc == nil, let body = decoded.body,
              let id = UUID(uuidString: decoded.id) else { return nil }
        return LogEvent(version: decoded.v, seq: decoded.seq, id: id, timestamp: decoded.ts, author: decoded.author,
                        device: decoded.device, prev: decoded.prev, hash: decoded.hash, body: wrap(body))
    }

    /// A whole line: the envelope and a body of one type.
    private struct Line<Body: Decodable>: Decodable {
        var prev: String
        var seq: Int
        var v: Int
        var id: String
        var ts: String
        var type: String
        var device: String
        var author: String
        var hash: String
        var enc: AnyJSON?
        var body: Body?
    }

    /// Any JSON value, only to notice that a key is present.
    private struct AnyJSON: Decodable {
        init(from decoder: Decoder) throws {}
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

}
