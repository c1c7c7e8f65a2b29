import Foundation
import Testing
import KonfliktCore

/// The shared JSON string escaper writes the same bytes as `JSONEncoder` (with unescaped slashes), so the
/// export's JSON and the review list's hand-written lines read like encoder output.
@Suite struct JSONStringTests {
    @Test func everyControlCharacterAndSpecialMatchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var samples = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["\"", "\\", "/", "a/b", "æøå Å", "\u{7F}", "\u{2028}", "😀 x", "", "plain text", "\u{08}\u{0C}\t\r\n"]
        samples.append(samples.joined())
        for text in samples {
            let expected = String(decoding: try encoder.encode(text), as: UTF8.self)
            #expect(JSONString.literal(text) == expected, "\(Array(text.unicodeScalars.map(\.value)))")
            var appended = "prefix:"
            JSONString.append(text, to: &appended)
            #expect(appended == "prefix:" + expected)
            var bytes = Array("prefix:".utf8)
            JSONString.append(text, to: &bytes)
            #expect(bytes == Array(("prefix:" + expected).utf8))
        }
    }

    @Test func idsAreWrittenAndOrderedAsTheirText() {
        var ids = (0..<500).map { _ in UUID() }
        ids += [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 9, 255, 0, 0, 0, 0, 0, 0, 0)), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0))]
        for id in ids { #expect(id.lowercaseText == id.uuidString.lowercased()) }
        #expect(ids.sorted { $0.sortKey < $1.sortKey } == ids.sorted { $0.uuidString < $1.uuidString })
    }
}
