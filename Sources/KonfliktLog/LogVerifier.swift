import Foundation
import Synchronization

/// Checks log files: each line's structure and hash (without parsing JSON), the chain of `prev`
/// hashes, sequence continuity and a complete last line; then each body, decoded as the readers
/// decode it (unless `checkingBodies` is false). Streams the file; memory stays flat.
public enum LogVerifier {
    /// Verifies every `*.jsonl` file in `directory`; with `against` (an earlier report) also reports
    /// files that were truncated, rolled back or removed since. A symbolic link, a folder or a FIFO
    /// under a log file's name is reported as that file's problem (never opened in a way that could
    /// block or follow it), and the other files are still checked. The folder's and the files'
    /// permissions and owners, and any quarantine files, are reported beside the files.
    ///
    /// With `checkingBodies` false, bodies are not decoded: structure, hashes and chain only, at
    /// about hashing speed.
    public static func verify(directory: DataDirectory, against: VerifyReport? = nil,
                              checkingBodies: Bool = true) throws(LogError) -> VerifyReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw .dataDirectoryUnavailable(path: directory.path, reason: systemReason(ENOENT))
        }
        let names = try directory.logFiles()
        var previous: [String: FileReport] = [:]
        for file in against?.files ?? [] { previous[file.file] = file }
        var reports: [FileReport] = []
        for name in names {
            let path = directory.file(name)
            switch LogFileAccess.openForReading(path) {
            case .success(let fd):
                defer { close(fd) }
                reports.append(try verifyFile(fd: fd, path: path, name: name, against: previous[name]?.head,
                                              checkingBodies: checkingBodies))
            case .failure(let refusal):
                let kind: ProblemKind
                switch refusal {
                case .symbolicLink: kind = .symbolicLink
                case .notRegularFile: kind = .notRegularFile
                default: kind = .unreadable
                }
                reports.append(FileReport(file: name, events: 0, lines: 0, head: nil, problem: Problem(kind: kind, line: nil)))
            }
        }
        for (name, old) in previous.sorted(by: { $0.key < $1.key }) where !names.contains(name) && old.head != nil {
            reports.append(FileReport(file: name, events: 0, lines: 0, head: nil, problem: Problem(kind: .missing, line: nil)))
        }
        let inspection = directory.inspect()
        return VerifyReport(files: reports, access: inspection.accessProblems, quarantineFiles: inspection.quarantineFiles)
    }

    /// Reads a heads file (the JSON of an earlier `verify --json`).
    public static func loadHeads(path: String) throws(LogError) -> VerifyReport {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .badHeadsFile(path: path, reason: "det er en mappe; angiv filen med output fra verify --json")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .readFailed(path: path, reason: systemReason(FileManager.default.fileExists(atPath: path) ? EACCES : ENOENT))
        }
        do {
            return try JSONDecoder().decode(VerifyReport.self, from: data)
        } catch {
            throw .badHeadsFile(path: path, reason: "det er ikke output fra verify --json")
        }
    }

    /// Verifies one file at `path` (opened as a log file must be); for tests.
    static func verifyFile(path: String, name: String, against old: Head?,
                           chunkSize: Int = 4 << 20) throws(LogError) -> FileReport {
        let fd: Int32
        switch LogFileAccess.openForReading(path) {
        case .success(let opened): fd = opened
        case .failure(let error): throw error
        }
        defer { close(fd) }
        return try verifyFile(fd: fd, path: path, name: name, against: old, chunkSize: chunkSize)
    }

    /// Verifies one open file; `against` is the file's head in an earlier report. Each line's
    /// structure, hash, chain and sequence are checked as it is read; lines that pass are then decoded
    /// in batches (on every core) as the readers decode them, so that a line the review or the export
    /// could not read is a problem here too.
    static func verifyFile(fd: Int32, path: String, name: String, against old: Head?,
                           chunkSize: Int = 4 << 20, checkingBodies: Bool = true) throws(LogError) -> FileReport {
        var previousHash = [UInt8](repeating: 0x30, count: 64)
        var expectedSeq = 1
        var problem: Problem?
        var bodies = BodyBatch(file: name, checking: checkingBodies)
        let oldHash = old.map { Array($0.hash.utf8) }
        let end: LineScanner.End
        do {
            end = try LineScanner.scan(fd: fd, path: path, chunkSize: chunkSize) { number, line in
                if problem != nil { return true }
                // A structural problem at this line comes after any body problem still in the batch.
                func fail(_ kind: ProblemKind) -> Bool {
                    bodies.flush()
                    if bodies.problem == nil { problem = Problem(kind: kind, line: number) }
                    else { problem = bodies.problem }
                    return true
                }
                guard UTF8Check.isValid(line) else { return fail(.notUTF8) }
                let seq: Int
                switch EventLine.check(line) {
                case .malformed: return fail(.badJSON)
                case .badHash: return fail(.badHash)
                case .ok(let lineSeq, let version):
                    guard version <= EventLine.version else { return fail(.futureVersion) }
                    seq = lineSeq
                }
                let prev = EventLine.prevField(line)
                let chained = previousHash.withUnsafeBytes { memcmp($0.baseAddress!, prev.baseAddress!, 64) == 0 }
                guard chained else { return fail(.brokenChain) }
                guard seq == expectedSeq else { return fail(.sequenceGap) }
                let hash = EventLine.hashField(line)
                if let old, let oldHash, old.seq == seq,
                   !oldHash.withUnsafeBytes({ $0.count == 64 && memcmp($0.baseAddress!, hash.baseAddress!, 64) == 0 }) {
                    return fail(.rolledBack)
                }
                previousHash.withUnsafeMutableBytes { $0.copyMemory(from: hash) }
                expectedSeq += 1
                bodies.add(line: number, seq: seq, hash: hash, bytes: line)
                if bodies.isFull {
                    bodies.flush()
                    if let found = bodies.problem { problem = found }
                }
                return true
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
        if problem == nil {
            bodies.flush()
            problem = bodies.problem
        }
        if problem == nil, end.trailingBytes > 0 {
            problem = Problem(kind: .unterminatedTail, line: end.lines + 1)
        }
        let head = bodies.head
        if problem == nil, let old, (head?.seq ?? 0) < old.seq {
            problem = Problem(kind: .truncated, line: nil)
        }
        var report = FileReport(file: name, events: bodies.events, lines: end.lines, head: head, problem: problem)
        if end.lostFinalNewline { report.missingFinalNewline = true }
        return report
    }
}

/// Lines of one file that passed the structural checks, decoded in parallel as the readers decode
/// them; keeps the count and head of the events before the first line that does not decode.
struct BodyBatch {
    let file: String
    private var lines: [(number: Int, seq: Int, hash: [UInt8], bytes: [UInt8])] = []
    /// Events checked in full before the first problem.
    private(set) var events = 0
    /// The last event checked in full.
    var head: Head? {
        if checking { return checkedHead }
        return events > 0 ? Head(seq: lastSeq, hash: String(decoding: lastHash, as: UTF8.self)) : nil
    }
    private var checkedHead: Head?
    /// Without body checks: the last line's seq and hash, kept without allocating per line.
    private var lastSeq = 0
    private var lastHash = [UInt8](repeating: 0, count: 64)
    /// The first line whose body the readers could not read.
    private(set) var problem: Problem?
    private static let capacity = 2048
    private static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// False: bodies are not decoded, and the batch only keeps the count and the head.
    let checking: Bool

    init(file: String, checking: Bool = true) {
        self.file = file
        self.checking = checking
    }

    var isFull: Bool { lines.count >= Self.capacity }

    mutating func add(line: Int, seq: Int, hash: UnsafeRawBufferPointer, bytes: UnsafeRawBufferPointer) {
        guard checking else {
            events += 1
            lastSeq = seq
            lastHash.withUnsafeMutableBytes { $0.copyMemory(from: hash) }
            return
        }
        lines.append((line, seq, Array(hash), Array(bytes)))
    }

    /// Decodes the batch; sets `problem` at the first line that fails, else moves the head on.
    mutating func flush() {
        guard problem == nil, !lines.isEmpty else { lines.removeAll(keepingCapacity: true); return }
        let input = lines, file = file, count = lines.count
        let workers = min(Self.workers, count)
        var found: [Int: ProblemKind] = [:]
        if #available(macOS 15, *), workers > 1 {
            let failures = Mutex<[Int: ProblemKind]>([:])
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var local: [Int: ProblemKind] = [:]
                var index = worker
                while index < count {
                    if let kind = Self.bodyProblem(input[index].bytes, file: file, line: input[index].number) {
                        local[index] = kind
                    }
                    index += workers
                }
                if !local.isEmpty { failures.withLock { $0.merge(local) { first, _ in first } } }
            }
            found = failures.withLock { $0 }
        } else {
            for index in 0..<count {
                if let kind = Self.bodyProblem(input[index].bytes, file: file, line: input[index].number) { found[index] = kind }
            }
        }
        lines.removeAll(keepingCapacity: true)
        if let first = found.keys.min() {
            events += first
            if first > 0 { checkedHead = Head(seq: input[first - 1].seq, hash: String(decoding: input[first - 1].hash, as: UTF8.self)) }
            problem = Problem(kind: found[first] ?? .badBody, line: input[first].number)
        } else {
            events += count
            checkedHead = Head(seq: input[count - 1].seq, hash: String(decoding: input[count - 1].hash, as: UTF8.self))
        }
    }

    /// Why the readers could not read this line's body, or nil when they can. A line with an
    /// encrypted body (`"enc"`) is readable when `enc` is a JSON object (the key holder decrypts it).
    static func bodyProblem(_ bytes: [UInt8], file: String, line: Int) -> ProblemKind? {
        switch DecodeBatch.decode(bytes, file: file, line: line) {
        case .success: return nil
        case .failure(.unknownEventType): return .unknownType
        case .failure(.unsupportedVersion): return .futureVersion
        case .failure(.notUTF8): return .notUTF8
        case .failure(.encryptedBody):
            // A sealed body cannot be read without a key, but its layout can (docs/LOG.md).
            switch bytes.withUnsafeBytes({ BodyCrypto.layout(of: $0) }) {
            case .wellFormed: return nil
            case .newerVersion: return .futureVersion
            case .malformed: return .badBody
            }
        case .failure: return .badBody
        }
    }
}
