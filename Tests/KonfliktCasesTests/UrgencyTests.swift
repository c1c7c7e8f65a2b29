import Testing
@testable import KonfliktCases

/// The list's sort key packs the group, the severity, the deadline and the age into one number: it
/// must order as the four compared one after the other, the id last.
struct UrgencyTests {
    typealias Parts = (group: Int, severity: Int, deadline: Int, age: Int, id: UInt64)

    static func key(_ parts: Parts) -> ReviewList.Urgency {
        ReviewList.Urgency(group: parts.group, severity: parts.severity, deadline: parts.deadline, age: parts.age,
                           id: (parts.id, 0))
    }

    @Test func thePackedKeyOrdersAsItsParts() {
        var generator = SystemRandomNumberGenerator()
        // Days around today (day 20,000 is 2024), negated for the closed cases' age; few values, many ties.
        let days = [-40_000, -20_600, -20_400, -1, 0, 1, 20_400, 20_401, 20_600, 40_000]
        let parts: [Parts] = (0..<2_000).map { _ in
            (Int.random(in: 0...2, using: &generator), -Int.random(in: 0...5, using: &generator),
             days.randomElement(using: &generator)!, days.randomElement(using: &generator)!,
             UInt64.random(in: 0...3, using: &generator))
        }
        for (a, b) in zip(parts, parts.shuffled(using: &generator)) {
            let expected = (a.group, a.severity, a.deadline, a.age, a.id) < (b.group, b.severity, b.deadline, b.age, b.id)
            #expect((Self.key(a) < Self.key(b)) == expected, "\(a) < \(b)")
        }
    }

    /// No deadline (`Int.max`) sorts after every real one; days beyond the packed range sort as its bound.
    @Test func noDeadlineSortsLastAndFarDaysAtTheBound() {
        let soon = Self.key((1, -3, 20_500, 20_400, 9))
        let none = Self.key((1, -3, Int.max, 20_400, 0))
        #expect(soon < none)
        let far = Self.key((1, -3, 5_000_000, 20_400, 0)), farther = Self.key((1, -3, Int.max, 20_400, 1))
        #expect(far < farther && far.rank == farther.rank)
        // The group outweighs everything after it.
        #expect(Self.key((0, 0, Int.max, Int.max, 5)) < Self.key((1, -100_000, Int.min, Int.min, 0)))
    }
}
