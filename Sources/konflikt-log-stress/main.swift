// konflikt-log-stress DATA_DIR DEVICE COUNT
//
// Test helper for the crash and concurrency tests (and by hand): appends COUNT small export events
// to DEVICE's log in DATA_DIR and prints each event's id on its own line right after the append was
// acknowledged (after fsync returned). A COUNT of 0 appends until killed. Exit 74 on a log error.
import Foundation
import KonfliktLog

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("brug: konflikt-log-stress DATAMAPPE ENHED ANTAL\n".utf8))
    exit(64)
}
let writer = LogWriter(directory: DataDirectory(path: arguments[1]), device: arguments[2])
var written = 0
while count == 0 || written < count {
    do {
        let result = try writer.append(.export(ExportBody(parameters: ["n": String(written), "pid": String(getpid())])),
                                       author: "TST")
        let line = Array((result.id.uuidString.lowercased() + "\n").utf8)
        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        written += 1
    } catch {
        FileHandle.standardError.write(Data((error.danishDescription + "\n").utf8))
        exit(74)
    }
}
