import Foundation

/// Small per-user preferences kept as JSON (`settings.json`, mode 0600) in the configuration
/// directory, e.g. the health visitor's initials used as the author of new events.
public struct Settings: Sendable, Hashable, Codable {
    /// The user's initials, or nil when not set yet.
    public var initials: String?
    /// The fingerprint (64 hex digits) of the team key this device trusts (`konflikt team trust`);
    /// bodies are only ever sealed to this key.
    public var trustedTeamKey: String?
    /// The municipality named in the export's header (e.g. "Hvidovre Kommune"); nil when not set.
    public var municipality: String?
    /// The team named in the export's header (e.g. "Sundhedsplejen Syd"); nil when not set.
    public var team: String?

    /// Settings with the given values.
    public init(initials: String? = nil, trustedTeamKey: String? = nil, municipality: String? = nil, team: String? = nil) {
        self.initials = initials
        self.trustedTeamKey = trustedTeamKey
        self.municipality = municipality
        self.team = team
    }

    /// Reads the settings; missing or unreadable settings give the defaults.
    public static func load(config: ConfigDirectory) -> Settings {
        guard let data = FileManager.default.contents(atPath: config.file("settings.json")),
              let settings = try? JSONDecoder().decode(Settings.self, from: data) else { return Settings() }
        return settings
    }

    /// Stores the settings atomically.
    public func save(config: ConfigDirectory) throws(LogError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw .encodingFailed(reason: "\(error)") }
        try config.write(data, to: "settings.json")
    }
}
