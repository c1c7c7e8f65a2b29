import Crypto
import Foundation

/// Lowercase hex helpers for hashes, without allocating on the verify path.
enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The hex digits of `bytes`.
    static func bytes(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            text.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
            text.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 0xF)]))
        }
        return text
    }

    /// The 64 hex digits of `digest`.
    static func string(_ digest: SHA256.Digest) -> String {
        var text = ""
        text.reserveCapacity(64)
        digest.withUnsafeBytes { raw in
            for byte in raw {
                text.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
                text.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 0xF)]))
            }
        }
        return text
    }

    /// Whether the 64 bytes at `hex` are the lowercase hex form of `digest`.
    static func matches(_ digest: SHA256.Digest, _ hex: UnsafeRawBufferPointer) -> Bool {
        guard hex.count == 64 else { return false }
        return digest.withUnsafeBytes { raw in
            var index = 0
            for byte in raw {
                if hex[index] != digits[Int(byte >> 4)] || hex[index + 1] != digits[Int(byte & 0xF)] { return false }
                index += 2
            }
            return true
        }
    }

    /// Whether every byte is a lowercase hex digit.
    static func isHex(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)) { return false }
        return true
    }
}
