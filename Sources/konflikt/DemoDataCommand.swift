import ArgumentParser
import Foundation
import KonfliktCore
import KonfliktDemo
import KonfliktLog

/// `konflikt demo-data`: a realistic, valid, hash-chained data directory of fictitious families for
/// demonstrations and benchmarks.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Skriv fiktive demodata (gyldige, hash-kædede logfiler) i en tom datamappe.",
        discussion: """
            Alle familier og CPR-numre er opdigtede. Filerne skrives i store blokke med én fsync pr. fil \
            til sidst i stedet for én pr. hændelse; det er hurtigt og nok til demodata, som ikke er \
            bekræftede registreringer. Samme --seed giver de samme filer, byte for byte. Har datamappen en \
            teamnøgle (team.json), krypteres indholdet til den (så er filerne ikke ens fra gang til gang).
            """)

    @Option(name: .long, help: "Antal screeninger.")
    var count: Int

    @Option(name: .long, help: "Frø til tilfældighederne (samme frø giver samme data).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Antal sundhedsplejerskers enheder (hver sin fil).")
    var devices: Int = 3

    @Option(name: .long, help: "Datamappen (skal være uden logfiler).")
    var data: String?

    @Option(name: .long, help: "Mappen med formularer.")
    var forms: String?

    func validate() throws {
        guard count >= 0, count <= 10_000_000 else { throw ValidationError("--count skal være mellem 0 og 10.000.000.") }
        guard devices >= 1, devices <= 500 else { throw ValidationError("--devices skal være mellem 1 og 500.") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(option: data, environment: environment)
        try reportingErrors {
            let form = try FormLoader.loadForm(directory: FormLocator.resolve(option: forms, environment: environment))
            let started = Date()
            let team = try TeamFile.load(directory: directory)
            var options = DemoDataOptions(count: count, seed: seed, devices: devices, today: try Today.resolve(environment: environment),
                                          teamFile: team)
            // Sealed demo bodies are authenticated by this computer's key: `team approve` with its
            // fingerprint brings the demo devices in.
            if team != nil { options.sender = try DeviceKey.load(config: ConfigDirectory.resolve(environment: environment)).privateKey.rawRepresentation }
            let summary = try DemoData.write(form: form, to: directory, options: options)
            let seconds = Date().timeIntervalSince(started)
            print("""
                Demodata skrevet i \(directory.path): \(summary.screenings) screeninger, \(summary.corrections) rettelser, \
                \(summary.followups) opfølgninger (\(summary.events) hændelser i \(summary.files.count) filer, \
                \(String(format: "%.1f", seconds).replacingOccurrences(of: ".", with: ",")) s). \(summary.flagged) sager er markerede.\(team.map { " Krypteret til teamnøglen \(KeyFingerprint.short($0.fingerprint))." } ?? "")
                Prøv: KONFLIKT_DATA=\(directory.path) konflikt review
                """)
        }
    }
}
