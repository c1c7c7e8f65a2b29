import Foundation

/// Writes the case index's binary format: unsigned LEB128 varints, zig-zag signed varints,
/// length-prefixed UTF-8 strings, raw bytes.
struct BinaryWriter {
    private(set) var data: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { data.append(contentsOf: bytes) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }

    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func uint32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }

    mutating func uint64(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { data.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }

    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        varint(UInt64(utf8.count))
        data.append(contentsOf: utf8)
    }

    mutating func uuid(_ id: UUID) {
        let u = id.uuid
        data.append(contentsOf: [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
    }

    mutating func place(_ place: LinePlace) {
        varint(UInt64(UInt32(bitPattern: place.file)))
        varint(UInt64(UInt32(bitPattern: place.line)))
        varint(UInt64(bitPattern: place.offset))
        varint(UInt64(UInt32(bitPattern: place.length)))
    }
}

/// Reads what `BinaryWriter` wrote; every read returns nil past the end or on a malformed value.
struct BinaryReader {
    private let data: [UInt8]
    private var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    var atEnd: Bool { offset == data.count }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= data.count - offset else { return nil }
        defer { offset += count }
        return Array(data[offset..<offset + count])
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < data.count, shift < 64 {
            let byte = data[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// A varint used as a count: at most what the rest of the data could hold.
    mutating func count() -> Int? {
        guard let value = varint(), value <= UInt64(data.count - offset) else { return nil }
        return Int(value)
    }

    mutating func signed() -> Int64? {
        guard let raw = varint() else { return nil }
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func uint32() -> UInt32? {
        guard let raw = bytes(4) else { return nil }
        return raw.enumerated().reduce(0) { $0 | UInt32($1.element) << UInt32($1.offset * 8) }
    }

    mutating func uint64() -> UInt64? {
        guard let raw = bytes(8) else { return nil }
        return raw.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64($1.offset * 8) }
    }

    mutating func string() -> String? {
        guard let count = count(), let raw = bytes(count) else { return nil }
        return String(validating: raw, as: UTF8.self)
    }

    mutating func uuid() -> UUID? {
        guard let b = bytes(16) else { return nil }
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    mutating func place() -> LinePlace? {
        guard let file = varint(), let line = varint(), let offset = varint(), let length = varint(),
              file <= UInt64(UInt32.max), line <= UInt64(UInt32.max), length <= UInt64(UInt32.max) else { return nil }
        return LinePlace(file: Int32(bitPattern: UInt32(file)), line: Int32(bitPattern: UInt32(line)),
                         offset: Int64(bitPattern: offset), length: Int32(bitPattern: UInt32(length)))
    }
}
