import Foundation
import KonfliktLog
@testable import KonfliktTUI
import Testing

/// Every look at a family from the review screen is recorded (issue 11 point 6): opening a case's
/// details and revealing a CPR number call `recordAccess` before anything is shown.
@Suite struct ReviewAccessTests {
    /// The accesses the screen asked to record.
    final class Recorded {
        var calls: [(kind: AccessBody.Kind, id: UUID)] = []
    }

    struct NotSaved: Error {}

    @Test func openingDetailsAndRevealingRecordAnAccessFirst() throws {
        let fixture = try ReviewFixture()
        var environment = fixture.environment()
        let recorded = Recorded()
        environment.recordAccess = { kind, id in recorded.calls.append((kind, id)) }
        let screen = ReviewScreen(environment: environment)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        let first = try #require(screen.rows.first?.item.id)
        #expect(terminal.row(containing: "150926-4123") == nil)
        screen.handle(.character("v"))
        screen.draw(on: terminal)
        #expect(terminal.row(containing: "150926-4123") != nil)
        screen.handle(.enter)
        screen.draw(on: terminal)
        #expect(recorded.calls.map(\.kind) == [.cpr, .details])
        #expect(recorded.calls.map(\.id) == [first, first])
    }

    @Test func whenTheAccessCannotBeSavedNothingIsShown() throws {
        let fixture = try ReviewFixture()
        var environment = fixture.environment()
        environment.recordAccess = { _, _ in throw NotSaved() }
        let screen = ReviewScreen(environment: environment)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        screen.handle(.character("v"))
        screen.draw(on: terminal)
        #expect(terminal.row(containing: "150926-4123") == nil)
        #expect(terminal.row(containing: "Adgangen kunne ikke registreres") != nil)
        screen.handle(.enter)
        screen.draw(on: terminal)
        #expect(terminal.row(containing: "Adgangen kunne ikke registreres") != nil)
        #expect(screen.rows.isEmpty == false)
    }
}

/// The lead approves a waiting device from the review (`g`), after comparing its fingerprint.
@Suite struct ReviewDeviceApprovalTests {
    final class Approvals {
        var waiting = [WaitingDevice(fingerprint: String(repeating: "ab", count: 32), short: "abab-abab-abab-abab-abab-abab",
                                     devices: ["0123456789abcdef"], events: 3)]
        var approved: [String] = []
    }

    @Test func gListsTheWaitingDevicesAndJApprovesTheSelectedOne() throws {
        let fixture = try ReviewFixture()
        var environment = fixture.environment()
        let approvals = Approvals()
        environment.devices = (waiting: { approvals.waiting }, approve: { fingerprint in
            approvals.approved.append(fingerprint)
            approvals.waiting.removeAll { $0.fingerprint == fingerprint }
        })
        let screen = ReviewScreen(environment: environment)
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        screen.handle(.character("g"))
        screen.draw(on: terminal)
        #expect(screen.page.kind == "devices")
        #expect(terminal.row(containing: "abab-abab-abab-abab-abab-abab") != nil)
        #expect(terminal.row(containing: "3 hændelser") != nil)
        screen.handle(.character("j"))
        screen.draw(on: terminal)
        #expect(approvals.approved == [String(repeating: "ab", count: 32)])
        #expect(terminal.row(containing: "er godkendt") != nil)
        #expect(terminal.row(containing: "Ingen enheder venter.") != nil)
        screen.handle(.escape)
        screen.draw(on: terminal)
        #expect(screen.page.kind == "list")
    }

    @Test func withoutATeamKeyGDoesNothing() throws {
        let fixture = try ReviewFixture()
        let screen = ReviewScreen(environment: fixture.environment())
        screen.handle(.character("g"))
        #expect(screen.page.kind == "list")
    }
}
