import Dispatch
import Foundation
import Synchronization

/// Decoding one line on its own, and the sizes of the batches lines are decoded in.
enum DecodeBatch {
    /// Lines per batch.
    static let capacity = 2048
    /// Threads that decode one batch.
    static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// The event of one line (without its newline), or why it cannot be read; `lean` leaves out what no
    /// read model needs (`LogEvent.leanCopy`). The line's own hash is checked by the reader that wants it
    /// (`LineBatch.decode`).
    static func decode(_ bytes: [UInt8], file: String, line: Int, keys: BodyKeys? = nil,
                       lean: Bool = false) -> Result<LogEvent, LogError> {
        bytes.withUnsafeBytes { decode($0, file: file, line: line, keys: keys, lean: lean) }
    }

    /// As `decode`, from borrowed bytes.
    static func decode(_ raw: UnsafeRawBufferPointer, file: String, line: Int, keys: BodyKeys? = nil,
                       lean: Bool = false) -> Result<LogEvent, LogError> {
        do throws(LogError) {
            return .success(try LogEvent.decode(raw, file: file, line: line, keys: keys, lean: lean))
        } catch {
            return .failure(error)
        }
    }
}

/// Prepares a line straight from its bytes (without its newline), its number and its offset in the
/// file; nil: decode it as usual (see `LineBatch.decode`).
public typealias DirectPrepare<Prepared> = @Sendable (UnsafeRawBufferPointer, Int, Int) -> Prepared?

/// The lines of a batch: their bytes one after another (one buffer per batch, not one per line), and
/// where each line is in the file and in the buffer.
struct LineBatch: Sendable {
    var bytes: [UInt8] = []
    var lines: [(number: Int, offset: Int, start: Int, count: Int)] = []

    init() {
        bytes.reserveCapacity(DecodeBatch.capacity * 1024)
        lines.reserveCapacity(DecodeBatch.capacity)
    }

    /// A batch of lines that lie in `bytes` (shared, not copied: see `LineScanner.scanBatches`).
    init(sharing bytes: [UInt8]) {
        self.bytes = bytes
        lines.reserveCapacity(DecodeBatch.capacity)
    }

    /// Decodes line `index` (see `DecodeBatch.decode`) from `raw`, this batch's bytes, and prepares its event.
    /// With `direct` (only when `checking`), a line whose hash layout is intact, that is valid UTF-8 and
    /// clear, is first given to `direct`, which prepares it from its bytes, or gives nil for the usual path.
    @inline(__always)       // into the workers' loop, where the generic metadata it needs is looked up once
    func decode<Prepared>(_ index: Int, in raw: UnsafeRawBufferPointer, file: String, keys: BodyKeys?, checking: Bool,
                          lean: Bool, direct: DirectPrepare<Prepared>?,
                          prepare: (LocatedEvent) -> Prepared) -> Result<Prepared, LogError> {
        let line = lines[index]
        let bytes = UnsafeRawBufferPointer(rebasing: raw[line.start..<line.start + line.count])
        if checking {
            switch EventLine.check(bytes) {
            case .badHash:
                return .failure(.badEvent(file: file, line: line.number, reason: "linjens hash passer ikke til indholdet"))
            case .ok:
                if let direct, BodyCrypto.sealedRange(bytes) == nil, UTF8Check.isValid(bytes),
                   let prepared = direct(bytes, line.number, line.offset) {
                    return .success(prepared)
                }
            case .malformed:
                break
            }
        }
        return DecodeBatch.decode(bytes, file: file, line: line.number, keys: keys, lean: lean)
            .map { prepare(LocatedEvent(file: file, line: line.number, event: $0, offset: line.offset, length: line.count)) }
    }
}

/// The lines of one file, decoded in batches on every core and visited in file order, as a pipeline:
/// while the caller visits one batch, the next ones (`depth`) are decoded in the background, so a serial
/// visitor (the case index's fold) and the decoding run at the same time.
///
/// `prepare` runs on the decoding threads, once per event, in no particular order: whatever a visitor
/// can work out from one event alone is best done there, and the visitor gets its result, in order.
struct DecodePipeline<Prepared: Sendable> {
    /// A batch's results, in the parts its workers made (see `DecodeJob`).
    typealias Parts = [[Result<Prepared, LogError>]]

    let file: String
    /// The keys that open sealed bodies (nil: a sealed body is a problem).
    let keys: BodyKeys?
    /// Whether a line whose own hash does not match its bytes is a problem instead of an event.
    let checkingHashes: Bool
    /// Whether events leave out what no read model needs (`LogEvent.leanCopy`).
    let lean: Bool
    let prepare: @Sendable (LocatedEvent) -> Prepared
    /// Prepares a line from its bytes where it can (with `checkingHashes` only; see `LineBatch.decode`).
    let direct: DirectPrepare<Prepared>?
    private var batch = LineBatch()
    /// The batches being decoded in the background, oldest first: each waits for its batch and gives
    /// its results.
    private var inFlight: [() -> Parts] = []
    /// How many batches decode in the background while one is visited. Two keep both cores busy while
    /// the visitor works through a batch; one left them idle a fifth of the time at a million events
    /// (3.6 against 4.0 s to fold them; each more batch holds about 2 MB).
    static var depth: Int { 2 }

    init(file: String, keys: BodyKeys? = nil, checkingHashes: Bool = false, lean: Bool = false,
         direct: DirectPrepare<Prepared>? = nil, prepare: @escaping @Sendable (LocatedEvent) -> Prepared) {
        self.file = file
        self.direct = direct
        self.keys = keys
        self.checkingHashes = checkingHashes
        self.lean = lean
        self.prepare = prepare
    }

    /// Whether the batch has its lines (or, for very long lines, 16 MiB).
    var isFull: Bool { batch.lines.count >= DecodeBatch.capacity || batch.bytes.count >= 16 << 20 }

    mutating func add(line: Int, offset: Int, bytes: UnsafeRawBufferPointer) {
        batch.lines.append((line, offset, batch.bytes.count, bytes.count))
        batch.bytes.append(contentsOf: bytes)
    }

    /// Starts decoding the lines added so far, then visits the oldest batch started while more than
    /// `depth` decode; its problems go to `problems` in line order.
    mutating func flush(into problems: inout [LogError], _ visit: (Prepared) throws -> Void) throws {
        guard !batch.lines.isEmpty else { return }
        let full = batch
        batch = LineBatch()
        try send(full, into: &problems, visit)
    }

    /// Starts decoding `lines`, a batch made elsewhere (`LineScanner.scanBatches`), after the lines added
    /// so far, then visits the oldest batches started (as `flush`).
    mutating func send(_ lines: LineBatch, into problems: inout [LogError], _ visit: (Prepared) throws -> Void) throws {
        try flush(into: &problems, visit)
        guard !lines.lines.isEmpty else { return }
        inFlight.append(start(lines))
        while inFlight.count > Self.depth {
            let previous = inFlight.removeFirst()
            try Self.deliver(previous(), into: &problems, visit)
        }
    }

    /// Decodes and visits everything still pending.
    mutating func finish(into problems: inout [LogError], _ visit: (Prepared) throws -> Void) throws {
        try flush(into: &problems, visit)
        while !inFlight.isEmpty {
            let previous = inFlight.removeFirst()
            try Self.deliver(previous(), into: &problems, visit)
        }
    }

    /// Waits for the batch in the background, if any, and drops it (after a visit threw): nothing is
    /// left running when the reading ends.
    mutating func abandon() {
        while !inFlight.isEmpty { _ = inFlight.removeFirst()() }
    }

    /// Visits the results of a batch in line order: line `i` is element `i / n` of part `i % n` (of `n`
    /// parts, see `DecodeJob`).
    private static func deliver(_ parts: consuming Parts, into problems: inout [LogError],
                                _ visit: (Prepared) throws -> Void) throws {
        let count = parts.reduce(0) { $0 + $1.count }
        let stride = parts.count
        for index in 0..<count {
            switch parts[index % stride][index / stride] {
            case .success(let prepared): try visit(prepared)
            case .failure(let error): problems.append(error)
            }
        }
    }

    /// Starts decoding `input` in the background and returns the wait for its results (where that is
    /// not available, decodes it at once).
    private func start(_ input: LineBatch) -> () -> Parts {
        let file = file, keys = keys, checking = checkingHashes, lean = lean, prepare = prepare, direct = direct
        guard #available(macOS 15, *) else {
            let results: [Result<Prepared, LogError>] = input.bytes.withUnsafeBytes { raw in
                input.lines.indices.map { index in
                    input.decode(index, in: raw, file: file, keys: keys, checking: checking, lean: lean, direct: direct,
                                 prepare: prepare)
                }
            }
            return { [results] }
        }
        let job = DecodeJob<Prepared>(count: input.lines.count)
        DispatchQueue.global(qos: .userInitiated).async(group: job.group) {
            job.run(input, file: file, keys: keys, checking: checking, lean: lean, direct: direct, prepare: prepare)
        }
        return { job.wait() }
    }
}

/// One batch decoded in the background: worker `w` of `n` (`DecodeBatch.workers`, at most one per line)
/// decodes lines w, w + n, … on its own, into its own part of the results, which it hands over under
/// the lock once: the results are made where they stay (no copy, no optional per line).
@available(macOS 15, *)
private final class DecodeJob<Prepared: Sendable>: Sendable {
    let group = DispatchGroup()
    private let parts: Mutex<[[Result<Prepared, LogError>]]>
    private let workers: Int

    init(count: Int) {
        workers = max(1, min(DecodeBatch.workers, count))
        parts = Mutex(Array(repeating: [], count: workers))
    }

    func run(_ input: LineBatch, file: String, keys: BodyKeys?, checking: Bool, lean: Bool,
             direct: DirectPrepare<Prepared>?, prepare: @Sendable (LocatedEvent) -> Prepared) {
        let count = input.lines.count
        let workers = workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var local: [Result<Prepared, LogError>] = []
            local.reserveCapacity(count / workers + 1)
            input.bytes.withUnsafeBytes { raw in
                var index = worker
                while index < count {
                    local.append(input.decode(index, in: raw, file: file, keys: keys, checking: checking,
                                              lean: lean, direct: direct, prepare: prepare))
                    index += workers
                }
            }
            parts.withLock { parts in parts[worker] = local }
        }
    }

    /// Waits until `run` is done and hands out its parts (once).
    func wait() -> [[Result<Prepared, LogError>]] {
        group.wait()
        return parts.withLock { parts in
            let taken = parts
            parts = []
            return taken
        }
    }
}
