import ArgumentParser

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
        ],
        defaultSubcommand: ScreenCommand.self
    )
}

/// Prints the program's version; a placeholder until the screening TUI becomes the default.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Vis programmets version.")

    func run() throws {
        print("konflikt \(Konflikt.configuration.version)")
    }
}
