import ArgumentParser
import Foundation
import KonfliktCore

/// The `konflikt` command: with no subcommand it opens the screening TUI.
@main
struct Konflikt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "konflikt",
        abstract: "Konfliktscreening ved sundhedsplejens 2- og 8-måneders besøg.",
        version: "0.1.0",
        subcommands: [
            ScreenCommand.self,
            VersionCommand.self,
            CheckCommand.self,
            DecideCommand.self,
            RecordCommand.self,
            CorrectCommand.self,
            VerifyCommand.self,
            FollowupCommand.self,
            ReviewCommand.self,
            DemoDataCommand.self,
            ExportCommand.self,
            LeafletCommand.self,
            JournalCommand.self,
            TeamCommand.self,
            DeviceCommand.self,
            InsightCommand.self,
            RetentionCommand.self,
        ],
        defaultSubcommand: ScreenCommand.self
    )

    /// The names of the subcommands (and `help`).
    static var commandNames: Set<String> {
        Set(configuration.subcommands.map { $0._commandName } + ["help"])
    }

    /// Runs the command like ArgumentParser's own `main`, but says its usage errors in Danish and never
    /// repeats a CPR number from the command line in an error message.
    static func main() {
        // A first word that is no command is a mistyped command, not an answer to `screen`: say so and
        // list the commands (issue 15, item 10).
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) {
            let text = "Fejl: ukendt kommando '\(first)'.\n\n" + helpMessage()
            FileHandle.standardError.write(Data((DanishUsage.translate(text) + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty {
                FileHandle.standardError.write(Data((DanishUsage.translate(message) + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// ArgumentParser's English usage errors in Danish, with CPR-like numbers masked.
enum DanishUsage {
    static let patterns: [(String, String)] = [
        (#"^Error: Unknown option '(.+)'\. Did you mean '(.+)'\?$"#, "Fejl: ukendt valgmulighed '$1'. Mente du '$2'?"),
        (#"^Error: Unknown option '(.+)'$"#, "Fejl: ukendt valgmulighed '$1'."),
        (#"^Error: Missing expected argument '(.+)'$"#, "Fejl: mangler argumentet '$1'."),
        (#"^Error: The value '(.*)' is invalid for '(.+)'(.*)$"#, "Fejl: værdien '$1' er ikke gyldig for '$2'$3."),
        (#"^Error: Unexpected argument '(.+)'$"#, "Fejl: uventet argument '$1'."),
        (#"^Error: (\d+) unexpected arguments: (.+)$"#, "Fejl: $1 uventede argumenter: $2."),
        (#"^Error: Missing value for '(.+)'$"#, "Fejl: mangler en værdi til '$1'."),
        (#"^Error: "#, "Fejl: "),
        (#"^Usage: "#, "Brug: "),
        (#"^Help: "#, "Hjælp: "),
        (#"^  See '(.+) --help' for more information\.$"#, "  Se '$1 --help' for mere information."),
    ]

    static func translate(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var text = String(line)
            for (pattern, replacement) in patterns {
                if let expression = try? NSRegularExpression(pattern: pattern),
                   expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                               withTemplate: replacement)
                    break
                }
            }
            return maskCPR(text)
        }.joined(separator: "\n")
    }
}

/// Replaces anything that looks like a CPR number (`DDMMYY-SSSS`, `DDMMYY SSSS` or ten digits) with
/// `DDMMYY-****`, so error text can be shared without the number. Digits inside a longer run of letters
/// and digits (a UUID in a file name, a hash) are left alone.
func maskCPR(_ text: String) -> String {
    guard let expression = try? NSRegularExpression(pattern: #"(?<![0-9A-Za-z])([0-9]{6})[- ]?[0-9]{4}(?![0-9A-Za-z])"#) else { return text }
    return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                               withTemplate: "$1-****")
}

/// Prints the program's version; a placeholder until the screening TUI becomes the default.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Vis programmets version.")

    func run() throws {
        print("konflikt \(Konflikt.configuration.version)")
    }
}
