/// One rule that fired, with the reason and the legal basis shown to the health visitor.
public struct FiredRule: Sendable, Hashable, Codable {
    /// The rule's id in the form file.
    public var id: String
    /// The action the rule recommends.
    public var action: String
    /// Why the rule fired, in Danish.
    public var reason: String
    /// The legal basis, e.g. "Barnets lov § 133"; empty when the rule has none.
    public var basis: String

    public init(id: String, action: String, reason: String, basis: String) {
        self.id = id
        self.action = action
        self.reason = reason
        self.basis = basis
    }
}

/// The recommendation the rules give for one screening (the "decision JSON" of DESIGN.md).
public struct Decision: Sendable, Hashable, Codable {
    /// The form's id.
    public var form: String
    /// The form's version.
    public var formVersion: Int
    /// SHA-256 (hex) of the form file the decision was made with, so old records stay interpretable.
    public var formFingerprint: String
    /// Recommended action ids, most serious first.
    public var actions: [String]
    /// Whether any recommended action flags the case for the team lead.
    public var flagged: Bool
    /// Every rule that fired, in form order.
    public var rules: [FiredRule]
    /// Warnings for the health visitor (e.g. the child's age does not fit the visit), in Danish.
    public var warnings: [String]

    public init(
        form: String, formVersion: Int, formFingerprint: String, actions: [String], flagged: Bool,
        rules: [FiredRule], warnings: [String]
    ) {
        self.form = form
        self.formVersion = formVersion
        self.formFingerprint = formFingerprint
        self.actions = actions
        self.flagged = flagged
        self.rules = rules
        self.warnings = warnings
    }
}
