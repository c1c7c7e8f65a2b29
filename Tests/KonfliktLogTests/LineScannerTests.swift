import Foundation
import Testing
@testable import KonfliktLog

/// `LineScanner.scanBatches` hands out the very lines `scan` does, wherever a buffer's end cuts them.
@Suite struct LineScannerTests {
    /// The lines `scan` and `scanBatches` (with buffers of `chunk` bytes) find in `content`: number,
    /// offset and bytes of each, and how each scan ended.
    static func bothScans(_ content: [UInt8], chunk: Int, batchLines: Int = 3, afterLine: Int = 0,
                          at offset: Int = 0) throws -> (scanned: [[Int]], batched: [[Int]], same: Bool) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("konflikt-scan-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        func fd() -> Int32 { open(path, O_RDONLY) }
        var scanned: [[Int]] = [], batched: [[Int]] = []
        let first = fd()
        defer { close(first) }
        let scanEnd = try LineScanner.scan(fd: first, path: path, chunkSize: chunk) { number, start, bytes in
            scanned.append([afterLine + number, offset + start] + bytes.map(Int.init))
            return true
        }
        let second = fd()
        defer { close(second) }
        let batchEnd = try LineScanner.scanBatches(fd: second, path: path, chunkSize: chunk, lines: batchLines,
                                                   afterLine: afterLine, at: offset) { batch in
            #expect(!batch.lines.isEmpty && batch.lines.count <= batchLines)
            batch.bytes.withUnsafeBytes { raw in
                for line in batch.lines {
                    batched.append([line.number, line.offset] + raw[line.start..<line.start + line.count].map(Int.init))
                }
            }
        }
        let same = scanEnd.lines == batchEnd.lines && scanEnd.trailingBytes == batchEnd.trailingBytes
            && scanEnd.bytes == batchEnd.bytes && scanEnd.lostFinalNewline == batchEnd.lostFinalNewline
        return (scanned, batched, same)
    }

    @Test func batchesHoldTheLinesScanFinds() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var content: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                // Empty lines, short ones and ones longer than any buffer.
                let length = [0, 1, 7, 8, 9, 31, 64, 65, 200, 700].randomElement(using: &generator)!
                content += (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
                content.append(0x0A)
            }
            if round % 3 == 0 { content += Array("a torn last line".utf8) }
            for chunk in [1, 8, 16, 64, 1 << 20] {
                let result = try Self.bothScans(content, chunk: chunk, afterLine: round, at: round * 10)
                #expect(result.scanned == result.batched)
                #expect(result.same)
            }
        }
    }

    @Test func aCompleteLastEventWithoutItsNewlineIsALine() throws {
        let (line, _) = EventLine.seal(Array(#"{"prev":"\#(EventLine.genesis)","seq":1,"v":1,"id":"x","body":{}"#.utf8))
        let content = line + Array(line.dropLast())      // the second copy lost its newline
        for chunk in [8, 100, 1 << 20] {
            let result = try Self.bothScans(content, chunk: chunk)
            #expect(result.scanned == result.batched)
            #expect(result.batched.count == 2)
            #expect(result.same)
        }
    }
}
