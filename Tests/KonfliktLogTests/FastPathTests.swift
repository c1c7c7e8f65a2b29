import Foundation
import KonfliktCore
import Testing
@testable import KonfliktLog

/// The byte-level UUID reader gives exactly what Foundation gives.
@Suite struct FastPathTests {
    @Test func fastUUIDAgreesWithFoundation() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(LogEvent.fastUUID(id.uuidString.lowercased()) == id)
            #expect(LogEvent.fastUUID(id.uuidString) == id)
        }
        #expect(LogEvent.fastUUID("not-a-uuid") == nil)
        #expect(LogEvent.fastUUID("0123456789abcdef0123456789abcdeg0123") == nil)
        // 32 hex digits and four dashes, but not where they belong: not a UUID for Foundation either.
        for text in ["0123456789abcdef0123456789abcdef----", "01234567-89ab-cdef-0123-456789abcdef".replacingOccurrences(of: "7-8", with: "78-")] {
            #expect(UUID(uuidString: text) == nil)
            #expect(LogEvent.fastUUID(text) == nil)
        }
    }
}
