import Crypto
import Foundation

/// The byte layout of one log line, designed so that checking a line needs no JSON parsing:
///
///     {"prev":"<64 hex>","seq":<n>,"v":<n>,"id":"…","ts":"…","type":"…","device":"…","author":"…","body":{…},"hash":"<64 hex>"}\n
///
/// `prev` sits at a fixed offset (9), `seq` and `v` follow it, and the line always ends with the fixed-size
/// suffix `,"hash":"<64 hex>"}`. The hash is SHA-256 over the 64 ASCII hex digits of `prev` followed by
/// the line's bytes before `,"hash":"`. A sealed body is `"enc":"<base64>"` in place of `"body":{…}`
/// (see `BodyCrypto`); the layout and hash stay the same.
enum EventLine {
    /// The format version this program writes and reads.
    static let version = 1
    /// The `prev` of the first event in a file.
    static let genesis = String(repeating: "0", count: 64)
    /// `{"prev":"`.
    static let prefix: [UInt8] = Array(#"{"prev":""#.utf8)
    /// `","seq":` right after the prev hash.
    static let seqMarker: [UInt8] = Array(#"","seq":"#.utf8)
    /// `,"v":` right after the sequence number.
    static let versionMarker: [UInt8] = Array(#","v":"#.utf8)
    /// `,"hash":"` before the hash.
    static let hashMarker: [UInt8] = Array(#","hash":""#.utf8)
    /// Offset of the prev hash.
    static let prevOffset = 9
    /// Offset of the first digit of the sequence number.
    static let seqOffset = 9 + 64 + 8
    /// Length of `,"hash":"<64 hex>"}`.
    static let suffixLength = 9 + 64 + 2
    /// The shortest line that can hold the fixed parts.
    static let minimumLength = seqOffset + 1 + 5 + 1 + suffixLength

    /// Builds the line (with its trailing newline) and its hash.
    static func make(prev: String, seq: Int, id: UUID, timestamp: String, device: String, author: String,
                     body: EventBody, sealer: BodySealer? = nil) throws(LogError) -> (line: [UInt8], hash: String) {
        let bodyJSON = try body.encodedJSON()
        var line: [UInt8] = []
        line.reserveCapacity(bodyJSON.count + 400)
        line += prefix
        line += Array(prev.utf8)
        line += seqMarker
        line += Array(String(seq).utf8)
        line += versionMarker
        line += Array(String(version).utf8)
        line += Array(#","id":"\#(id.uuidString.lowercased())","ts":"\#(timestamp)","type":"#.utf8)
        line += jsonString(body.type)
        line += Array(#","device":"#.utf8)
        line += jsonString(device)
        line += Array(#","author":"#.utf8)
        line += jsonString(author)
        if let sealer, BodyCrypto.isSensitive(body) {
            // The envelope as written so far is the associated data: body and envelope stay bound.
            let blob = try sealer.seal(bodyJSON, envelope: line)
            line += BodyCrypto.encMarker
            line += Array(Data(blob).base64EncodedString().utf8)
            line.append(UInt8(ascii: "\""))
        } else {
            line += Array(#","body":"#.utf8)
            line += bodyJSON
        }
        return seal(line)
    }

    /// Appends `,"hash":"<hash>"}` and the newline to `content` (which starts with `{"prev":"<64 hex>"`).
    static func seal(_ content: [UInt8]) -> (line: [UInt8], hash: String) {
        var line = content
        var hasher = SHA256()
        hasher.update(data: content[prevOffset..<min(prevOffset + 64, content.count)])
        hasher.update(data: content)
        let hash = Hex.string(hasher.finalize())
        line += hashMarker
        line += Array(hash.utf8)
        line += Array(#""}"#.utf8)
        line.append(0x0A)
        return (line, hash)
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20:
                out += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return out
    }

    /// The outcome of checking one line's structure and own hash.
    enum Check: Equatable {
        /// Intact: its sequence number and format version.
        case ok(seq: Int, version: Int)
        /// The fixed parts are missing or malformed: not an event line.
        case malformed
        /// The structure is right but the hash does not match the bytes.
        case badHash(seq: Int)
    }

    /// Checks the structure and the hash of `line` (without its newline). No JSON parsing, no allocation.
    static func check(_ line: UnsafeRawBufferPointer) -> Check {
        let count = line.count
        guard count >= minimumLength,
              startsWith(line, #"{"prev":""#, at: 0),
              Hex.isHex(UnsafeRawBufferPointer(rebasing: line[prevOffset..<prevOffset + 64])),
              startsWith(line, #"","seq":"#, at: prevOffset + 64),
              startsWith(line, #","hash":""#, at: count - suffixLength),
              line[count - 2] == 0x22, line[count - 1] == 0x7D
        else { return .malformed }
        guard let (seq, afterSeq) = number(line, at: seqOffset),
              startsWith(line, #","v":"#, at: afterSeq),
              let (version, _) = number(line, at: afterSeq + 5)
        else { return .malformed }
        let hashHex = UnsafeRawBufferPointer(rebasing: line[(count - 66)..<(count - 2)])
        guard Hex.isHex(hashHex) else { return .malformed }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: line[prevOffset..<prevOffset + 64]))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: line[0..<(count - suffixLength)]))
        guard Hex.matches(hasher.finalize(), hashHex) else { return .badHash(seq: seq) }
        return .ok(seq: seq, version: version)
    }

    /// The prev hash field of a line that passed `check`.
    static func prevField(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: line[prevOffset..<prevOffset + 64])
    }

    /// The hash field of a line that passed `check`.
    static func hashField(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: line[(line.count - 66)..<(line.count - 2)])
    }

    /// Whether `marker` (ASCII) stands in `line` at `offset`: as the overload for arrays, for the
    /// markers `check` looks for on every line (no array, no global to initialize, one `memcmp`).
    @inline(__always)
    static func startsWith(_ line: UnsafeRawBufferPointer, _ marker: StaticString, at offset: Int) -> Bool {
        let length = marker.utf8CodeUnitCount
        guard offset >= 0, offset + length <= line.count, let base = line.baseAddress else { return false }
        return memcmp(base + offset, marker.utf8Start, length) == 0
    }

    static func startsWith(_ line: UnsafeRawBufferPointer, _ marker: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + marker.count <= line.count else { return false }
        for index in 0..<marker.count where line[offset + index] != marker[index] { return false }
        return true
    }

    /// A decimal number of 1–18 digits at `offset` (no leading zero unless it is "0") and the offset after it.
    static func number(_ line: UnsafeRawBufferPointer, at offset: Int) -> (Int, Int)? {
        var index = offset
        var value = 0
        while index < line.count, line[index] >= 0x30, line[index] <= 0x39, index - offset < 18 {
            value = value * 10 + Int(line[index] - 0x30)
            index += 1
        }
        guard index > offset, !(line[offset] == 0x30 && index - offset > 1) else { return nil }
        return (value, index)
    }
}
