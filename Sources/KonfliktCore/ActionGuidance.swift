/// What the health visitor does and tells the family for one action: the texts of the rules that
/// recommended it first (they are more specific, e.g. "do not tell the parents yet"), then the action's.
public struct ActionGuidance: Sendable, Hashable {
    /// The action's id.
    public var actionID: String
    /// Its label.
    public var label: String
    /// Shown first on the summary when set (e.g. "Ring 112 …").
    public var banner: String
    /// What to do now, rule texts first.
    public var instructions: [String]
    /// What to tell the family, rule texts first.
    public var familyInfo: [String]
    /// Where the family can turn.
    public var resources: [Resource]

    /// Creates guidance.
    public init(actionID: String, label: String, banner: String = "", instructions: [String], familyInfo: [String],
                resources: [Resource] = []) {
        self.actionID = actionID
        self.label = label
        self.banner = banner
        self.instructions = instructions
        self.familyInfo = familyInfo
        self.resources = resources
    }
}

extension Resource {
    /// "Name (tlf. …, web …)" with only what the municipality filled in.
    public var contactLine: String {
        let parts = [phone.isEmpty ? nil : "tlf. \(phone)", web.isEmpty ? nil : web].compactMap { $0 }
        return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ", ")))"
    }
}

extension Form {
    /// The guidance for each of `actions` (the final ones: the override's, or the recommendation's),
    /// taking rule-level texts from the rules in `decision` that recommended the action.
    public func guidance(for actions: [String], decision: Decision) -> [ActionGuidance] {
        actions.compactMap { id -> ActionGuidance? in
            guard let action = action(id: id) else { return nil }
            var instructions: [String] = [], family: [String] = [], resourceIDs: [String] = []
            var replaced = false
            func add(_ text: String, to list: inout [String]) {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty, !list.contains(trimmed) { list.append(trimmed) }
            }
            for fired in decision.rules where fired.action == id {
                guard let rule = rule(id: fired.id) else { continue }
                add(rule.instruction, to: &instructions)
                add(rule.familyInfo, to: &family)
                replaced = replaced || rule.replacesFamilyInfo
                for resource in rule.resources where !resourceIDs.contains(resource) { resourceIDs.append(resource) }
            }
            add(action.instruction, to: &instructions)
            if !replaced { add(action.familyInfo, to: &family) }
            for resource in action.resources where !resourceIDs.contains(resource) { resourceIDs.append(resource) }
            return ActionGuidance(actionID: id, label: action.label, banner: action.banner, instructions: instructions,
                                  familyInfo: family, resources: resourceIDs.compactMap { self.resource(id: $0) })
        }
    }

    /// The banners of `actions` (e.g. the acute path's "Ring 112 …"), most serious first.
    public func banners(for actions: [String]) -> [String] {
        actionsBySeverity.filter { actions.contains($0.id) && !$0.banner.isEmpty }.map(\.banner)
    }
}
