import Foundation
import Testing
@testable import KonfliktTUI

/// The first-start prompt shows this computer's key for the lead to approve, and after a key rotation
/// the health visitor can confirm the new team key (only with `j`).
@Suite struct TeamKeyPromptTests {
    @Test func theUntrustedPromptShowsThisComputersKey() {
        let prompt = TeamKeyPrompt(kind: .untrusted(fingerprint: String(repeating: "ab", count: 32), short: "abab-abab-abab-abab-abab-abab"),
                                   device: "1234-5678-9abc-def0-1234-5678")
        let terminal = MemoryTerminal()
        prompt.draw(on: terminal)
        #expect(terminal.row(containing: "Denne computers nøgle: 1234-5678-9abc-def0-1234-5678") != nil)
        #expect(terminal.row(containing: "konflikt team approve") != nil)
    }

    @Test func aChangedKeyIsTrustedOnlyWithJ() {
        let changed = TeamKeyPrompt.Kind.changed(trusted: "aaaa-aaaa", found: "bbbb-bbbb")
        let yes = TeamKeyPrompt(kind: changed)
        yes.handle(.resize)
        #expect(yes.confirmed == nil)
        yes.handle(.character("j"))
        #expect(yes.confirmed == true)
        for key: Key in [.enter, .character("n"), .escape, .character("x")] {
            let no = TeamKeyPrompt(kind: changed)
            no.handle(key)
            #expect(no.confirmed == false)
        }
    }
}
