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
            // Every pair compared, then one answer: no branch per byte, and no lookup table (the
            // global `digits` would cost a `swift_once` check per call; this runs for every line read).
            var different: UInt8 = 0
            var index = 0
            for byte in raw {
                different |= hex[index] ^ digit(byte >> 4)
                different |= hex[index + 1] ^ digit(byte & 0xF)
                index += 2
            }
            return different == 0
        }
    }

    /// The lowercase hex digit of `nibble` (0–15).
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57
    }

    /// Whether every byte is a lowercase hex digit.
    static func isHex(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Every byte looked at, then one answer: a loop the compiler can run on vectors.
        var bad: UInt8 = 0
        for byte in bytes {
            let notDigit: UInt8 = byte &- 0x30 >= 10 ? 1 : 0
            let notLetter: UInt8 = byte &- 0x61 >= 6 ? 1 : 0
            bad |= notDigit & notLetter
        }
        return bad == 0
    }
}
