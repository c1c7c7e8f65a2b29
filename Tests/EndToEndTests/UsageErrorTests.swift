import Foundation
import Testing

/// Usage errors come in Danish with exit 64, and never repeat a CPR number typed by mistake.
@Suite struct UsageErrorTests {
    @Test func unknownOptionsAndBadValuesAreSaidInDanish() throws {
        let unknown = try Binary.run(["export", "--formt", "csv"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Fejl: ukendt valgmulighed '--formt'."))
        #expect(unknown.stderr.contains("Se 'konflikt export --help' for mere information."))
        #expect(!unknown.stderr.contains("Error:"))
        let badValue = try Binary.run(["demo-data", "--count", "mange"])
        #expect(badValue.status == 64)
        #expect(badValue.stderr.contains("Fejl: værdien 'mange' er ikke gyldig for '--count <count>'."))
        let missing = try Binary.run(["followup"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("Fejl: mangler argumentet '<id>'."))
    }

    /// Issue 15, item 10: `konflikt foo` lists the commands, not `screen`'s usage.
    @Test func anUnknownCommandListsTheCommands() throws {
        let result = try Binary.run(["foo"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Fejl: ukendt kommando 'foo'."))
        #expect(result.stderr.contains("followup"))
        #expect(result.stderr.contains("review"))
        let number = try Binary.run(["1509264123"])
        #expect(number.status == 64)
        #expect(!number.stderr.contains("4123"))
        let known = try Binary.run(["version"])
        #expect(known.status == 0)
    }

    @Test func aCPRNumberTypedAsAnArgumentIsMaskedInTheError() throws {
        let result = try Binary.run(["followup", "150926-4123", "--action", "underretning", "--status", "udfoert"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("150926-****"))
        #expect(!result.stderr.contains("4123"))
        let unexpected = try Binary.run(["verify", "1509264123"])
        #expect(unexpected.status == 64)
        #expect(!unexpected.stderr.contains("4123"))
    }

    @Test func helpAndVersionStillGoToStandardOutput() throws {
        let help = try Binary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Konfliktscreening ved sundhedsplejens"))
        let version = try Binary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.contains("0.1.0"))
    }
}
