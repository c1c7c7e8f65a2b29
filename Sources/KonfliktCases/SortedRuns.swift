/// Items sorted in bounded memory, for the tables of an index that is written without its records in
/// memory (the id prefixes, the CPR table, the tallies): at most `limit` items are held; then they are
/// sorted and written to a spill as a run, and `merge` gives every item back in order, holding one
/// chunk of each run. Without a spill every item is held (an index kept in memory holds its records
/// anyway), and `merge` only sorts them.
struct SortedRuns<Element: Sendable> {
    /// Items held before a run is written: 32 chunks of the spill (unlimited without one).
    let limit: Int
    private let precedes: (Element, Element) -> Bool
    private let sort: (inout [Element]) -> Void
    private var spill: Spill<Element>?
    /// Each run's chunks in `spill`.
    private var runs: [Range<Int>] = []
    private var held: [Element] = []

    /// Runs written to `spill` (nil: all held), ordered by `precedes` and sorted by `sort` (by default
    /// a comparison sort by `precedes`).
    init(spill: Spill<Element>?, by precedes: @escaping (Element, Element) -> Bool,
         sort: ((inout [Element]) -> Void)? = nil) {
        self.spill = spill
        limit = spill.map { $0.chunkSize * 32 } ?? .max
        self.precedes = precedes
        self.sort = sort ?? { $0.sort(by: precedes) }
    }

    mutating func add(_ item: Element) throws {
        held.append(item)
        if spill != nil, held.count >= limit { try cut() }
    }

    /// Adds `items` as a run of their own (a table that counts in place and is emptied when full).
    mutating func addRun(_ items: [Element]) throws {
        guard spill != nil else { return held += items }
        try cut()
        held = items
        try cut()
    }

    /// Sorts what is held and writes it out as a run.
    private mutating func cut() throws {
        guard var spill, !held.isEmpty else { return }
        sort(&held)
        let first = spill.chunkCount
        for item in held { try spill.append(item) }
        try spill.flush()
        runs.append(first..<spill.chunkCount)
        self.spill = spill
        held.removeAll(keepingCapacity: false)
    }

    /// Gives every item added to `body` in order (equal items in no particular order); afterwards none
    /// is held.
    mutating func merge(_ body: (Element) throws -> Void) throws {
        sort(&held)
        // Each run read a chunk at a time, and what is held: the next item of each, and where it is.
        var sources: [(items: [Element], next: Int, chunks: Range<Int>)] = [(held, 0, 0..<0)]
        held = []
        for run in runs { sources.append(([], 0, run)) }
        while true {
            var best: Int?
            for index in sources.indices {
                if sources[index].next == sources[index].items.count {
                    guard let spill, let chunk = sources[index].chunks.first else { continue }
                    sources[index].items = try spill.chunk(chunk).items
                    sources[index].next = 0
                    sources[index].chunks = sources[index].chunks.dropFirst()
                    if sources[index].items.isEmpty { continue }
                }
                let item = sources[index].items[sources[index].next]
                if let chosen = best, !precedes(item, sources[chosen].items[sources[chosen].next]) { continue }
                best = index
            }
            guard let chosen = best else { break }
            try body(sources[chosen].items[sources[chosen].next])
            sources[chosen].next += 1
        }
    }
}
