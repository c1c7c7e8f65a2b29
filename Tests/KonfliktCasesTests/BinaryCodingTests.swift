import Foundation
import Testing
@testable import KonfliktCases

@Suite struct BinaryCodingTests {
    @Test func valuesRoundTrip() {
        var writer = BinaryWriter()
        let id = UUID()
        writer.varint(0)
        writer.varint(300)
        writer.varint(UInt64.max)
        writer.signed(-1)
        writer.signed(Int64.min)
        writer.string("æøå")
        writer.uuid(id)
        writer.uint64(0x0102030405060708)
        BinaryReader.read(writer.data) { reader in
            #expect(reader.varint() == 0)
            #expect(reader.varint() == 300)
            #expect(reader.varint() == UInt64.max)
            #expect(reader.signed() == -1)
            #expect(reader.signed() == Int64.min)
            #expect(reader.string() == "æøå")
            #expect(reader.uuid() == id)
            #expect(reader.uint64() == 0x0102030405060708)
            #expect(reader.atEnd)
            #expect(reader.varint() == nil)
        }
    }

    @Test func truncatedInputGivesNil() {
        var writer = BinaryWriter()
        writer.string("hello")
        BinaryReader.read(Array(writer.data.dropLast())) { reader in
            #expect(reader.string() == nil)
        }
    }
}
