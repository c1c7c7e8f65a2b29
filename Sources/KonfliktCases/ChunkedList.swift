/// A list kept in chunks of 4,096 elements: it grows a chunk at a time instead of doubling and
/// copying, so a list of a million ids or changes never needs room for two copies of itself while it
/// grows (the fold of a big log keeps a few of them).
struct ChunkedList<Element>: RandomAccessCollection {
    private var chunks: [[Element]] = []
    private(set) var count = 0
    private static var shift: Int { 12 }
    private static var chunkSize: Int { 1 << shift }

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        chunks[position >> Self.shift][position & (Self.chunkSize - 1)]
    }

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}

extension ChunkedList: Sendable where Element: Sendable {}
