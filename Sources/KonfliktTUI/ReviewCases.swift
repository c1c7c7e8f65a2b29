import Foundation
import KonfliktCore
import KonfliktCases

/// The cases the review lists: one reading's flagged cases, with the cases the lead changed since laid
/// over them. A reading from the case index (`CaseList`) makes each summary when it is read, so the list
/// of every case flagged at some point (140,000 at a million events) is never held as summaries.
public struct ReviewCases: RandomAccessCollection, Sendable {
    private enum Base: Sendable {
        case list(CaseList)
        case summaries([CaseSummary])
    }

    private let base: Base
    /// Cases of `base` read again after a change, by id.
    private var replaced: [UUID: CaseSummary] = [:]
    /// The places in `base` of cases that left the list, ascending.
    private var left: [Int] = []
    /// Cases read again that were not in `base`, after it.
    private var added: [CaseSummary] = []

    /// The cases of a reading from the case index.
    public init(_ list: CaseList) {
        base = .list(list)
    }

    /// The cases `summaries`.
    public init(_ summaries: [CaseSummary] = []) {
        base = .summaries(summaries)
    }

    private var baseCount: Int {
        switch base {
        case .list(let list): list.count
        case .summaries(let summaries): summaries.count
        }
    }

    private func baseID(_ place: Int) -> UUID {
        switch base {
        case .list(let list): list.id(at: place)
        case .summaries(let summaries): summaries[place].id
        }
    }

    private func baseSummary(_ place: Int) -> CaseSummary {
        switch base {
        case .list(let list): list[place]
        case .summaries(let summaries): summaries[place]
        }
    }

    /// The place in `base` of the case at `position` (< the cases of `base` still listed).
    private func basePlace(_ position: Int) -> Int {
        var place = position
        for gone in left {
            guard gone <= place else { break }
            place += 1
        }
        return place
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { baseCount - left.count + added.count }

    public subscript(position: Int) -> CaseSummary {
        let listed = baseCount - left.count
        guard position < listed else { return added[position - listed] }
        let place = basePlace(position)
        if !replaced.isEmpty, let summary = replaced[baseID(place)] { return summary }
        return baseSummary(place)
    }

    /// Whether the case at `position` is at hand (see `CaseList.isRead`).
    func isRead(_ position: Int) -> Bool {
        let listed = baseCount - left.count
        guard position < listed, case .list(let list) = base else { return true }
        return list.isRead(basePlace(position))
    }

    /// Reads the cases at `positions` in one pass (see `CaseList.prepare`).
    func prepare(_ positions: some Sequence<Int>) {
        guard case .list(let list) = base else { return }
        let listed = baseCount - left.count
        list.prepare(positions.lazy.filter { $0 < listed }.map(basePlace))
    }

    /// Whether a case could not be read again from the index file (see `CaseList.readFailed`).
    var readFailed: Bool {
        guard case .list(let list) = base else { return false }
        return list.readFailed
    }

    /// The id of the case at `position`, without making its summary.
    public func id(at position: Int) -> UUID {
        let listed = baseCount - left.count
        return position < listed ? baseID(basePlace(position)) : added[position - listed].id
    }

    /// The position of case `id`, if it is listed.
    public func position(of id: UUID) -> Int? {
        indices.first { self.id(at: $0) == id }
    }

    /// Lists `summary` in place of the case with its id, or after the others when it is not listed.
    public mutating func update(_ summary: CaseSummary) {
        if let index = added.firstIndex(where: { $0.id == summary.id }) {
            added[index] = summary
        } else if position(of: summary.id) != nil {
            replaced[summary.id] = summary
        } else {
            added.append(summary)
        }
    }

    /// Takes case `id` off the list.
    public mutating func remove(_ id: UUID) {
        guard let position = position(of: id) else { return }
        let listed = baseCount - left.count
        guard position < listed else {
            added.remove(at: position - listed)
            return
        }
        let place = basePlace(position)
        left.insert(place, at: left.firstIndex { $0 > place } ?? left.endIndex)
        replaced[id] = nil
    }
}

/// The review's rows: `cases` in the order `order` (from `ReviewList.ordered`), each row made when it
/// is read (a screen shows a page of them).
struct ReviewRows: RandomAccessCollection {
    let cases: ReviewCases
    let order: [Int]
    let today: LocalDate

    init(cases: ReviewCases = ReviewCases(), order: [Int] = [], today: LocalDate = LocalDate(dayNumber: 0)) {
        self.cases = cases
        self.order = order
        self.today = today
    }

    var startIndex: Int { 0 }
    var endIndex: Int { order.count }
    subscript(position: Int) -> ReviewRow {
        // The cases left in the index file: the rows around this one are read in one pass, so a page
        // (and the pages near it) is drawn from memory.
        if !cases.isRead(order[position]) {
            let start = Swift.max(0, position - ReviewList.block / 2)
            cases.prepare(order[start ..< Swift.min(order.count, start + ReviewList.block)])
        }
        return ReviewList.row(cases[order[position]], today: today)
    }

    /// The row of case `id`, if it is listed.
    func index(of id: UUID) -> Int? {
        order.firstIndex { cases.id(at: $0) == id }
    }
}
