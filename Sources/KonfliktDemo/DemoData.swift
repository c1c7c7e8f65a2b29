import Crypto
import Foundation
import KonfliktCore
import KonfliktLog

/// What `konflikt demo-data` writes.
public struct DemoDataOptions: Sendable {
    /// Number of screenings.
    public var count: Int
    /// The seed: the same seed, count, devices and today give byte-identical files.
    public var seed: UInt64
    /// Number of health visitors' devices (each with its own file and initials).
    public var devices: Int
    /// The last day of the two years the visits are spread over.
    public var today: LocalDate
    /// The folder's team key (`team.json`), when it has one: bodies are then sealed to it as a device
    /// would seal them (with a throw-away key per demo device as the second recipient), so reading
    /// encrypted logs can be demonstrated and measured. Not byte-identical between runs.
    public var teamFile: TeamFile?
    /// The raw device key that authenticates sealed demo bodies (scheme mode 1); a random one when nil.
    public var sender: Data?
    /// How often each answer occurs; nil reads `<form id>.demo.yaml` next to the form (`DemoProfile`).
    public var profile: DemoProfile?

    /// Options.
    public init(count: Int, seed: UInt64 = 1, devices: Int = 3, today: LocalDate, teamFile: TeamFile? = nil) {
        self.count = count
        self.seed = seed
        self.devices = devices
        self.today = today
        self.teamFile = teamFile
    }
}

/// What was written.
public struct DemoDataSummary: Sendable, Hashable {
    /// Screening events.
    public var screenings = 0
    /// Correction events.
    public var corrections = 0
    /// Follow-up events.
    public var followups = 0
    /// Screenings whose decision flags the case or that were overridden.
    public var flagged = 0
    /// Files written.
    public var files: [String] = []

    /// All events.
    public var events: Int { screenings + corrections + followups }
}

/// Realistic, valid, hash-chained demo data: fictitious families spread over two years and several
/// health visitors, with the conflict levels, reports, course offers, overrides, corrections and
/// follow-ups a municipality would see. Every screening's content is a pure function of the seed and
/// its number, so the generator keeps only a small plan per event in memory (about 16 bytes) and
/// rebuilds each body when it writes it.
///
/// Speed: lines are built with the log's own encoder (`EventLine.make`) and written in large blocks,
/// with one `fsync` per file at the end instead of one per event — demo data is not an acknowledged
/// record, so it needs no per-event durability.
public enum DemoData {
    /// The team lead's device and initials (follow-ups are the lead's work).
    static let leadDevice = "demo-leder", leadInitials = "LE"

    /// The initials of health visitor number `index`.
    static func initials(_ index: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPRSTV")
        return String([letters[(2 * index) % letters.count], letters[(2 * index + 1) % letters.count]])
            + (index >= letters.count / 2 ? String(index / (letters.count / 2)) : "")
    }

    /// The device id of health visitor number `index`.
    static func device(_ index: Int) -> String { String(format: "demo-sp%02d", index + 1) }

    /// Writes the data into `directory`, which must not hold any log file yet.
    public static func write(form: Form, to directory: DataDirectory, options: DemoDataOptions) throws -> DemoDataSummary {
        // A profile that does not fit the form is said before anything is created.
        let profile = try options.profile ?? DemoProfile.load(for: form)
        try directory.create()
        guard try directory.logFiles().isEmpty else { throw LogError.demoDataNeedsEmptyDirectory(path: directory.path) }
        let devices = max(1, options.devices)
        var plans = Array(repeating: [Plan](), count: devices + 1)     // the last one is the lead's
        var summary = DemoDataSummary()
        for index in 0..<options.count {
            let family = Family(form: form, profile: profile, seed: options.seed, index: index, devices: devices, today: options.today)
            plans[family.device].append(Plan(time: family.screeningTime, kind: .screening, index: Int32(index)))
            summary.screenings += 1
            if family.flagged { summary.flagged += 1 }
            if let time = family.correctionTime {
                plans[family.device].append(Plan(time: time, kind: .correction, index: Int32(index)))
                summary.corrections += 1
            }
            for (slot, followup) in family.followups.enumerated() {
                plans[devices].append(Plan(time: followup.time, kind: .followup(UInt8(slot)), index: Int32(index)))
                summary.followups += 1
            }
        }
        for (number, var plan) in plans.enumerated() where !plan.isEmpty {
            plan.sort { ($0.time, $0.index, $0.kind.order) < ($1.time, $1.index, $1.kind.order) }
            let device = number == devices ? leadDevice : Self.device(number)
            let author = number == devices ? leadInitials : initials(number)
            var writer = try BulkLogWriter(directory: directory, name: "\(device).jsonl")
            if let team = options.teamFile {
                let teamKey = try team.key(path: directory.file(TeamFile.name))
                writer.sealer = try BodySealer(recipients: [
                    BodyRecipient(kind: .team, publicKey: teamKey),
                    BodyRecipient(kind: .device, publicKey: Curve25519.KeyAgreement.PrivateKey().publicKey)],
                    sender: options.sender.flatMap { try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
                        ?? Curve25519.KeyAgreement.PrivateKey())
            }
            for step in plan {
                let family = Family(form: form, profile: profile, seed: options.seed, index: Int(step.index), devices: devices,
                                    today: options.today)
                let body: EventBody
                switch step.kind {
                case .screening: body = .screening(family.screeningBody)
                case .correction:
                    guard let correction = family.correctionBody else { continue }
                    body = .correction(correction)
                case .followup(let slot): body = .followup(family.followups[Int(slot)].body)
                }
                try writer.append(body, id: family.id(step.kind), time: step.time, device: device, author: author)
            }
            try writer.finish()
            summary.files.append("\(device).jsonl")
        }
        return summary
    }

    struct Plan {
        enum Kind {
            case screening, correction, followup(UInt8)
            var order: Int {
                switch self {
                case .screening: return 0
                case .correction: return 1
                case .followup(let slot): return 2 + Int(slot)
                }
            }
        }
        var time: Int64        // milliseconds since 1970, UTC
        var kind: Kind
        var index: Int32
    }
}

/// SplitMix64: small, fast and fully determined by its seed.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    /// One of `choices`, weighted.
    mutating func pick<T>(_ choices: [(T, Double)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var x = Double(next() >> 11) / Double(1 << 53) * total
        for (value, weight) in choices {
            if x < weight { return value }
            x -= weight
        }
        return choices[choices.count - 1].0
    }
}

/// One fictitious family's screening and what happened to it: a pure function of seed and index.
struct Family {
    let index: Int
    let seed: UInt64
    let device: Int
    let visitDate: LocalDate
    let screeningTime: Int64
    let screeningBody: ScreeningBody
    let correctionTime: Int64?
    let correctionBody: CorrectionBody?
    let followups: [(time: Int64, body: FollowupBody)]
    let flagged: Bool

    init(form: Form, profile: DemoProfile, seed: UInt64, index: Int, devices: Int, today: LocalDate) {
        self.index = index
        self.seed = seed
        var rng = SplitMix64(state: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        _ = rng.next()
        device = rng.below(devices)
        // Visits spread evenly over two years, on weekdays' office hours (Danish time ≈ UTC+1).
        visitDate = today.adding(days: -rng.below(730))
        let minute = 8 * 60 + rng.below(7 * 60)
        screeningTime = Int64(visitDate.dayNumber) * 86_400_000 + Int64(minute - 60) * 60_000 + Int64(rng.below(60_000))
        // The visit question's first choice is the early visit (two months), its last the late one.
        let visits = form.field(role: .visit)?.choices.map(\.id) ?? []
        let early = rng.chance(0.55)
        let visit = (early ? visits.first : visits.last) ?? ""
        let age = early ? 42 + rng.below(50) : 225 + rng.below(60)
        let birth = visitDate.adding(days: -age)
        let centuryDigit = 5 + rng.below(4)             // 5–8: born 2000–2057
        let cpr = String(format: "%02d%02d%02d-%d%03d", birth.day, birth.month, birth.year % 100, centuryDigit, rng.below(1000))
        let initials = DemoData.initials(device)
        // The visit, its date, the child and the health visitor by the roles the form declares.
        // A role the form does not declare is left out (the random draws stay the same either way).
        var base: Answers = [:]
        func set(_ role: FieldRole, _ value: AnswerValue) {
            if let field = form.field(role: role) { base[field.id] = value }
        }
        set(.visit, .string(visit))
        set(.visitDate, .string(visitDate.iso))
        set(.childCPR, .string(cpr))
        set(.author, .string(initials))
        // Every other question as the demo profile weighs it, in form order (see `DemoProfile`).
        let answers = Self.drawAnswers(form: form, profile: profile, base: base, rng: &rng, visitDate: visitDate)
        let decision = form.decide(answers, today: visitDate)
        var override: Override?
        if rng.chance(profile.overrideShare) {
            let actions = decision.flagged ? profile.overrideFlagged : profile.overrideOther
            if !actions.isEmpty, actions != decision.actions {
                override = Override(actions: actions, reason: "Fiktiv begrundelse: familien har allerede kontakt til familiecentret.")
            }
        }
        screeningBody = ScreeningBody(form: form.id, formVersion: form.version, formFingerprint: form.fingerprint,
                                      answers: answers, decision: decision, visitDate: visitDate, override: override)
        // A few per cent are corrected some days later with new conflict answers.
        var current = (answers: answers, decision: decision)
        let daysAgo = visitDate.days(until: today)
        if daysAgo >= 2, rng.chance(profile.correctionShare) {
            let later = min(daysAgo, 1 + rng.below(6))
            correctionTime = screeningTime + Int64(later) * 86_400_000
            let corrected = Self.drawAnswers(form: form, profile: profile, base: base, rng: &rng, visitDate: visitDate)
            let redecided = form.decide(corrected, today: visitDate)
            correctionBody = CorrectionBody(screening: Self.id(seed: seed, index: index, kind: 0), answers: corrected,
                                            decision: redecided, visitDate: visitDate,
                                            reason: "Fiktiv rettelse: et svar var registreret forkert.")
            current = (corrected, redecided)
        } else {
            correctionTime = nil
            correctionBody = nil
        }
        // Follow-ups by the lead for the tracked actions; recent cases are mostly still open, and some
        // older ones were never followed up (overdue).
        let tracked: [String]
        if let override { tracked = override.actions } else if current.decision.flagged {
            tracked = current.decision.actions.filter { form.flaggingActionIDs.contains($0) }
        } else { tracked = [] }
        flagged = !tracked.isEmpty
        var followups: [(Int64, FollowupBody)] = []
        let start = (correctionTime ?? screeningTime) / 86_400_000
        for action in tracked {
            let deadline = form.action(id: action)?.deadlineDays ?? 14
            let done = daysAgo > deadline * 2 ? rng.chance(0.88) : rng.chance(0.3)
            guard done else { continue }
            // The action's path from the form: its steps that leave it open (e.g. contact given, started)
            // in order; some paths stop at one of them (more often for recent cases), the others end in a
            // closing status, the first most often (done, or the course completed).
            let statuses = form.statuses(ofAction: action)
            let steps = statuses.filter { !$0.closes }, closing = statuses.filter(\.closes)
            var path: [FollowupStatus]
            if !steps.isEmpty, rng.chance(daysAgo > deadline * 2 ? 0.15 : 0.5) {
                path = Array(steps.prefix(1 + rng.below(steps.count)))
            } else {
                path = steps.filter { _ in rng.chance(0.9) }
                if !closing.isEmpty {
                    path.append(rng.pick(closing.enumerated().map { ($0.element, $0.offset == 0 ? 0.75 : 0.25 / Double($0.offset)) }))
                }
            }
            var day = min(Int(start) + rng.below(max(1, deadline * 2)), today.dayNumber)
            var earliest = (correctionTime ?? screeningTime) + 1
            for status in path {
                let note = status.needsNote ? "Fiktiv note: familien er flyttet fra kommunen." : ""
                let time = max(Int64(day) * 86_400_000 + 13 * 3_600_000 + Int64(rng.below(3_600_000)), earliest)
                earliest = time + 1
                followups.append((time,
                                  FollowupBody(screening: Self.id(seed: seed, index: index, kind: 0), action: action,
                                               status: status.id, date: LocalDate(dayNumber: day), note: note)))
                day = min(day + 1 + rng.below(max(1, deadline)), today.dayNumber)
            }
        }
        self.followups = followups
    }

    /// The roles the generator fills itself: the visit, its date, the child and the health visitor.
    static let structuralRoles: Set<FieldRole> = [.visit, .visitDate, .childCPR, .author]

    /// `base` with every other question drawn from `profile` in form order, keeping only the answers the
    /// form shows.
    static func drawAnswers(form: Form, profile: DemoProfile, base: Answers, rng: inout SplitMix64, visitDate: LocalDate) -> Answers {
        var answers = base
        for question in form.questions where !(question.role.map(structuralRoles.contains) ?? false) {
            if let value = profile.draw(question, answers: answers, today: visitDate, rng: &rng) { answers[question.id] = value }
        }
        return form.relevantAnswers(answers, today: visitDate).answers
    }

    /// A deterministic UUID (version 4 layout) for the family's event of `kind` (0 screening, 1 correction, 2+ follow-ups).
    static func id(seed: UInt64, index: Int, kind: Int) -> UUID {
        var rng = SplitMix64(state: seed ^ 0x5DEE_CE66_D1CE_4E5B ^ (UInt64(index) << 8 | UInt64(kind)))
        let a = rng.next(), b = rng.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * i)); bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * i)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    func id(_ kind: DemoData.Plan.Kind) -> UUID {
        switch kind {
        case .screening: return Self.id(seed: seed, index: index, kind: 0)
        case .correction: return Self.id(seed: seed, index: index, kind: 1)
        case .followup(let slot): return Self.id(seed: seed, index: index, kind: 2 + Int(slot))
        }
    }
}
