/// Why an override of the recommendation is refused. The same checks hold in the screen, in
/// `record` and anywhere else a decision is overridden.
public enum OverrideRefusal: UserFacingError, Sendable, Hashable {
    /// No action was chosen.
    case noActions
    /// The written reason is missing.
    case noReason
    /// An action id the form does not have.
    case unknownAction(String)
    /// The override leaves out the action of a mandatory rule (the § 133 duty to report).
    case removesMandatory(actions: [String], labels: [String], rules: [String])

    public var danishDescription: String {
        switch self {
        case .noActions: return "Vælg mindst én handling."
        case .noReason: return "Skriv begrundelsen for at tilsidesætte anbefalingen."
        case .unknownAction(let id): return "Handlingen '\(id)' findes ikke i formularen."
        case .removesMandatory(_, let labels, _):
            return "Du kan ikke fjerne \(labels.map { "\"\($0)\"" }.joined(separator: " og ")): underretningspligten er personlig "
                + "og kan ikke tilsidesættes. Var vurderingen forkert, så ret de svar, der udløste den."
        }
    }

    public var exitCode: Int32 { ExitStatus.dataError }
}

extension Form {
    /// The actions of the fired mandatory rules in `decision`: an override must keep them.
    public func mandatoryActions(in decision: Decision) -> [String] {
        var result: [String] = []
        for fired in decision.rules where rule(id: fired.id)?.mandatory == true && !result.contains(fired.action) {
            result.append(fired.action)
        }
        return result
    }

    /// Checks an override of `decision`: at least one known action, a written reason, and every
    /// action of a fired mandatory rule kept. Returns the chosen actions in the form's severity order.
    public func checkOverride(actions chosen: [String], reason: String, decision: Decision) throws(OverrideRefusal) -> [String] {
        guard !chosen.isEmpty else { throw .noActions }
        for id in chosen where action(id: id) == nil { throw .unknownAction(id) }
        let removed = mandatoryActions(in: decision).filter { !chosen.contains($0) }
        if !removed.isEmpty {
            let rules = decision.rules.filter { removed.contains($0.action) && rule(id: $0.id)?.mandatory == true }.map(\.id)
            throw .removesMandatory(actions: removed, labels: removed.map { action(id: $0)?.label ?? $0 }, rules: rules)
        }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .noReason }
        return actionsBySeverity.map(\.id).filter { chosen.contains($0) }
    }

    /// The actions, most serious first (form order among equals).
    public var actionsBySeverity: [FormAction] {
        actions.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }
}
