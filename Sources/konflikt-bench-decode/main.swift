// konflikt-bench-decode DATA_DIR [TEAM_KEY_FILE]
//
// Benchmark helper (run by hand, release build): decodes every line of every *.jsonl file in DATA_DIR
// on one thread with `LogEvent.decode(_:file:line:keys:)`, the call the readers use. With
// TEAM_KEY_FILE (passphrase from KONFLIKT_PASSPHRASE_FILE) sealed bodies are opened with the team key;
// without it the folder must be clear text. Prints:
//   lines <n> bytes <n> seconds <s> us/line <µs> failures <n>
import Foundation
import KonfliktLog

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3 else {
    FileHandle.standardError.write(Data("brug: konflikt-bench-decode DATAMAPPE [TEAMNØGLEFIL]\n".utf8))
    exit(64)
}
let environment = ProcessInfo.processInfo.environment
let directory = DataDirectory(path: arguments[1])
var keys: BodyKeys?
if arguments.count == 3 {
    do {
        keys = BodyKeys(privateKeys: [try KeyRing.unlockTeamKey(
            keyFile: arguments[2], config: ConfigDirectory.resolve(environment: environment), environment: environment)])
    } catch {
        FileHandle.standardError.write(Data((error.danishDescription + "\n").utf8))
        exit(77)
    }
}
var lines = 0, bytes = 0, failures = 0
let start = DispatchTime.now().uptimeNanoseconds
do {
    for name in try directory.logFiles() {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file(name)))
        bytes += data.count
        data.withUnsafeBytes { raw in
            var lineStart = 0
            var number = 0
            while lineStart < raw.count {
                guard let newline = raw[lineStart...].firstIndex(of: 0x0A) else { break }
                number += 1
                let line = UnsafeRawBufferPointer(rebasing: raw[lineStart..<newline])
                do throws(LogError) { _ = try LogEvent.decode(line, file: name, line: number, keys: keys) } catch {
                    failures += 1
                }
                lines += 1
                lineStart = newline + 1
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(74)
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(String(format: "lines %d bytes %d seconds %.2f us/line %.2f failures %d", lines, bytes, seconds,
             seconds * 1e6 / Double(max(1, lines)), failures))
