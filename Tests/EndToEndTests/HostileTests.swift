import Foundation
import Testing

/// Issue 16 through the built binary: hostile folders and hostile input end in a clear Danish message
/// and a documented exit code, never a hang, a trap or a write outside the data folder.
@Suite struct HostileTests {
    static let forms = Binary.packageRoot.appendingPathComponent("forms").path

    /// A fresh data and config folder and the environment that points at them.
    struct Place {
        let root: URL
        var data: String { root.appendingPathComponent("data").path }
        var config: String { root.appendingPathComponent("config").path }
        var env: [String: String] {
            ["KONFLIKT_TODAY": "2026-11-22", "KONFLIKT_DATA": data, "KONFLIKT_CONFIG": config,
             "KONFLIKT_STATE": root.appendingPathComponent("state").path,
             "KONFLIKT_FORMS": HostileTests.forms, "KONFLIKT_NOW": "2026-11-23T08:30:00Z"]
        }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-hostile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        func record(_ count: Int, author: String = "AB") throws {
            for _ in 0..<count {
                let result = try Binary.run(["record", "--author", author], stdin: CheckDecideTests.highBoth, environment: env)
                #expect(result.status == 0, "\(result.stderr)")
            }
        }

        func logFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasSuffix(".jsonl") }.sorted()
        }
    }

    /// Runs the binary with standard input from `stdinPath`, killing it after `timeout` seconds;
    /// nil status means it had to be killed (it hung).
    static func run(_ arguments: [String], stdinPath: String, environment: [String: String],
                    timeout: Double = 20) throws -> (status: Int32?, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle(forReadingAtPath: stdinPath)
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (nil, "")
        }
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    /// Runs the binary in the background and returns it with a deadline check (for FIFO tests).
    static func runBounded(_ arguments: [String], environment: [String: String], timeout: Double = 20) throws -> (status: Int32?, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-out-\(UUID().uuidString)").path
        let errPath = outPath + ".err"
        let made = FileManager.default.createFile(atPath: outPath, contents: nil)
            && FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { unlink(outPath); unlink(errPath) }
        try #require(made, "the temporary output files could not be made")
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        let hung = process.isRunning
        if hung { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (hung ? nil : process.terminationStatus, out, err)
    }

    // MARK: Items 1 and 3

    @Test(arguments: ["fifo", "folder"]) func readersCarryOnPastAFIFOOrAFolder(_ kind: String) throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(2)
        let strange = place.data + "/x.jsonl"
        if kind == "fifo" { #expect(mkfifo(strange, 0o600) == 0) } else { #expect(mkdir(strange, 0o700) == 0) }
        for arguments in [["verify"], ["review", "--list", "--all"], ["export", "--format", "json", "--author", "LE"]] {
            let result = try Self.runBounded(arguments, environment: place.env)
            #expect(result.status == 1, "\(arguments): \(String(describing: result.status)) \(result.stderr)")
            #expect((result.stdout + result.stderr).contains("x.jsonl"), "\(arguments)")
        }
        let verify = try Self.runBounded(["verify"], environment: place.env)
        #expect(verify.stdout.contains("hændelser") && verify.stdout.contains("ikke en almindelig fil"), "\(verify.stdout)")
        let list = try Self.runBounded(["review", "--list", "--all", "--json"], environment: place.env)
        #expect(list.stdout.contains("\"id\""), "the other files are still read")
    }

    // MARK: Item 2

    @Test func recordDoesNotFollowASymlink() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let device = try #require(try place.logFiles().first)
        let outside = place.root.appendingPathComponent("outside.txt").path
        let original = Data("{\"noget\":1}\nsidste linje uden linjeskift".utf8)
        try original.write(to: URL(fileURLWithPath: outside))
        unlink(place.data + "/" + device)
        #expect(symlink(outside, place.data + "/" + device) == 0)
        let result = try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: place.env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("ikke en almindelig fil"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.root.path).filter { $0.contains("quarantine") }.isEmpty)
        let verify = try Binary.run(["verify"], environment: place.env)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("symbolsk link"), "\(verify.stdout)")
    }

    // MARK: Item 4

    @Test func aLostFinalNewlineKeepsTheFlaggedCase() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let file = place.data + "/" + (try #require(try place.logFiles().first))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: file))
        let list = try Binary.run(["review", "--list", "--json"], environment: place.env)
        #expect(list.status == 0)
        #expect(list.stdout.contains("gruppeforloeb"), "\(list.stdout)")
        #expect(try Binary.run(["verify"], environment: place.env).status == 0)
        let record = try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: place.env)
        #expect(record.status == 0)
        #expect(!record.stderr.contains("aldrig bekræftet"), "\(record.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == 2)
        let all = try Binary.run(["review", "--list", "--json"], environment: place.env)
        #expect(all.stdout.components(separatedBy: "\"id\"").count == 3, "\(all.stdout)")
    }

    // MARK: Item 9

    @Test func decideFromDevZeroEndsWith65() throws {
        let result = try Self.run(["decide"], stdinPath: "/dev/zero", environment: ["KONFLIKT_FORMS": Self.forms])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("for store"))
    }

    @Test func hugeNoteOrReasonIsRefusedBeforeAnythingIsStored() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let file = place.data + "/" + (try #require(try place.logFiles().first))
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let id = try #require(try String(contentsOfFile: file, encoding: .utf8).firstMatch(of: /"id":"([0-9a-f-]{36})"/)?.1)
        let huge = String(repeating: "x", count: 20_000)
        let followup = try Binary.run(["followup", String(id), "--action", "gruppeforloeb", "--status", "udfoert",
                                       "--author", "LE"], stdin: huge, environment: place.env)
        #expect(followup.status == 65, "\(followup.stderr)")
        let reasonFile = place.data + "-begrundelse.txt"
        try huge.write(toFile: reasonFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: reasonFile) }
        let correct = try Binary.run(["correct", String(id), "--reason-file", reasonFile, "--author", "LE"],
                                     stdin: CheckDecideTests.highBoth, environment: place.env)
        #expect(correct.status == 65, "\(correct.stderr)")
        let longText = CheckDecideTests.highBoth.replacingOccurrences(
            of: #""samtykke_kontakt": true"#, with: #""samtykke_kontakt": true, "note": "\#(huge)""#)
        let record = try Binary.run(["record", "--author", "AB"], stdin: longText, environment: place.env)
        #expect(record.status == 65, "\(record.stderr)")
        let longOverride = CheckDecideTests.highBoth.replacingOccurrences(
            of: #"{"form": "konfliktscreening","#,
            with: #"{"form": "konfliktscreening", "override": {"actions": ["ingen"], "reason": "\#(huge)"},"#)
        #expect(longOverride != CheckDecideTests.highBoth)
        let overridden = try Binary.run(["record", "--author", "AB"], stdin: longOverride, environment: place.env)
        #expect(overridden.status == 65, "\(overridden.stderr)")
        #expect(overridden.stderr.contains("for lang"), "\(overridden.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }

    // MARK: Item 10

    @Test func duplicateKeysAreRefused() throws {
        let answers = CheckDecideTests.highBoth.replacingOccurrences(
            of: #""konfliktniveau": "hoejt""#, with: #""konfliktniveau": "lavt", "konfliktniveau": "hoejt""#)
        let result = try Binary.run(["decide"], stdin: answers, environment: ["KONFLIKT_FORMS": Self.forms, "KONFLIKT_TODAY": "2026-11-22"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("står to gange"), "\(result.stderr)")
    }

    // MARK: Item 11

    @Test func initialsAreCheckedAndCPRNumbersMasked() throws {
        let place = try Place()
        defer { place.remove() }
        for author in ["150926-4123", "150926 4123", "1509264123", "A", "ABCDE"] {
            let result = try Binary.run(["record", "--author", author], stdin: CheckDecideTests.highBoth, environment: place.env)
            #expect(result.status == 64, "\(author): \(result.stderr)")
            #expect(!result.stderr.contains("4123"), "\(result.stderr)")
        }
        let badAnswer = CheckDecideTests.highBoth.replacingOccurrences(of: #""sundhedsplejerske": "AB""#,
                                                                        with: #""sundhedsplejerske": "150926 4123""#)
        let result = try Binary.run(["record"], stdin: badAnswer, environment: place.env)
        #expect(result.status == 65)
        #expect(!result.stderr.contains("4123"))
        #expect(try !FileManager.default.fileExists(atPath: place.data) || place.logFiles().isEmpty)
        // Lower case is made upper case; æøå are letters.
        try place.record(1, author: "øj")
        let list = try Binary.run(["review", "--list", "--json"], environment: place.env)
        #expect(list.stdout.contains("\"ØJ\""), "\(list.stdout)")
    }

    @Test func aSpacedCPRNumberIsMaskedInMessages() throws {
        let result = try Binary.run(["correct", "150926 4123"], environment: ["KONFLIKT_FORMS": Self.forms])
        #expect(result.status == 64)
        #expect(result.stderr.contains("150926-****"), "\(result.stderr)")
        #expect(!result.stderr.contains("4123"), "\(result.stderr)")
    }

    // MARK: Item 13

    @Test func loosePermissionsMakeVerifyFailAndReadersWarn() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        chmod(place.data, 0o777)
        let verify = try Binary.run(["verify"], environment: place.env)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("0777"), "\(verify.stdout)")
        let list = try Binary.run(["review", "--list"], environment: place.env)
        #expect(list.status == 0)
        #expect(list.stderr.contains("Advarsel") && list.stderr.contains("0777"), "\(list.stderr)")
    }

    @Test func theReviewScreenWarnsAboutTheFolder() throws {
        let session = try TmuxSession()
        let record = try Binary.run(["record", "--author", "AB"], stdin: CheckDecideTests.highBoth, environment: session.environment)
        #expect(record.status == 0, "\(record.stderr)")
        let data = session.root.appendingPathComponent("data").path
        #expect(mkfifo(data + "/x.jsonl", 0o600) == 0)
        try session.start(["review", "--author", "LE"])
        try session.waitFor("x.jsonl i datamappen er en FIFO")
        try session.waitFor("1 sag, ")
    }

    @Test func savedInitialsThatAreNotInitialsAreAskedForAgain() throws {
        let session = try TmuxSession()
        let config = session.root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data(#"{"initials":"150926-4123"}"#.utf8).write(to: config.appendingPathComponent("settings.json"))
        try session.start()
        try session.waitFor("Initialer:")
        try session.type("150926")
        try session.waitFor("Initialer er kun bogstaver")      // digits are refused as they are typed
        try session.keys("Enter")
        try session.waitFor("2–4 bogstaver")
        #expect(try !session.screen().contains("4123"))
    }

    // MARK: Item 14

    @Test func eightFirstRecordsAtOnceMakeOneDevice() throws {
        let place = try Place()
        defer { place.remove() }
        var processes: [Process] = []
        for _ in 0..<8 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = ["record", "--author", "AB", "--answers", place.root.appendingPathComponent("answers.json").path]
            var env = ProcessInfo.processInfo.environment
            for (key, value) in place.env { env[key] = value }
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            processes.append(process)
        }
        try Data(CheckDecideTests.highBoth.utf8).write(to: place.root.appendingPathComponent("answers.json"))
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let files = try place.logFiles()
        #expect(files.count == 1, "\(files)")
        let device = try String(contentsOfFile: place.config + "/device", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(files == ["\(device).jsonl"])
        #expect(try String(contentsOfFile: place.data + "/" + files[0], encoding: .utf8).split(separator: "\n").count == 8)
    }

    // MARK: Item 15

    @Test func exportRemovesStaleTemporaryFilesAndRecordsAfterTheFile() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let out = place.root.appendingPathComponent("rapport.csv").path
        // A temporary file of a killed export (a pid that cannot run) and one of a running process.
        let stale = place.root.appendingPathComponent(".rapport.csv.tmp-999999999").path
        let live = place.root.appendingPathComponent(".rapport.csv.tmp-1").path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("x".utf8)))
        #expect(FileManager.default.createFile(atPath: live, contents: Data("x".utf8)))
        let result = try Binary.run(["export", "--out", out, "--author", "LE"], environment: place.env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: out))

        // When the audit event cannot be written, the file is not left behind.
        let out2 = place.root.appendingPathComponent("rapport2.csv").path
        let files = try place.logFiles()
        for name in files { chmod(place.data + "/" + name, 0o400) }
        chmod(place.data, 0o500)
        defer { chmod(place.data, 0o700) }
        if geteuid() != 0 {
            let failed = try Binary.run(["export", "--out", out2, "--author", "LE"], environment: place.env)
            #expect(failed.status != 0)
            #expect(!FileManager.default.fileExists(atPath: out2))
        }
    }

    @Test func verifyAgainstAFolderSaysItIsAFolder() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let result = try Binary.run(["verify", "--against", place.root.path], environment: place.env)
        #expect(result.status == 65)
        #expect(result.stderr.contains("mappe"), "\(result.stderr)")
        #expect(!result.stderr.contains("adgang nægtet"))
    }

    @Test func verifyMentionsQuarantineFiles() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let file = place.data + "/" + (try #require(try place.logFiles().first))
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data("{\"prev\":\"abc".utf8))
        try handle.close()
        try place.record(1)
        let verify = try Binary.run(["verify"], environment: place.env)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("Karantænefiler") && verify.stdout.contains(".quarantine-"), "\(verify.stdout)")
    }
}

extension HostileTests {
    /// A log written by an older version (or by hand) with a CPR number as author: the list masks it.
    @Test func reviewListMasksAnAuthorThatIsNotInitials() throws {
        let place = try Place()
        defer { place.remove() }
        try place.record(1)
        let file = place.data + "/" + (try #require(try place.logFiles().first))
        // Rewrite the author and reseal the line the way the writer does: SHA-256 over prev + content.
        let line = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        let content = String(line.dropLast(75)).replacingOccurrences(of: #""author":"AB""#, with: #""author":"150926 4123""#)
        let prev = String(content.dropFirst(9).prefix(64))
        let hash = try Self.sha256Hex(prev + content)
        try Data((content + #","hash":""# + hash + "\"}\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try Binary.run(["verify"], environment: place.env).status == 0)
        for arguments in [["review", "--list", "--all"], ["review", "--list", "--all", "--json"]] {
            let result = try Binary.run(arguments, environment: place.env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("4123"), "\(result.stdout)")
            #expect(result.stdout.contains("150926-****"))
        }
    }

    static func sha256Hex(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
