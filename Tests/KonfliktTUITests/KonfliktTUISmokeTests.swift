import Testing
@testable import KonfliktTUI

@Suite struct KonfliktTUISmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
