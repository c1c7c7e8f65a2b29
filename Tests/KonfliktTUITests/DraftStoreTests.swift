import Foundation
import KonfliktCore
import Testing
@testable import KonfliktTUI

@Suite struct DraftStoreTests {
    @Test func savesRestoresExactlyAndDeletes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = DraftStore(dataDirectory: root)
        let answers: Answers = ["besoeg": .string("2mdr"), "barn_cpr": .string("150926-4123"), "tal": .number(2.5),
                                "udsat": .bool(false), "hvad": .strings(["a", "b"]), "note": .string("Blåbær\n漢字")]
        let draft = Draft(form: "test", step: 2, answers: answers, savedAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.save(draft)
        try store.save(draft)
        let listed = store.list()
        #expect(listed == [draft])
        let file = store.directory.appendingPathComponent("\(draft.id.uuidString).json")
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let dirPermissions = try FileManager.default.attributesOfItem(atPath: store.directory.path)[.posixPermissions] as? Int
        #expect(dirPermissions == 0o700)
        #expect(!file.lastPathComponent.contains("150926"))
        store.delete(draft.id)
        #expect(store.list().isEmpty)
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
