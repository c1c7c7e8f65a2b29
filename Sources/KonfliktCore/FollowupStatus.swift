/// One follow-up status a flagging action can have, as the form declares it (`statuses:` on the
/// action): what the team lead records about the action, and whether that ends it.
///
/// The log keeps only the id (`"status":"udfoert"`); what an id means comes from the form, so a
/// municipality can describe a course's path (contact given, started, completed) without code changes.
public struct FollowupStatus: Sendable, Hashable {
    /// The id written in the log, e.g. `udfoert` or `kontakt_givet`.
    public let id: String
    /// The Danish label shown when recording a follow-up, e.g. "Udført – underretningen er sendt".
    public let label: String
    /// Whether a follow-up with this status closes the action (no longer open, never overdue). A
    /// status that does not close it records a step on the way (e.g. the course has started).
    public let closes: Bool
    /// The short label for lists and export headers (`report_label`, else the label).
    public let shortLabel: String
    /// Whether a follow-up with this status needs a note saying why (`needs_note`).
    public let needsNote: Bool

    /// A status.
    public init(id: String, label: String, closes: Bool, shortLabel: String? = nil, needsNote: Bool = false) {
        self.id = id
        self.label = label
        self.closes = closes
        self.shortLabel = shortLabel ?? label
        self.needsNote = needsNote
    }

    /// The statuses of an action without `statuses:` in the form: done (in the action's own words),
    /// declined and not relevant (with a note), all closing. They are the ids every log written before
    /// statuses became form data uses, so those records keep their meaning.
    public static func defaults(doneLabel: String) -> [FollowupStatus] {
        [FollowupStatus(id: "udfoert", label: doneLabel, closes: true, shortLabel: "udført"),
         FollowupStatus(id: "afvist", label: "Afvist af familien", closes: true, shortLabel: "afvist"),
         FollowupStatus(id: "ikke_relevant", label: "Ikke relevant (skriv hvorfor i noten)", closes: true,
                        shortLabel: "ikke relevant", needsNote: true)]
    }

    /// The key for "no follow-up yet" (export column ids, the review list's JSON).
    public static let openID = "aaben"
    /// The key for a status id the form does not know for the action (from another form version).
    public static let unknownID = "ukendt"
    /// Ids a form may not give a status: `openID` and `unknownID`.
    public static let reservedIDs: Set<String> = [openID, unknownID]

    /// At most this many statuses per action (the case index keeps a status as a 4-bit number).
    public static let maxPerAction = 14
}
