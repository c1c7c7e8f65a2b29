import Crypto
import Foundation
import KonfliktCore
import Testing
@testable import KonfliktCases
@testable import KonfliktLog
import KonfliktTestSupport

/// The case index trusts only approved devices: events of others never open, close or change a case
/// and are counted apart; approving a device changes the index's validity key, so it is rebuilt and the
/// device's events come in.
@Suite struct ApprovedDevicesTests {
    typealias PrivateKey = Curve25519.KeyAgreement.PrivateKey

    static func writer(_ dir: TemporaryDirectory, device: String, team: PrivateKey, sender: PrivateKey) throws -> LogWriter {
        var writer = LogWriter(directory: dir.data, device: device)
        writer.sealing = .sealed(try BodySealer(recipients: [BodyRecipient(kind: .team, publicKey: team.publicKey)], sender: sender))
        return writer
    }

    @Test func anUnapprovedFollowupDoesNotCloseTheCaseUntilItsDeviceIsApproved() throws {
        let form = try Sample.form()
        let dir = TemporaryDirectory()
        let team = PrivateKey(), visitor = PrivateKey(), other = PrivateKey()
        let id = try Self.writer(dir, device: "visitor", team: team, sender: visitor)
            .append(Sample.screening(level: "hoejt", actions: ["underretning"], flagged: true), author: "AB").id
        let close = FollowupBody(screening: id, action: "underretning", status: "udfoert",
                                 date: LocalDate(year: 2026, month: 3, day: 5)!, note: "")
        try Self.writer(dir, device: "other", team: team, sender: other).append(.followup(close), author: "XY")
        try Self.writer(dir, device: "other", team: team, sender: other).append(Sample.screening(flagged: true), author: "XY")

        let approved = ApprovalPolicy(devices: [KeyFingerprint.of(visitor.publicKey): ["visitor"]])
        var store = try CaseStore.open(directory: dir.data, state: dir.state, form: form,
                                       keys: BodyKeys(privateKeys: [team], policy: approved))
        #expect(store.index.records.map(\.id) == [id])
        #expect(store.summary(of: id, today: CaseIndexTests.today)?.isOpen == true)
        #expect(store.index.unapproved == 2)
        #expect(store.warnings.contains { $0.hasPrefix("2 hændelser fra en enhed, der ikke er godkendt") })
        // Saved and read again with the same trust: the count survives, nothing is read again.
        store = try CaseStore.open(directory: dir.data, state: dir.state, form: form,
                                   keys: BodyKeys(privateKeys: [team], policy: approved))
        #expect(store.report.rebuiltBecause == nil && store.report.bytesRead == 0)
        #expect(store.index.unapproved == 2)

        // The lead approves the other device: the index is rebuilt and its follow-up closes the case.
        var both = approved
        both.devices[KeyFingerprint.of(other.publicKey)] = ["other"]
        store = try CaseStore.open(directory: dir.data, state: dir.state, form: form,
                                   keys: BodyKeys(privateKeys: [team], policy: both))
        #expect(store.index.unapproved == 0)
        #expect(store.index.records.count == 2)
        #expect(store.summary(of: id, today: CaseIndexTests.today)?.isOpen == false)
    }
}
