import Foundation
import KonfliktCore
import KonfliktLog
import Testing
@testable import KonfliktTUI

@Suite struct DraftStoreTests {
    static func cipher() -> DraftCipher { DraftCipher.ephemeral() }

    @Test func savesRestoresExactlyAndDeletes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = DraftStore(stateDirectory: root, cipher: Self.cipher())
        let answers: Answers = ["besoeg": .string("2mdr"), "barn_cpr": .string("150926-4123"), "tal": .number(2.5),
                                "udsat": .bool(false), "hvad": .strings(["a", "b"]), "note": .string("Blåbær\n漢字")]
        let draft = Draft(form: "test", step: 2, answers: answers, savedAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.save(draft)
        try store.save(draft)
        let listed = store.list()
        #expect(listed == [draft])
        let file = store.directory.appendingPathComponent("\(draft.id.uuidString.lowercased()).draft")
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let dirPermissions = try FileManager.default.attributesOfItem(atPath: store.directory.path)[.posixPermissions] as? Int
        #expect(dirPermissions == 0o700)
        #expect(!file.lastPathComponent.contains("150926"))
        // Sealed: neither the CPR number nor any answer is in the file's bytes.
        let bytes = try Data(contentsOf: file)
        for secret in ["150926", "4123", "Blåbær", "2mdr", "besoeg"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) found in the draft file")
        }
        store.delete(draft.id)
        #expect(store.list().isEmpty)
    }

    @Test func anotherDevicesDraftsAreNotListed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let mine = DraftStore(stateDirectory: root, cipher: Self.cipher())
        let theirs = DraftStore(stateDirectory: root, cipher: Self.cipher())
        try mine.save(Draft(form: "test", step: 0, answers: ["barn_cpr": .string("150926-4123")]))
        #expect(mine.list().count == 1)
        #expect(theirs.list().isEmpty)
    }

    @Test func draftsOlderThanFourteenDaysAreDiscarded() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let store = DraftStore(stateDirectory: root, cipher: Self.cipher(), now: { now })
        let old = Draft(form: "test", step: 1, answers: [:], savedAt: now.addingTimeInterval(-15 * 86_400))
        let recent = Draft(form: "test", step: 1, answers: [:], savedAt: now.addingTimeInterval(-13 * 86_400))
        try store.save(old)
        try store.save(recent)
        #expect(store.discardExpired() == 1)
        #expect(store.list() == [recent])
    }

    @Test func legacyClearDraftsOfThisHealthVisitorLeaveTheSharedFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        let legacy = data.appendingPathComponent("drafts")
        try FileManager.default.createDirectory(at: legacy, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let mine = Draft(form: "test", step: 1, answers: ["sundhedsplejerske": .string("AB"), "barn_cpr": .string("150926-4123")])
        let theirs = Draft(form: "test", step: 1, answers: ["sundhedsplejerske": .string("CD")])
        try encoder.encode(mine).write(to: legacy.appendingPathComponent("\(mine.id.uuidString).json"))
        try encoder.encode(theirs).write(to: legacy.appendingPathComponent("\(theirs.id.uuidString).json"))
        let store = DraftStore(stateDirectory: root.appendingPathComponent("state"), cipher: Self.cipher())
        // Only with the form's author question: a form without one adopts nothing.
        #expect(store.adoptLegacyDrafts(dataDirectory: data, initials: "ab", authorQuestion: nil) == 0)
        #expect(store.adoptLegacyDrafts(dataDirectory: data, initials: "ab", authorQuestion: "sundhedsplejerske") == 1)
        #expect(store.list().map(\.id) == [mine.id])
        let left = try FileManager.default.contentsOfDirectory(atPath: legacy.path)
        #expect(left == ["\(theirs.id.uuidString).json"])
        #expect(store.adoptLegacyDrafts(dataDirectory: data, initials: nil, authorQuestion: "sundhedsplejerske") == 0)
    }

    @Test func startMenuListsMaskedChildAndDiscardsAfterConfirmation() {
        let draft = Draft(form: "test", step: 1, answers: ["besoeg": .string("2mdr"), "besoegsdato": .string("2026-11-20"),
                                                           "barn_cpr": .string("150926-4123")])
        var discarded: [UUID] = []
        let menu = StartMenu(title: "T", drafts: [draft], stepCount: 3, initials: "AB", reviewAvailable: false,
                             discardDraft: { discarded.append($0) }, saveInitials: { _ in })
        let terminal = MemoryTerminal()
        menu.handle(.character("2"))
        menu.draw(on: terminal)
        #expect(terminal.contains("Trin 2 af 3"))
        #expect(terminal.contains("barn 150926-****"))
        #expect(!terminal.contains("4123"))
        menu.handle(.character("d"))
        menu.draw(on: terminal)
        #expect(terminal.contains("Slet kladden?"))
        menu.handle(.character("n"))
        #expect(discarded.isEmpty)
        menu.handle(.character("d"))
        menu.handle(.character("j"))
        #expect(discarded == [draft.id])
        menu.draw(on: terminal)
        #expect(terminal.contains("Kladden er slettet."))
    }

    @Test func resumedScreenShowsEveryAnswer() {
        let answers: Answers = ["besoeg": .string("8mdr"), "barn_cpr": .string("150926-4123"),
                                "konfliktniveau": .string("hoejt")]
        let screen = FormScreen(model: TestModel(), answers: answers, step: 1,
                                today: LocalDate(year: 2026, month: 11, day: 20)!, save: { _ in })
        let terminal = MemoryTerminal()
        screen.draw(on: terminal)
        #expect(terminal.rows[0].hasSuffix("Trin 2 af 3"))
        #expect(terminal.contains("(•) 3 Højt"))
        screen.handle(.escape)
        screen.draw(on: terminal)
        #expect(terminal.contains("(•) 2 8-måneders besøg"))
        #expect(terminal.contains("150926-4123"))
    }
}
