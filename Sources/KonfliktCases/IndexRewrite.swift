import Crypto
import Foundation

extension CaseIndex {
    /// Writes a saved index read in part, brought up to date, to `sink` as a new index file, without
    /// reading its records into memory: the records are streamed from the saved file in reading order
    /// (the sections read already from memory, the others part by part), each with its saved history
    /// (streamed alongside, as the history is kept in the records' order) and the corrections and
    /// follow-ups that waited (`patching`) applied in the order read, followed by the screenings folded
    /// since. Afterwards read the new file back; the index itself is spent.
    ///
    /// Throws when a part of the saved file cannot be read or trusted: then rebuild from the log.
    /// `going` is asked now and then whether to go on; when it says no, `CancellationError` is thrown.
    /// With `place`, the sections that wait for others (the flagged records, the history, the ids) are
    /// spilled there rather than held.
    mutating func writePatched(to sink: IndexSink, key: SymmetricKey?, spill place: SpillPlace? = nil,
                               going: () -> Bool = { true }) throws {
        guard let partial, partial.restUnread else { throw CocoaError(.fileReadCorruptFile) }
        let total = partial.totalRecords, saved = partial.savedPositions
        var writer = try IndexFormat.Writer(sink: sink, key: key)
        // The waiting changes by screening, in the order read.
        var targets: [UUID: [Int32]] = [:]
        for number in 0..<waiting.count { targets[waiting[number].screening, default: []].append(Int32(number)) }

        // The sections not read yet: the flagged ones with their positions, `rest` with the others.
        var positioned: [(positions: [Int32], next: Int, stream: SectionStream)] = []
        for (section, unread) in [(IndexFormat.Section.open, partial.openUnread), (.flagged, true)] where unread {
            guard let (positions, stream) = partial.positioned(section) else { throw CocoaError(.fileReadCorruptFile) }
            positioned.append((positions, 0, stream))
        }
        var rest = SectionStream(source: partial.source, section: .rest)
        var savedHistory = partial.historyUnread ? SectionStream(source: partial.source, section: .history) : nil
        var historyLeft = 0
        if savedHistory != nil {
            guard let count = savedHistory?.next({ $0.count() }) else { throw CocoaError(.fileReadCorruptFile) }
            historyLeft = count
        }
        var nextHistory = historyLeft > 0 ? savedHistory?.next(Self.decodeEntry) : nil

        // The CPR table and the tallies are the saved ones with what changed: the records changed and
        // the new ones.
        var split = try RecordSplit { try place?.spill(UInt8.self, scale: 256) }
        var tallies: [TallyKey: Int] = [:], otherForm = 0
        var removed: [CPREntry] = [], added: [CPREntry] = []
        var prefixes = Self.idRuns(spill: try place?.spill(UInt32.self))
        var history = Pieces(spill: try place?.spill(UInt8.self, scale: 256)), screenings = 0
        var out = BinaryWriter()
        try writer.begin(.rest)
        func emit(_ position: Int32, _ found: CaseRecord) throws {
            var record = found
            var list: [HistoryEntry] = []
            if savedHistory != nil {
                if let (id, entries) = nextHistory, id == record.id {
                    list = entries
                    historyLeft -= 1
                    nextHistory = historyLeft > 0 ? savedHistory?.next(Self.decodeEntry) : nil
                }
            } else {
                list = self.history[record.id] ?? []
            }
            let isNew = Int(position) >= total
            let numbers = targets.removeValue(forKey: record.id) ?? []
            if isNew || !numbers.isEmpty {
                if !isNew {
                    if let entry = CPREntry(found) { removed.append(entry) }
                    if found.isOtherForm { otherForm -= 1 } else { tallies[TallyKey(found), default: 0] -= 1 }
                }
                for number in numbers {
                    let item = waiting[Int(number)]
                    Self.take(item.entry, item.change, into: &record, history: &list)
                }
                if let entry = CPREntry(record) { added.append(entry) }
                if record.isOtherForm { otherForm += 1 } else { tallies[TallyKey(record), default: 0] += 1 }
            }
            if !list.isEmpty {
                Self.encode(record.id, list, to: &history.last)
                try history.cut()
                screenings += 1
            }
            try prefixes.add(Self.idPrefix(record.id))
            guard try !split.add(record, at: position) else { return }
            Self.encode(record, to: &out)
            try out.handOver { try writer.append($0) }
        }
        var next = 0
        for position in 0..<Int32(total) {
            if position & 4095 == 0, !going() { throw CancellationError() }
            if next < saved.count, saved[next] == position {
                try emit(position, records[next])
                next += 1
            } else if let source = positioned.firstIndex(where: { $0.next < $0.positions.count && $0.positions[$0.next] == position }) {
                guard let record = positioned[source].stream.next(Self.decodeRecord) else { throw CocoaError(.fileReadCorruptFile) }
                positioned[source].next += 1
                try emit(position, record)
            } else {
                guard let record = rest.next(Self.decodeRecord) else { throw CocoaError(.fileReadCorruptFile) }
                try emit(position, record)
            }
        }
        guard next == saved.count, rest.isAtEnd, historyLeft == 0, savedHistory?.isAtEnd ?? true,
              positioned.allSatisfy({ $0.next == $0.positions.count && $0.stream.isAtEnd }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        // The screenings folded since the save.
        for (offset, record) in records[saved.count...].enumerated() {
            try emit(Int32(total + offset), record)
        }
        try writer.append(out.data)
        try writer.end()
        // Changes of screenings not read: orphans while that stays so.
        for number in 0..<waiting.count {
            let item = waiting[number]
            if targets[item.screening] != nil { pending[item.screening, default: []].append(item.entry) }
        }
        waiting = ChunkedList()
        patching = false
        var count = BinaryWriter()
        count.varint(UInt64(screenings))
        try history.write(.history, after: count.data, to: &writer)
        try Self.writeIDs(&prefixes, to: &writer)
        var savedCPRs = SectionStream(source: partial.source, section: .cprs)
        try writer.begin(.cprs)
        guard try CPRTable.merged(&savedCPRs, removed: removed, added: added, { try writer.append($0) }),
              let savedTallies = partial.tallies?.bytes ?? partial.source.section(.tallies),
              let talliesBytes = TallyCounter.merged(savedTallies, delta: tallies, otherFormDelta: otherForm) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        try writer.end()
        try writer.write(.tallies, talliesBytes)
        try split.open.write(.open, to: &writer)
        try split.flagged.write(.flagged, to: &writer)
        try writer.write(.head, encodedHead(recordCount: total + records.count - saved.count))
        try writer.finish()
    }

    /// The positions at the start of the `open` or `flagged` section: a count, then each as the step
    /// from the one before, ascending within the file's `total` records.
    static func decodePositions(_ input: inout BinaryReader, total: Int) -> [Int32]? {
        guard let count = input.count(), count <= total else { return nil }
        var positions: [Int32] = []
        positions.reserveCapacity(count)
        var previous: Int64 = -1
        for _ in 0..<count {
            guard let step = input.varint(), step > 0, previous + Int64(step) < Int64(total) else { return nil }
            previous += Int64(step)
            positions.append(Int32(previous))
        }
        return positions
    }
}
