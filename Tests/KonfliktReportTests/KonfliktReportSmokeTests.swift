import Testing
@testable import KonfliktReport

@Suite struct KonfliktReportSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
