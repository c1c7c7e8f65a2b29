import Foundation
import KonfliktCore

/// Where an event's line is in its file: enough to read it again.
struct LineLocation: Hashable, Sendable {
    var file: Int32
    var line: Int32
    var offset: Int64
    var length: Int32
}

/// The fold for readers that want only some cases (the review: flagged, and by default open ones),
/// with memory that does not follow the size of the log. It needs a `ReferenceScan` of the same files.
///
/// While reading, a case is held only as the locations of its lines (about 24 bytes per event). When
/// the last event that points at it has been read (the scan's count reaches zero), its lines are read
/// again and folded by `CaseFolder`: a case that will be returned is kept as it is, any other is let
/// go. At the end the cases still held (only when the scan counted too many events) are read again and
/// folded the same way, so the result is exactly `CaseFolder`'s.
struct LocationFolder {
    let options: FoldOptions
    let directory: DataDirectory
    /// Events still to come per screening (from the scan).
    private var remaining: [UUID: Int32]
    /// Held cases: the screening's line first, then the lines of its corrections and follow-ups.
    private var held: [UUID: [LineLocation]] = [:]
    /// Cases nothing can change any more that will be returned (trimmed as the options say), and their ids.
    private var settled: [Case] = []
    private var settledIDs: Set<UUID> = []
    /// Corrections and follow-ups read before their screening.
    private var pending: [UUID: [(location: LineLocation, event: UUID)]] = [:]
    /// Cases let go that had a flag or events, so that a second screening with one of their ids is an orphan.
    private var released: Set<UUID> = []
    private var orphans: [OrphanEvent] = []
    private var files: [String] = []
    private var fileNumbers: [String: Int32] = [:]
    private var descriptors: [Int32: Int32] = [:]
    /// Lines that could be read once but not again (a file changed while it was read).
    private(set) var problems: [LogError] = []
    /// Whether an event was not counted by the scan; the caller then folds again with `CaseFolder`.
    private(set) var scanMissed = false

    init(options: FoldOptions, directory: DataDirectory, references: [UUID: Int32]) {
        self.options = options
        self.directory = directory
        remaining = references
    }

    /// Folds one event.
    mutating func add(_ located: LocatedEvent) {
        let location = locate(located)
        switch located.event.body {
        case .screening(let body):
            let id = located.event.id
            guard held[id] == nil, !settledIDs.contains(id), !released.contains(id) else {
                orphans.append(OrphanEvent(file: located.file, line: located.line, event: id, screening: id))
                return
            }
            let waiting = pending.removeValue(forKey: id) ?? []
            // An unflagged screening that nothing points at can never be a case here.
            if options.skipUnflaggedBodies, body.form.isEmpty, remaining[id] == nil { return }
            held[id] = [location] + waiting.map(\.location)
            if waiting.isEmpty, remaining[id] == nil {
                settle(id, inHand: located)
            } else if !waiting.isEmpty {
                countDown(id, by: Int32(waiting.count))
            }
        case .correction(let body):
            follow(body.screening, location, located)
        case .followup(let body):
            follow(body.screening, location, located)
        case .export:
            break
        }
    }

    /// The wanted cases, oldest first, and the orphans; closes the files.
    mutating func finish() -> FoldResult {
        var cases = settled
        settled = []
        for id in held.keys {
            if let item = held[id].flatMap({ materialize($0, inHand: nil) }), wanted(item) {
                cases.append(options.returned(item))
            }
        }
        for descriptor in descriptors.values { close(descriptor) }
        descriptors = [:]
        cases.sort { ($0.timestamp, $0.id.uuidString) < ($1.timestamp, $1.id.uuidString) }
        var all = orphans
        for (screening, events) in pending {
            for event in events {
                all.append(OrphanEvent(file: files[Int(event.location.file)], line: Int(event.location.line),
                                       event: event.event, screening: screening))
            }
        }
        all.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return FoldResult(cases: cases, orphans: all, problems: [])
    }

    // MARK: - Holding and letting go

    private mutating func follow(_ screening: UUID, _ location: LineLocation, _ located: LocatedEvent) {
        guard held[screening] != nil else {
            // Counted by the scan, it waits for its screening; not counted, the scan missed it.
            if remaining[screening] == nil { scanMissed = true }
            pending[screening, default: []].append((location, located.event.id))
            return
        }
        held[screening]?.append(location)
        countDown(screening, by: 1)
    }

    private mutating func countDown(_ id: UUID, by events: Int32) {
        guard let count = remaining[id], count >= events else {
            scanMissed = true
            return
        }
        if count > events {
            remaining[id] = count - events
        } else {
            remaining[id] = nil
            settle(id, inHand: nil)
        }
    }

    /// Nothing can change the case any more: keep it if it will be returned, else let it go.
    private mutating func settle(_ id: UUID, inHand: LocatedEvent?) {
        guard let locations = held.removeValue(forKey: id) else { return }
        let item = materialize(locations, inHand: inHand)
        if let item, wanted(item) {
            settled.append(options.returned(item))
            settledIDs.insert(id)
        } else if item?.flagged ?? true || locations.count > 1 {
            released.insert(id)
        }
    }

    private func wanted(_ item: Case) -> Bool {
        (!options.onlyOpen || item.isOpen) && (!options.skipUnflaggedBodies || item.flagged)
    }

    // MARK: - Reading lines again

    private mutating func locate(_ located: LocatedEvent) -> LineLocation {
        let number: Int32
        if let known = fileNumbers[located.file] {
            number = known
        } else {
            number = Int32(files.count)
            files.append(located.file)
            fileNumbers[located.file] = number
        }
        return LineLocation(file: number, line: Int32(clamping: located.line), offset: Int64(located.offset),
                            length: Int32(clamping: located.length))
    }

    /// The case folded from its lines, read again (the event in hand is used as it is when it is
    /// fully decoded); nil when a line cannot be read again.
    private mutating func materialize(_ locations: [LineLocation], inHand: LocatedEvent?) -> Case? {
        var folder = CaseFolder(options: FoldOptions(deadlineDays: options.deadlineDays,
                                                     flaggingActions: options.flaggingActions, today: options.today))
        for location in locations {
            if let inHand, inHand.offset == Int(location.offset), files[Int(location.file)] == inHand.file,
               !Self.isEnvelopeOnly(inHand.event) {
                folder.add(inHand)
            } else if let event = read(location) {
                folder.add(event)
            } else {
                return nil
            }
        }
        return folder.finish().cases.first      // the lines are one screening and its events
    }

    private static func isEnvelopeOnly(_ event: LogEvent) -> Bool {
        if case .screening(let body) = event.body { return body.form.isEmpty }
        return false
    }

    private mutating func read(_ location: LineLocation) -> LocatedEvent? {
        let name = files[Int(location.file)]
        let path = directory.file(name)
        let descriptor: Int32
        if let open = descriptors[location.file] {
            descriptor = open
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                problems.append(.openFailed(path: path, reason: systemReason(errno)))
                return nil
            }
            descriptors[location.file] = descriptor
        }
        var bytes = [UInt8](repeating: 0, count: Int(location.length))
        let count = bytes.withUnsafeMutableBytes { buffer in
            pread(descriptor, buffer.baseAddress, buffer.count, off_t(location.offset))
        }
        guard count == Int(location.length) else {
            problems.append(.readFailed(path: path, reason: "linje \(location.line) kunne ikke læses igen"))
            return nil
        }
        let decoded: Result<LogEvent, LogError> = bytes.withUnsafeBytes { raw in
            do throws(LogError) {
                return .success(try LogEvent.decode(raw, file: name, line: Int(location.line)))
            } catch {
                return .failure(error)
            }
        }
        switch decoded {
        case .success(let event):
            return LocatedEvent(file: name, line: Int(location.line), event: event,
                                offset: Int(location.offset), length: Int(location.length))
        case .failure(let error):
            problems.append(error)
            return nil
        }
    }
}
