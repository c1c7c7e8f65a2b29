// konflikt-bench-append DATA_DIR DEVICE COUNT
//
// Benchmark helper for scripts/bench (run by hand): measures COUNT durable appends through
// LogWriter to DEVICE's log in DATA_DIR (which may already hold a big file: the cost must not grow
// with it), each with a body of about the size of a screening line, and then COUNT bare
// write+fsync calls of the same bytes to a scratch file in the same directory. Prints one line each:
//   append <median µs> <p99 µs>
//   bare <median µs> <p99 µs>
import Foundation
import KonfliktLog

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), count > 0 else {
    FileHandle.standardError.write(Data("brug: konflikt-bench-append DATAMAPPE ENHED ANTAL\n".utf8))
    exit(64)
}

func microseconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end - start) / 1000 }

func summary(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    let median = sorted[sorted.count / 2]
    let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    return String(format: "%.0f %.0f", median, p99)
}

let directory = DataDirectory(path: arguments[1])
let writer = LogWriter(directory: directory, device: arguments[2])
let padding = String(repeating: "x", count: 700)
let scratch = directory.file("bare-write-fsync.scratch")
let fd = open(scratch, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0o600)
guard fd >= 0 else { exit(74) }
defer { close(fd); unlink(scratch) }
let logPath = directory.file("\(arguments[2]).jsonl")
var appendSamples: [Double] = []
var bareSamples: [Double] = []
// Interleaved, so that both see the same disk: the disk of a virtual machine varies tenfold
// from one second to the next.
for index in 0..<count {
    let sizeBefore = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
    let start = DispatchTime.now().uptimeNanoseconds
    do {
        _ = try writer.append(.export(ExportBody(parameters: ["n": String(index), "padding": padding])), author: "BEN")
    } catch {
        FileHandle.standardError.write(Data((error.danishDescription + "\n").utf8))
        exit(74)
    }
    appendSamples.append(microseconds(start, DispatchTime.now().uptimeNanoseconds))
    let sizeAfter = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
    let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: max(1, sizeAfter - sizeBefore))
    let bareStart = DispatchTime.now().uptimeNanoseconds
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    _ = fsync(fd)
    bareSamples.append(microseconds(bareStart, DispatchTime.now().uptimeNanoseconds))
}
print("append \(summary(appendSamples))")
print("bare \(summary(bareSamples))")
