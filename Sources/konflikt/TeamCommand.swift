import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktLog

/// `konflikt team init|show|trust`: the team key that every body is sealed to.
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team",
        abstract: "Teamnøglen: opret (faglig leder), vis fingeraftrykket, godkend på denne computer.",
        subcommands: [TeamInitCommand.self, TeamShowCommand.self, TeamTrustCommand.self, TeamCheckCommand.self,
                      TeamApproveCommand.self, TeamApproveLegacyCommand.self, TeamDevicesCommand.self,
                      TeamRotateCommand.self])
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
            // The lead's own device trusts the key it just made, and is the first approved device.
            try TeamTrust.trust(fingerprint: team.fingerprint, directory: directory, config: config)
            let teamKey = try TeamKeyFile.load(path: keyPath).open(passphrase: passphrase, path: keyPath)
            try DeviceApprovalList.approve(fingerprint: try DeviceKey.load(config: config).fingerprint,
                                           devices: [try DeviceIdentity.load(config: config)], team: teamKey,
                                           directory: directory, now: Timestamp.format(Date()))
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

/// The options of the lead's key commands: the private team key's file and the data folder.
struct LeadKeyOptions: ParsableArguments {
    @Option(name: .long, help: "Fil med den private teamnøgle (ellers team-key.json i indstillingsmappen).")
    var keyFile: String?

    @Option(name: .long, help: "Datamappen med logfilerne.")
    var data: String?
}

/// `konflikt team check [--key-file F]`: opens the private key with the passphrase and compares it with
/// `team.json` — for the lead to test the key and every backup of it.
struct TeamCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Kontrollér at den private teamnøgle kan åbnes med adgangssætningen og passer til team.json (fx en sikkerhedskopi).")

    @OptionGroup var lead: LeadKeyOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            let fingerprint = try KeyRing.checkTeamKey(keyFile: lead.keyFile, config: config, directory: directory,
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

/// `konflikt team approve FINGERPRINT [--device ID]`: the lead approves a device key after comparing
/// its fingerprint with the health visitor's (`konflikt device show` on her computer). From then on
/// its records count in review and export; records it wrote before come in too.
struct TeamApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Godkend en enheds nøgle (faglig leder), når fingeraftrykket er sammenlignet med enhedens.",
        discussion: """
            Enhedens id findes i de hændelser, den allerede har skrevet i datamappen; har den intet skrevet \
            endnu, angives id'et med --device (konflikt device show på enheden viser begge). Listen over \
            godkendte enheder signeres med teamnøglen og gemmes i team.json.
            """)

    @Argument(help: "Enhedens fingeraftryk (64 hextegn) eller dets korte form, som konflikt device show viser det.")
    var fingerprint: String

    @Option(name: .long, help: "Enhedens id (16 hextegn), når den ikke har skrevet noget i datamappen endnu.")
    var device: String?

    @OptionGroup var lead: LeadKeyOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        guard let digits = KeyFingerprint.normalized(fingerprint) else {
            printError(KeyError.notAFingerprint.danishDescription)
            throw ExitCode(ExitStatus.usage)
        }
        if let device, !DeviceIdentity.isValid(device) {
            printError("--device skal være enhedens id: 16 hextegn (konflikt device show på enheden).")
            throw ExitCode(ExitStatus.usage)
        }
        try reportingErrors {
            guard try TeamFile.load(directory: directory) != nil else {
                throw KeyError.noTeamFile(path: directory.file(TeamFile.name))
            }
            let team = try KeyRing.unlockTeamKey(keyFile: lead.keyFile, config: config, environment: environment)
            let writers = try DeviceApprovalList.writers(directory: directory, team: team)
                .values.filter { $0.fingerprint.hasPrefix(digits) }
            guard writers.count <= 1 else {
                throw ApprovalError.ambiguous(short: KeyFingerprint.short(digits))
            }
            let full: String
            var devices = Set(device.map { [$0] } ?? [])
            if let writer = writers.first {
                full = writer.fingerprint
                devices.formUnion(writer.devices)
            } else {
                guard digits.count == 64 else { throw ApprovalError.unknownShort(short: KeyFingerprint.short(digits)) }
                guard !devices.isEmpty else { throw ApprovalError.needsDevice(short: KeyFingerprint.short(digits)) }
                full = digits
            }
            try DeviceApprovalList.approve(fingerprint: full, devices: devices, team: team, directory: directory,
                                           now: Timestamp.format(Date()))
            let count = writers.first?.events ?? 0
            print("Enheden \(devices.sorted().joined(separator: ", ")) med nøglen \(KeyFingerprint.short(full)) er godkendt"
                  + (count > 0 ? "; dens \(count) hændelser tælles nu med." : "."))
        }
    }
}

/// `konflikt team approve-legacy FILE… | --all`: the lead approves the records that were written before
/// devices authenticated their records (clear text from before `team init`, or sealed by an older
/// version), as each log file holds them now. Records appended later without a sender are not covered.
struct TeamApproveLegacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve-legacy",
        abstract: "Godkend ældre hændelser uden afsender (skrevet før enhederne blev godkendt), som de er nu.",
        discussion: """
            Hændelser skrevet i klar tekst før konflikt team init, eller krypteret af en ældre version, har             ingen afsender, som kan godkendes. Den faglige leder godkender dem pr. logfil, som filen er nu             (til og med dens sidste sådanne hændelse); konflikt team devices viser filerne. Listen signeres             med teamnøglen og gemmes i team.json.
            """)

    @Argument(help: "Logfilerne (fx abcd0123abcd0123.jsonl), som konflikt team devices viser dem.")
    var files: [String] = []

    @Flag(name: .long, help: "Godkend de ældre hændelser i alle logfiler.")
    var all = false

    @OptionGroup var lead: LeadKeyOptions

    func validate() throws {
        guard all != !files.isEmpty else {
            throw ValidationError("Angiv logfilerne eller --all (ikke begge).")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            guard try TeamFile.load(directory: directory) != nil else {
                throw KeyError.noTeamFile(path: directory.file(TeamFile.name))
            }
            let team = try KeyRing.unlockTeamKey(keyFile: lead.keyFile, config: config, environment: environment)
            let legacy = try DeviceApprovalList.legacyRecords(directory: directory, team: team)
            let names = all ? legacy.keys.sorted() : files.map { $0.hasSuffix(".jsonl") ? $0 : $0 + ".jsonl" }
            if let missing = names.first(where: { legacy[$0] == nil }) {
                printError("\(missing) har ingen ældre hændelser uden afsender i datamappen. Intet er godkendt.")
                throw ExitCode(ExitStatus.dataError)
            }
            guard !names.isEmpty else {
                print("Der er ingen ældre hændelser uden afsender i datamappen.")
                return
            }
            var approve: [String: Int] = [:]
            for name in names { approve[name] = legacy[name]?.lastSeq ?? 0 }
            try DeviceApprovalList.approveLegacy(approve, team: team, directory: directory, now: Timestamp.format(Date()))
            let count = names.reduce(0) { $0 + (legacy[$1]?.events ?? 0) }
            print("\(count) ældre \(count == 1 ? "hændelse" : "hændelser") i \(names.joined(separator: ", ")) tælles nu med.")
        }
    }
}

/// Why `team approve` refused.
enum ApprovalError: Error, UserFacingError {
    /// A short fingerprint that matches more than one key in the log.
    case ambiguous(short: String)
    /// A short fingerprint of a key that has written nothing yet.
    case unknownShort(short: String)
    /// A key that has written nothing yet, without `--device`.
    case needsDevice(short: String)

    var danishDescription: String {
        switch self {
        case .ambiguous(let short):
            return "Fingeraftrykket \(short) passer til flere enheder; angiv hele fingeraftrykket (64 hextegn). Intet er godkendt."
        case .unknownShort(let short):
            return "Ingen enhed med nøglen \(short) har skrevet i datamappen endnu; angiv hele fingeraftrykket (64 hextegn) og --device ID fra konflikt device show på enheden. Intet er godkendt."
        case .needsDevice(let short):
            return "Enheden med nøglen \(short) har ikke skrevet i datamappen endnu; angiv dens id med --device (konflikt device show på enheden). Intet er godkendt."
        }
    }

    var exitCode: Int32 { ExitStatus.dataError }
}

/// `konflikt team devices [--json]`: the approved devices, and the device keys that wrote records in the
/// folder but are not approved (waiting for the lead).
struct TeamDevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Vis godkendte enheder og enheder, der venter på godkendelse (faglig leder).")

    @Flag(name: .long, help: "Skriv som JSON.")
    var json = false

    @OptionGroup var lead: LeadKeyOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        try reportingErrors {
            guard let file = try TeamFile.load(directory: directory) else {
                throw KeyError.noTeamFile(path: directory.file(TeamFile.name))
            }
            let team = try KeyRing.unlockTeamKey(keyFile: lead.keyFile, config: config, environment: environment)
            let approved = (file.approvals.flatMap { $0.isValid(team: team) ? $0.devices : nil }) ?? []
            let writers = try DeviceApprovalList.writers(directory: directory, team: team)
            let waiting = writers.values.filter { writer in
                !approved.contains { $0.fingerprint == writer.fingerprint && writer.devices.isSubset(of: Set($0.devices)) }
            }.sorted { $0.fingerprint < $1.fingerprint }
            if json {
                struct Row: Encodable { var fingerprint: String; var short: String; var devices: [String]; var events: Int?; var approved: Bool }
                let rows = approved.map { Row(fingerprint: $0.fingerprint, short: KeyFingerprint.short($0.fingerprint),
                                              devices: $0.devices, events: writers[$0.fingerprint]?.events, approved: true) }
                    + waiting.map { Row(fingerprint: $0.fingerprint, short: KeyFingerprint.short($0.fingerprint),
                                        devices: $0.devices.sorted(), events: $0.events, approved: false) }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            let legacy = try DeviceApprovalList.legacyRecords(directory: directory, team: team)
            let policy = ApprovalPolicy.from(team: file, teamKey: team, ownFingerprint: nil, ownDevice: nil)
            let legacyWaiting = legacy.filter { (policy.legacy[$0.key] ?? 0) < $0.value.lastSeq }.keys.sorted()
            var lines = ["Godkendte enheder:"]
            let keysApproved = approved.filter { $0.legacyThrough == nil }
            lines += keysApproved.isEmpty ? ["  (ingen)"] : keysApproved.map { "  \(KeyFingerprint.short($0.fingerprint))  \($0.devices.joined(separator: ", "))" }
            for entry in approved where entry.legacyThrough != nil {
                lines.append("  ældre hændelser uden afsender i \(entry.devices.joined(separator: ", ")) til og med nr. \(entry.legacyThrough ?? 0)")
            }
            lines.append("Venter på godkendelse:")
            lines += waiting.isEmpty && legacyWaiting.isEmpty ? ["  (ingen)"] : waiting.map {
                "  \(KeyFingerprint.short($0.fingerprint))  \($0.devices.sorted().joined(separator: ", "))  (\($0.events) hændelser)  konflikt team approve \($0.fingerprint)"
            }
            for name in legacyWaiting {
                lines.append("  ældre hændelser uden afsender i \(name) (\(legacy[name]?.events ?? 0) hændelser)  konflikt team approve-legacy \(name)")
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

/// `konflikt team rotate [--key-file F]`: a new team key (at least once per calendar year of visits, so
/// retention can destroy old keys). Old records stay readable with the old keys kept in the key file.
struct TeamRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Lav en ny teamnøgle (faglig leder, mindst én gang om året); gamle registreringer kan stadig læses.",
        discussion: """
            Den nye private nøgle gemmes i samme nøglefil under samme adgangssætning sammen med de gamle; \
            team.json får den nye offentlige nøgle og listen over godkendte enheder signeret igen. Hver \
            sundhedsplejerske godkender det nye fingeraftryk (konflikt team trust, eller j ved start), før \
            hun kan gemme igen. Tag en ny sikkerhedskopi af nøglefilen.
            """)

    @OptionGroup var lead: LeadKeyOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: lead.data, environment: environment)
        let config = ConfigDirectory.resolve(environment: environment)
        let keyPath = KeyRing.teamKeyPath(keyFile: lead.keyFile, config: config)
        try reportingErrors {
            guard try TeamFile.load(directory: directory) != nil else {
                throw KeyError.noTeamFile(path: directory.file(TeamFile.name))
            }
            _ = try TeamKeyFile.load(path: keyPath)
            let passphrase = try Passphrase.read(prompt: "Adgangssætning til teamnøglen: ", environment: environment)
            let team = try TeamFile.rotate(keyPath: keyPath, passphrase: passphrase, directory: directory,
                                           created: Timestamp.format(Date()))
            try TeamTrust.trust(fingerprint: team.fingerprint, directory: directory, config: config)
            print("""
                Ny teamnøgle.
                Fingeraftryk: \(team.fingerprint)
                Kort form:    \(KeyFingerprint.short(team.fingerprint))
                De gamle nøgler ligger stadig i \(keyPath), så gamle registreringer kan læses.
                Hver sundhedsplejerske skal godkende det nye fingeraftryk, før hun kan gemme igen. Tag en ny sikkerhedskopi af nøglefilen.
                """)
        }
    }
}
