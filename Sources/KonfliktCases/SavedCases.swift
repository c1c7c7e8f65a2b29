import Foundation
import Synchronization

/// The records of a saved index's `flagged` section (cases flagged at some point and no longer open),
/// left in the index file and read again from it a window at a time: the list of every case flagged at
/// some point (140,000 at a million events) never holds their records, only their ids. The file stays
/// open, so a newer index saved meanwhile does not change what is read.
final class SavedCases: Sendable {
    private let partial: PartialIndex
    /// The records' ids, in the section's order.
    let ids: [UUID]

    /// What was read last: records read on from `start` in order, and records picked for the rows about
    /// to be shown.
    private struct Window {
        /// The section, positioned at record `next` (nil: not open).
        var stream: SectionStream?
        var next = 0
        var start = 0
        var run: [CaseRecord] = []
        /// The picked records encoded (half the size of a `CaseRecord`), and where each starts.
        var picked: [UInt8] = []
        var pickedAt: [Int: Int32] = [:]
        var failed = false

        func pickedRecord(_ position: Int) -> CaseRecord? {
            guard let start = pickedAt[position] else { return nil }
            return BinaryReader.read(picked, from: Int(start), CaseIndex.decodeRecord)?.0
        }
    }
    private let window = Mutex(Window())
    /// How many records are read on at a time.
    static let runLength = 4096

    /// The section of `partial`, read through once here: each part checked or opened, every record
    /// decoded, only the ids kept. Nil when it is read already (with the rest) or cannot
    /// be read or trusted.
    init?(_ partial: PartialIndex) {
        guard partial.restUnread, let (positions, first) = partial.positioned(.flagged) else { return nil }
        var stream = first
        var ids: [UUID] = []
        ids.reserveCapacity(positions.count)
        for _ in positions {
            guard let record = stream.next(CaseIndex.decodeRecord) else { return nil }
            ids.append(record.id)
        }
        guard stream.isAtEnd else { return nil }
        self.partial = partial
        self.ids = ids
    }

    var count: Int { ids.count }

    /// Whether a reading again failed (the file could not be read any more): the records not read were
    /// given as placeholders, and what was made of them must not be used.
    var failed: Bool { window.withLock { $0.failed } }

    /// Whether the record at `position` is read (no reading is needed to give it).
    func isRead(_ position: Int) -> Bool {
        window.withLock { $0.pickedAt[position] != nil || ($0.start ..< $0.start + $0.run.count).contains(position) }
    }

    /// The record at `position`. Reading in order reads the section once: each miss reads on
    /// `runLength` records from there.
    func record(_ position: Int) -> CaseRecord {
        window.withLock { window in
            if let record = window.pickedRecord(position) { return record }
            if position >= window.start, position < window.start + window.run.count {
                return window.run[position - window.start]
            }
            window.run.removeAll(keepingCapacity: true)
            window.start = position
            guard skip(to: position, &window) else { return placeholder(position, &window) }
            while window.run.count < Self.runLength, window.next < ids.count {
                guard let record = window.stream?.next(CaseIndex.decodeRecord) else { return placeholder(position, &window) }
                window.run.append(record)
                window.next += 1
            }
            return window.run[0]
        }
    }

    /// Reads the records at `positions` (in any order) in one pass over the section, in place of those
    /// picked before: the rows about to be written or shown.
    func prepare(_ positions: some Sequence<Int>) {
        window.withLock { window in
            let wanted = Set(positions.filter { $0 >= 0 && $0 < ids.count })
            window.picked = []
            window.pickedAt = [:]
            guard let last = wanted.max() else { return }
            var picked: [UInt8] = [], pickedAt: [Int: Int32] = [:]
            pickedAt.reserveCapacity(wanted.count)
            window.stream = nil
            guard skip(to: 0, &window) else {
                window.failed = true
                return
            }
            // The records wanted are copied as they are encoded, the others only read past.
            while window.next <= last {
                let isWanted = wanted.contains(window.next)
                if isWanted { pickedAt[window.next] = Int32(picked.count) }
                guard window.stream?.next({ input -> Bool? in
                    let read = isWanted ? input.copy(to: &picked) { CaseIndex.decodeRecord(&$0) != nil }
                                        : CaseIndex.decodeRecord(&input) != nil
                    return read ? true : nil
                }) != nil else {
                    window.failed = true
                    return
                }
                window.next += 1
            }
            window.picked = picked
            window.pickedAt = pickedAt
        }
    }

    /// Positions the stream at record `position`, opening the section again when it is past it.
    private func skip(to position: Int, _ window: inout Window) -> Bool {
        if window.stream == nil || window.next > position {
            guard let (_, first) = partial.positioned(.flagged) else { return false }
            window.stream = first
            window.next = 0
        }
        while window.next < position {
            guard window.stream?.next(CaseIndex.decodeRecord) != nil else { return false }
            window.next += 1
        }
        return true
    }

    /// A record with only the id, for a record that could not be read again (`failed`).
    private func placeholder(_ position: Int, _ window: inout Window) -> CaseRecord {
        window.failed = true
        window.stream = nil
        window.run.removeAll()
        return CaseRecord(
            id: ids[position], place: LinePlace(file: 0, line: 0, offset: 0, length: 0), device: -1, author: -1,
            recorded: 0, correctedAt: CaseRecord.noCorrection, visitDay: CaseRecord.noDay, screeningDay: 0, visit: -1,
            flags: CaseRecord.Flag.wasFlagged, formVersion: 0, birth: -1, cprKey: 0, recommended: 0, inForce: 0,
            tracked: 0, closed: 0, statuses: StatusCodes(), answers: AnswerBits(), corrections: 0, followups: 0)
    }
}
