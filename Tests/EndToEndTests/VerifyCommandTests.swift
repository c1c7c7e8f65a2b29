import Foundation
import Testing

/// `konflikt verify` through the built binary: tampering, truncation and rollback.
@Suite struct VerifyCommandTests {
    /// Issue 15, item 11: "1 hændelse", not "1 hændelser".
    @Test func oneEventIsSingular() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-ver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": root.appendingPathComponent("data").path,
                   "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path,
                   "KONFLIKT_FORMS": Binary.packageRoot.appendingPathComponent("forms").path]
        #expect(try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: env).status == 0)
        let one = try Binary.run(["verify"], environment: env)
        #expect(one.stdout.contains(": 1 hændelse,"), "\(one.stdout)")
        #expect(!one.stdout.contains("1 hændelser"))
    }

    @Test func detectsTamperingAndTruncation() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-ver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": root.appendingPathComponent("data").path,
                   "KONFLIKT_CONFIG": root.appendingPathComponent("config").path, "KONFLIKT_STATE": root.appendingPathComponent("state").path,
                   "KONFLIKT_FORMS": Binary.packageRoot.appendingPathComponent("forms").path]
        for _ in 0..<3 {
            #expect(try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: env).status == 0)
        }
        let intact = try Binary.run(["verify", "--json"], environment: env)
        #expect(intact.status == 0, "\(intact.stdout)\(intact.stderr)")
        let heads = root.appendingPathComponent("heads.json")
        try Data(intact.stdout.utf8).write(to: heads)

        let dataDir = root.appendingPathComponent("data")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dataDir.path).first { $0.hasSuffix(".jsonl") })
        let file = dataDir.appendingPathComponent(name)
        let original = try Data(contentsOf: file)

        // Flip one byte in the second line: verify names line 2.
        var tampered = original
        let secondLineStart = try #require(tampered.firstIndex(of: UInt8(ascii: "\n"))) + 1
        let target = secondLineStart + 120
        tampered[target] = tampered[target] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try tampered.write(to: file)
        let bad = try Binary.run(["verify"], environment: env)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("linje 2:"), "\(bad.stdout)")

        // Cut the last line off: intact on its own, but this reader saw the longer file (its own witness
        // in its state folder), and --against sees the truncation too.
        let lines = original.split(separator: UInt8(ascii: "\n"))
        try Data((lines[0] + [UInt8(ascii: "\n")] + lines[1] + [UInt8(ascii: "\n")])).write(to: file)
        let witnessed = try Binary.run(["verify"], environment: env)
        #expect(witnessed.status == 1)
        #expect(witnessed.stderr.contains("er blevet kortere eller skrevet om, siden denne læser så den"))
        #expect(try Binary.run(["verify"], environment: env).status == 1)          // on every later read
        var stranger = env
        stranger["KONFLIKT_STATE"] = root.appendingPathComponent("other-state").path
        #expect(try Binary.run(["verify"], environment: stranger).status == 0)    // a reader who never saw it
        let truncated = try Binary.run(["verify", "--against", heads.path], environment: env)
        #expect(truncated.status == 1)
        #expect(!truncated.stdout.isEmpty)
    }
}
