import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt team init|show|trust`: the team key that every body is sealed to.
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team",
        abstract: "Teamnøglen: opret (faglig leder), vis fingeraftrykket, godkend på denne computer.",
        subcommands: [TeamInitCommand.self, TeamShowCommand.self, TeamTrustCommand.self, TeamCheckCommand.self])
}

/// `konflikt team init [--key-file F]`: run once by the lead.
struct TeamInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Opret teamnøglen (én gang, af den faglige leder).",
        discussion: """
            Laver et X25519-nøglepar. Den private nøgle krypteres med en adgangssætning (scrypt) og gemmes \
            i indstillingsmappen eller i --key-file; den offentlige nøgle og dens fingeraftryk skrives i \
            <datamappe>/team.json. Adgangssætningen læses fra terminalen eller fra filen i \
            KONFLIKT_PASSPHRASE_FILE. Tag en sikkerhedskopi af nøglefilen: uden den kan ingen læse registreringerne.
            """)

    @Option(name: .long, help: "Fil til den private teamnøgle (ellers team-key.json i indstillingsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        let keyPath = KeyRing.teamKeyPath(keyFile: keyFile, config: config)
        try reportingErrors {
            if try TeamFile.load(directory: directory) != nil {
                throw KeyError.teamKeyExists(path: directory.file(TeamFile.name))
            }
            if FileManager.default.fileExists(atPath: keyPath) { throw KeyError.teamKeyExists(path: keyPath) }
            let passphrase = try Passphrase.read(prompt: "Ny adgangssætning til teamnøglen (mindst \(TeamKeyFile.minimumPassphraseLength) tegn): ",
                                                 confirm: true, environment: environment)
            let team = try TeamFile.create(passphrase: passphrase, keyPath: keyPath, directory: directory,
                                           created: Timestamp.format(Date()))
            // The lead's own device trusts the key it just made.
            try TeamTrust.trust(fingerprint: team.fingerprint, directory: directory, config: config)
            print("""
                Teamnøglen er oprettet.
                Fingeraftryk: \(team.fingerprint)
                Kort form:    \(KeyFingerprint.short(team.fingerprint))
                Privat nøgle: \(keyPath)
                Offentlig:    \(directory.file(TeamFile.name))
                Læs fingeraftrykkets korte form op for hver sundhedsplejerske, når hun godkender nøglen.
                Tag nu en sikkerhedskopi af den private nøgle (se docs/SECURITY.md): mistes den, kan ingen læse registreringerne.
                """)
        }
    }
}

/// `konflikt team show [--json]`.
struct TeamShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Vis teamnøglens fingeraftryk (også i kort form til at læse op).")

    @Flag(name: .long, help: "Skriv som JSON.")
    var json = false

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            guard let team = try TeamFile.load(directory: directory) else {
                throw KeyError.noTeamFile(path: directory.file(TeamFile.name))
            }
            let state = try TeamTrust.state(directory: directory, config: config)
            let trusted: Bool
            if case .trusted = state { trusted = true } else { trusted = false }
            if json {
                struct Output: Encodable { var fingerprint: String; var short: String; var trusted: Bool }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try encoder.encode(Output(fingerprint: team.fingerprint,
                                                     short: KeyFingerprint.short(team.fingerprint), trusted: trusted))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let status: String
            switch state {
            case .trusted: status = "ja"
            case .changed(let pinned, _): status = "NEJ: denne computer har godkendt en anden nøgle (\(KeyFingerprint.short(pinned)))"
            default: status = "nej (konflikt team trust \(KeyFingerprint.short(team.fingerprint)))"
            }
            print("""
                Fingeraftryk: \(team.fingerprint)
                Kort form:    \(KeyFingerprint.short(team.fingerprint))
                Godkendt på denne computer: \(status)
                """)
        }
    }
}

/// `konflikt team trust FINGERPRINT`: pins the team key on this device.
struct TeamTrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Godkend datamappens teamnøgle på denne computer, når fingeraftrykket er sammenlignet med den faglige leders.")

    @Argument(help: "Fingeraftrykket (64 hextegn) eller dets korte form, som den faglige leder læser op.")
    var fingerprint: String

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            let before = Settings.load(config: config).trustedTeamKey
            let team = try TeamTrust.trust(fingerprint: fingerprint, directory: directory, config: config)
            if let before, before != team.fingerprint {
                printError("Bemærk: denne computer havde godkendt en anden teamnøgle (\(KeyFingerprint.short(before))); den er erstattet.")
            }
            print("Teamnøglen \(KeyFingerprint.short(team.fingerprint)) er godkendt på denne computer.")
        }
    }
}

/// `konflikt team check [--key-file F]`: opens the private key with the passphrase and compares it with
/// `team.json` — for the lead to test the key and every backup of it.
struct TeamCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Kontrollér at den private teamnøgle kan åbnes med adgangssætningen og passer til team.json (fx en sikkerhedskopi).")

    @Option(name: .long, help: "Fil med den private teamnøgle (ellers team-key.json i indstillingsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            let fingerprint = try KeyRing.checkTeamKey(keyFile: keyFile, config: config, directory: directory,
                                                       environment: environment)
            print("Teamnøglen kan åbnes, og den passer til datamappens teamnøgle (\(KeyFingerprint.short(fingerprint))).")
        }
    }
}

/// `konflikt device show [--json]`: this device's id and key fingerprint.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Denne computers id og nøgle.", subcommands: [DeviceShowCommand.self])
}

/// `konflikt device show [--json]`.
struct DeviceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Vis denne computers id og nøglens fingeraftryk.")

    @Flag(name: .long, help: "Skriv som JSON.")
    var json = false

    func run() throws {
        let config = ConfigDirectory.resolve(environment: ProcessInfo.processInfo.environment)
        try reportingErrors {
            let device = try DeviceIdentity.load(config: config)
            let key = try DeviceKey.load(config: config)
            if json {
                struct Output: Encodable { var device: String; var fingerprint: String; var short: String }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try encoder.encode(Output(device: device, fingerprint: key.fingerprint,
                                                     short: KeyFingerprint.short(key.fingerprint)))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("""
                Enhed:        \(device)
                Fingeraftryk: \(key.fingerprint)
                Kort form:    \(KeyFingerprint.short(key.fingerprint))
                """)
        }
    }
}
