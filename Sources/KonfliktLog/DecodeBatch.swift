import Dispatch
import Foundation
import Synchronization

/// Decoding one line on its own, and the sizes of the batches lines are decoded in.
enum DecodeBatch {
    /// Lines per batch.
    static let capacity = 2048
    /// Threads that decode one batch.
    static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// The event of one line (without its newline), or why it cannot be read; with `checkingHash`, a
    /// line whose own hash does not match its bytes is a problem; `lean` leaves out what no read model
    /// needs (`LogEvent.leanCopy`).
    static func decode(_ bytes: [UInt8], file: String, line: Int, keys: BodyKeys? = nil,
                       checkingHash: Bool = false, lean: Bool = false) -> Result<LogEvent, LogError> {
        bytes.withUnsafeBytes { raw in
            if checkingHash, case .badHash = EventLine.check(raw) {
                return .failure(.badEvent(file: file, line: line, reason: "linjens hash passer ikke til indholdet"))
            }
            do throws(LogError) {
                return .success(try LogEvent.decode(raw, file: file, line: line, keys: keys, lean: lean))
            } catch {
                return .failure(error)
            }
        }
    }
}

/// The lines of one file, decoded in batches on every core and visited in file order, as a pipeline:
/// while the caller visits one batch, the next is decoded in the background, so a serial visitor (the
/// case index's fold) and the decoding run at the same time.
///
/// `prepare` runs on the decoding threads, once per event, in no particular order: whatever a visitor
/// can work out from one event alone is best done there, and the visitor gets its result, in order.
struct DecodePipeline<Prepared: Sendable> {
    typealias Line = (number: Int, offset: Int, bytes: [UInt8])
    typealias Results = [Result<Prepared, LogError>?]

    let file: String
    /// The keys that open sealed bodies (nil: a sealed body is a problem).
    let keys: BodyKeys?
    /// Whether a line whose own hash does not match its bytes is a problem instead of an event.
    let checkingHashes: Bool
    /// Whether events leave out what no read model needs (`LogEvent.leanCopy`).
    let lean: Bool
    let prepare: @Sendable (LocatedEvent) -> Prepared
    private var lines: [Line] = []
    /// The batch being decoded in the background: waits for it and gives its results.
    private var inFlight: (() -> Results)?

    init(file: String, keys: BodyKeys? = nil, checkingHashes: Bool = false, lean: Bool = false,
         prepare: @escaping @Sendable (LocatedEvent) -> Prepared) {
        self.file = file
        self.keys = keys
        self.checkingHashes = checkingHashes
        self.lean = lean
        self.prepare = prepare
        lines.reserveCapacity(DecodeBatch.capacity)
    }

    var isFull: Bool { lines.count >= DecodeBatch.capacity }

    mutating func add(line: Int, offset: Int, bytes: UnsafeRawBufferPointer) {
        lines.append((line, offset, Array(bytes)))
    }

    /// Starts decoding the lines added so far, then visits the batch started before it (if any) while
    /// they decode; its problems go to `problems` in line order.
    mutating func flush(into problems: inout [LogError], _ visit: (Prepared) throws -> Void) throws {
        guard !lines.isEmpty else { return }
        let started = start(lines)
        lines = []
        lines.reserveCapacity(DecodeBatch.capacity)
        let previous = inFlight
        inFlight = started
        if let previous { try Self.deliver(previous(), into: &problems, visit) }
    }

    /// Decodes and visits everything still pending.
    mutating func finish(into problems: inout [LogError], _ visit: (Prepared) throws -> Void) throws {
        try flush(into: &problems, visit)
        if let last = inFlight {
            inFlight = nil
            try Self.deliver(last(), into: &problems, visit)
        }
    }

    /// Waits for the batch in the background, if any, and drops it (after a visit threw): nothing is
    /// left running when the reading ends.
    mutating func abandon() {
        if let last = inFlight {
            inFlight = nil
            _ = last()
        }
    }

    private static func deliver(_ results: consuming Results, into problems: inout [LogError],
                                _ visit: (Prepared) throws -> Void) throws {
        for index in results.indices {
            switch results[index] {
            case .success(let prepared)?: try visit(prepared)
            case .failure(let error)?: problems.append(error)
            case nil: break
            }
            results[index] = nil      // let each result go as soon as it is visited
        }
    }

    /// Starts decoding `input` in the background and returns the wait for its results (where that is
    /// not available, decodes it at once).
    private func start(_ input: [Line]) -> () -> Results {
        let file = file, keys = keys, checking = checkingHashes, lean = lean, prepare = prepare
        guard #available(macOS 15, *) else {
            let results: Results = input.map { line in
                DecodeBatch.decode(line.bytes, file: file, line: line.number, keys: keys, checkingHash: checking,
                                   lean: lean)
                    .map { prepare(LocatedEvent(file: file, line: line.number, event: $0, offset: line.offset,
                                                length: line.bytes.count)) }
            }
            return { results }
        }
        let job = DecodeJob<Prepared>(count: input.count)
        DispatchQueue.global(qos: .userInitiated).async(group: job.group) {
            job.run(input, file: file, keys: keys, checking: checking, lean: lean, prepare: prepare)
        }
        return { job.wait() }
    }
}

/// One batch decoded in the background: worker `w` of `DecodeBatch.workers` decodes lines w, w + workers,
/// … on its own and stores its results under the lock.
@available(macOS 15, *)
private final class DecodeJob<Prepared: Sendable>: Sendable {
    let group = DispatchGroup()
    private let results: Mutex<[Result<Prepared, LogError>?]>

    init(count: Int) {
        results = Mutex(Array(repeating: nil, count: count))
    }

    func run(_ input: [(number: Int, offset: Int, bytes: [UInt8])], file: String, keys: BodyKeys?, checking: Bool,
             lean: Bool, prepare: @Sendable (LocatedEvent) -> Prepared) {
        let count = input.count
        let workers = min(DecodeBatch.workers, count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var local: [(Int, Result<Prepared, LogError>)] = []
            local.reserveCapacity(count / workers + 1)
            var index = worker
            while index < count {
                let line = input[index]
                let decoded = DecodeBatch.decode(line.bytes, file: file, line: line.number, keys: keys,
                                                 checkingHash: checking, lean: lean)
                local.append((index, decoded.map {
                    prepare(LocatedEvent(file: file, line: line.number, event: $0, offset: line.offset,
                                         length: line.bytes.count))
                }))
                index += workers
            }
            results.withLock { results in for (index, result) in local { results[index] = result } }
        }
    }

    /// Waits until `run` is done and hands out its results (once).
    func wait() -> [Result<Prepared, LogError>?] {
        group.wait()
        return results.withLock { results in
            let taken = results
            results = []
            return taken
        }
    }
}
