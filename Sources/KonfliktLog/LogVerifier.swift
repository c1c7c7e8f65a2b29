import Foundation

/// Checks log files without parsing JSON: each line's structure and hash, the chain of `prev` hashes,
/// sequence continuity and a complete last line. Streams the file; memory stays flat.
public enum LogVerifier {
    /// Verifies every `*.jsonl` file in `directory`; with `against` (an earlier report) also reports
    /// files that were truncated, rolled back or removed since.
    public static func verify(directory: DataDirectory, against: VerifyReport? = nil) throws(LogError) -> VerifyReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw .dataDirectoryUnavailable(path: directory.path, reason: systemReason(ENOENT))
        }
        let names = try directory.logFiles()
        var previous: [String: FileReport] = [:]
        for file in against?.files ?? [] { previous[file.file] = file }
        var reports: [FileReport] = []
        for name in names {
            reports.append(try verifyFile(path: directory.file(name), name: name, against: previous[name]?.head))
        }
        for (name, old) in previous.sorted(by: { $0.key < $1.key }) where !names.contains(name) && old.head != nil {
            reports.append(FileReport(file: name, events: 0, lines: 0, head: nil, problem: Problem(kind: .missing, line: nil)))
        }
        return VerifyReport(files: reports)
    }

    /// Reads a heads file (the JSON of an earlier `verify --json`).
    public static func loadHeads(path: String) throws(LogError) -> VerifyReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .readFailed(path: path, reason: systemReason(FileManager.default.fileExists(atPath: path) ? EACCES : ENOENT))
        }
        do {
            return try JSONDecoder().decode(VerifyReport.self, from: data)
        } catch {
            throw .badHeadsFile(path: path, reason: "det er ikke output fra verify --json")
        }
    }

    /// Verifies one file; `against` is the file's head in an earlier report.
    static func verifyFile(path: String, name: String, against old: Head?,
                           chunkSize: Int = 4 << 20) throws(LogError) -> FileReport {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .openFailed(path: path, reason: systemReason(errno)) }
        defer { close(fd) }
        var previousHash = [UInt8](repeating: 0x30, count: 64)
        var expectedSeq = 1
        var events = 0
        var head: Head?
        var problem: Problem?
        let oldHash = old.map { Array($0.hash.utf8) }
        let end: LineScanner.End
        do {
            end = try LineScanner.scan(fd: fd, path: path, chunkSize: chunkSize) { number, line in
                if problem != nil { return true }
                guard UTF8Check.isValid(line) else {
                    problem = Problem(kind: .notUTF8, line: number)
                    return true
                }
                let seq: Int
                switch EventLine.check(line) {
                case .malformed:
                    problem = Problem(kind: .badJSON, line: number)
                    return true
                case .badHash:
                    problem = Problem(kind: .badHash, line: number)
                    return true
                case .ok(let lineSeq, let version):
                    guard version <= EventLine.version else {
                        problem = Problem(kind: .futureVersion, line: number)
                        return true
                    }
                    seq = lineSeq
                }
                let prev = EventLine.prevField(line)
                let chained = previousHash.withUnsafeBytes { memcmp($0.baseAddress!, prev.baseAddress!, 64) == 0 }
                guard chained else {
                    problem = Problem(kind: .brokenChain, line: number)
                    return true
                }
                guard seq == expectedSeq else {
                    problem = Problem(kind: .sequenceGap, line: number)
                    return true
                }
                let hash = EventLine.hashField(line)
                if let old, let oldHash, old.seq == seq,
                   !oldHash.withUnsafeBytes({ $0.count == 64 && memcmp($0.baseAddress!, hash.baseAddress!, 64) == 0 }) {
                    problem = Problem(kind: .rolledBack, line: number)
                    return true
                }
                previousHash.withUnsafeMutableBytes { $0.copyMemory(from: hash) }
                expectedSeq += 1
                events += 1
                return true
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
        if events > 0 {
            head = Head(seq: expectedSeq - 1, hash: String(decoding: previousHash, as: UTF8.self))
        }
        if problem == nil, end.trailingBytes > 0 {
            problem = Problem(kind: .unterminatedTail, line: end.lines + 1)
        }
        if problem == nil, let old, (head?.seq ?? 0) < old.seq {
            problem = Problem(kind: .truncated, line: nil)
        }
        return FileReport(file: name, events: events, lines: end.lines, head: head, problem: problem)
    }
}
