import Foundation
import Testing
@testable import KonfliktReport

/// The compact screening store behind the aggregator.
@Suite struct ScreeningStoreTests {
    @Test func findsEveryIdAfterGrowingPastSeveralChunks() {
        var store = ScreeningStore()
        let ids = (0..<150_000).map { ReportFixtures.id($0) } // low-entropy ids, as the tests write them
        for (n, id) in ids.enumerated() {
            #expect(store.findOrInsert(id) == n)
        }
        #expect(store.count == ids.count)
        for n in stride(from: 0, to: ids.count, by: 997) {
            #expect(store.find(ids[n]) == n)
            #expect(store[n].id == ids[n])
            #expect(store.findOrInsert(ids[n]) == n)
        }
        #expect(store.find(UUID()) == nil)
        #expect(store.count == ids.count)
        #expect(MemoryLayout<ScreeningEntry>.stride == 48)
    }

    @Test func columnsBeyond64AreKept() {
        var store = ScreeningStore()
        let slot = store.findOrInsert(UUID())
        var bits = ColumnBits()
        for column in [1, 63, 64, 130] { bits.insert(column) }
        store.setBits(bits, at: slot)
        #expect([1, 63, 64, 130].allSatisfy { store.contains($0, at: slot) })
        #expect(![0, 2, 65, 129, 131, 500].contains { store.contains($0, at: slot) })
        var narrow = ColumnBits()
        narrow.insert(2)
        store.setBits(narrow, at: slot)
        #expect(store.contains(2, at: slot) && !store.contains(64, at: slot) && !store.contains(130, at: slot))
    }
}
