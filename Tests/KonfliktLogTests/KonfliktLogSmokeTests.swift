import Testing
@testable import KonfliktLog

@Suite struct KonfliktLogSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
