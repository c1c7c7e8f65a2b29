import Foundation

/// Writes the case index's binary format: unsigned LEB128 varints, zig-zag signed varints,
/// length-prefixed UTF-8 strings, raw bytes.
struct BinaryWriter {
    private(set) var data: [UInt8] = []

    /// Room for `bytes` without growing (a big index is written in one piece).
    mutating func reserve(_ bytes: Int) { data.reserveCapacity(bytes) }

    /// Gives what was written to `emit` and starts afresh once it holds a part's worth: a section
    /// handed to its writer as it is encoded.
    mutating func handOver(whenFull emit: ([UInt8]) throws -> Void) rethrows {
        guard data.count >= IndexFormat.partSize else { return }
        try emit(data)
        self = BinaryWriter()
    }

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

    /// An optional signed value: 0 for nil, else 1 + its zig-zag code (any value but `Int64.min`).
    mutating func optional(_ value: Int64?) {
        guard let value else { varint(0); return }
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)) &+ 1)
    }

    mutating func uint32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }

    mutating func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }

    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        varint(UInt64(utf8.count))
        data.append(contentsOf: utf8)
    }

    mutating func uuid(_ id: UUID) { withUnsafeBytes(of: id.uuid) { data.append(contentsOf: $0) } }

    /// The four planes of follow-up status codes.
    mutating func statuses(_ codes: StatusCodes) {
        varint(codes.planes.0)
        varint(codes.planes.1)
        varint(codes.planes.2)
        varint(codes.planes.3)
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
    /// The bytes read; they must stay valid while the reader is used (see `read(_:_:)`).
    private let data: UnsafeRawBufferPointer
    private var offset = 0

    private init(_ data: UnsafeRawBufferPointer) { self.data = data }

    /// Calls `body` with a reader over `bytes`, without copying them.
    static func read<Bytes: ContiguousBytes, Result>(_ bytes: Bytes, _ body: (inout BinaryReader) -> Result) -> Result {
        bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            return body(&reader)
        }
    }

    var atEnd: Bool { offset == data.count }

    /// Calls `body` with a reader over `bytes` from `start`; its result and how many bytes it read, or
    /// nil when it returns nil.
    static func read<Result>(_ bytes: [UInt8], from start: Int, _ body: (inout BinaryReader) -> Result?) -> (Result, Int)? {
        guard start >= 0, start <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(UnsafeRawBufferPointer(rebasing: raw[start...]))
            return body(&reader).map { ($0, reader.offset) }
        }
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= data.count - offset else { return nil }
        defer { offset += count }
        return Array(data[offset..<offset + count])
    }

    /// The bytes `read` reads (appended to `out`), or false when it fails.
    mutating func copy(to out: inout [UInt8], _ read: (inout BinaryReader) -> Bool) -> Bool {
        let start = offset
        guard read(&self) else { return false }
        out.append(contentsOf: data[start..<offset])
        return true
    }

    /// Whether the next bytes are `expected` (consumed when they are).
    mutating func matches(_ expected: [UInt8]) -> Bool {
        guard expected.count <= data.count - offset, data[offset..<offset + expected.count].elementsEqual(expected) else {
            return false
        }
        offset += expected.count
        return true
    }

    @inline(__always)
    mutating func varint() -> UInt64? {
        // Most values fit one byte (flags, small counts, day deltas).
        if offset < data.count, data[offset] < 0x80 {
            offset += 1
            return UInt64(data[offset - 1])
        }
        return varintSlow()
    }

    private mutating func varintSlow() -> UInt64? {
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

    /// What `BinaryWriter.optional` wrote: `.some(nil)` for none; nil when malformed.
    mutating func optional() -> Int64?? {
        guard let raw = varint() else { return nil }
        guard raw > 0 else { return .some(nil) }
        let code = raw - 1
        return .some(Int64(bitPattern: code >> 1) ^ -Int64(bitPattern: code & 1))
    }

    mutating func signed() -> Int64? {
        guard let raw = varint() else { return nil }
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func uint32() -> UInt32? {
        guard data.count - offset >= 4 else { return nil }
        var value: UInt32 = 0
        for shift in 0..<4 { value |= UInt32(data[offset + shift]) << UInt32(shift * 8) }
        offset += 4
        return value
    }

    mutating func uint64() -> UInt64? {
        guard data.count - offset >= 8 else { return nil }
        var value: UInt64 = 0
        for shift in 0..<8 { value |= UInt64(data[offset + shift]) << UInt64(shift * 8) }
        offset += 8
        return value
    }

    mutating func string() -> String? {
        guard let count = count() else { return nil }
        defer { offset += count }
        return String(validating: UnsafeRawBufferPointer(rebasing: data[offset..<offset + count]), as: UTF8.self)
    }

    mutating func uuid() -> UUID? {
        guard data.count - offset >= 16 else { return nil }
        let o = offset
        offset += 16
        let b = data
        return UUID(uuid: (b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7], b[o + 8],
                           b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15]))
    }

    mutating func place() -> LinePlace? {
        guard let file = varint(), let line = varint(), let offset = varint(), let length = varint(),
              file <= UInt64(UInt32.max), line <= UInt64(UInt32.max), length <= UInt64(UInt32.max) else { return nil }
        return LinePlace(file: Int32(bitPattern: UInt32(file)), line: Int32(bitPattern: UInt32(line)),
                         offset: Int64(bitPattern: offset), length: Int32(bitPattern: UInt32(length)))
    }
}

/// Writes all of `raw` to `fd` at `offset`, however little `pwrite` takes at a time; 0, or the `errno`
/// of the failure.
func writeAll(_ raw: UnsafeRawBufferPointer, fd: Int32, at offset: Int64) -> Int32 {
    var done = 0
    while done < raw.count, let base = raw.baseAddress {
        let n = pwrite(fd, base + done, raw.count - done, off_t(offset) + off_t(done))
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return n < 0 ? errno : EIO }
        done += n
    }
    return 0
}
