import Testing

@Suite struct VersionTests {
    @Test func binaryPrintsItsVersion() throws {
        let result = try Binary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("0.1"))
    }
}
