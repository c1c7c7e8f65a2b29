import Foundation
import KonfliktCore
import Yams

/// How often each answer occurs in demo data: `<form id>.demo.yaml` next to the form. The form itself
/// never reads it (its fingerprint and the golden cases do not change when it is edited), and a form
/// without one still gets demo data: every question the profile does not weigh is answered evenly over
/// its choices. So demo data follows whatever form a municipality ships, with the shipped form's
/// realistic shares kept in data, not code.
///
/// ```yaml
/// form: konfliktscreening
/// questions:
///   konfliktniveau:
///     - weights: {lavt: 80, middel: 13.5, hoejt: 4.5, vil_ikke_svare: 2}
///   vold_mellem_foraeldre:
///     - when: konfliktniveau == "hoejt"     # the first rule whose `when` holds is used
///       weights: {nej: 60, ja: 30, ved_ikke: 10}
///     - weights: {nej: 88, ja: 5, ved_ikke: 7}
///   deltagere:
///     - weights: {"mor+far": 68, mor: 25}   # a multichoice value is its choices joined by +
///   henvisning_givet:
///     - weights: {"-": 1}                    # "-": left unanswered
/// overrides: {per_cent: 1.5, flagged: [opfoelgning], other: [gruppeforloeb]}
/// corrections: {per_cent: 3}
/// ```
///
/// Weights are relative (any non-negative numbers). A yes/no question's values are `ja` and `nej`; a text
/// question's values are the texts themselves. `when` is an expression of the form's language over
/// questions asked before this one.
public struct DemoProfile: Sendable {
    /// One weighted draw, used when `when` holds (or always, without one).
    struct Rule: Sendable {
        var when: KonfliktCore.Expression?
        var weights: [(value: String, weight: Double)]
    }

    /// The rules per question id, in file order.
    var rules: [String: [Rule]] = [:]
    /// Share of screenings (0…1) whose recommendation the health visitor overrides.
    var overrideShare = 0.015
    /// The actions an override chooses when the recommendation flags the case, and otherwise.
    var overrideFlagged: [String] = [], overrideOther: [String] = []
    /// Share of screenings (0…1) corrected a few days later.
    var correctionShare = 0.03

    /// No weights: every question answered evenly, no overrides, 3 % corrections.
    public init() {}

    /// The file name of `form`'s profile.
    public static func fileName(for form: Form) -> String { "\(form.id).demo.yaml" }

    /// The profile next to `form`'s file, or an empty one when there is none.
    public static func load(for form: Form) throws(DemoProfileError) -> DemoProfile {
        let folder = (form.path as NSString).deletingLastPathComponent
        let path = (folder.isEmpty ? "." : folder) + "/" + fileName(for: form)
        guard FileManager.default.fileExists(atPath: path) else { return DemoProfile() }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DemoProfileError(path: path, message: "filen kan ikke læses som UTF-8-tekst")
        }
        return try parse(text, form: form, path: path)
    }

    /// The profile in `text` for `form`; a value, question or action the form does not have is an error.
    public static func parse(_ text: String, form: Form, path: String) throws(DemoProfileError) -> DemoProfile {
        func fail(_ message: String) -> DemoProfileError { DemoProfileError(path: path, message: message) }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch { throw fail("ikke gyldig YAML") }
        guard let top = loaded as? [String: Any] else { throw fail("filen skal være en mapping med 'form' og 'questions'") }
        for key in top.keys where !["form", "questions", "overrides", "corrections"].contains(key) {
            throw fail("ukendt nøgle '\(key)'; brug form, questions, overrides og corrections")
        }
        guard let id = top["form"] as? String, id == form.id else {
            throw fail("'form' skal være formularens id, \(form.id)")
        }
        var profile = DemoProfile()
        let questions = form.questions
        var questionMap: [String: Any] = [:]
        if let node = top["questions"] {
            guard let map = node as? [String: Any] else { throw fail("'questions' skal være en mapping fra spørgsmåls-id til regler") }
            questionMap = map
        }
        for (questionID, node) in questionMap {
            guard let position = questions.firstIndex(where: { $0.id == questionID }) else {
                throw fail("formularen har intet spørgsmål '\(questionID)'")
            }
            let question = questions[position]
            guard let list = node as? [Any], !list.isEmpty else {
                throw fail("'\(questionID)' skal have en liste af regler med 'weights' (og evt. 'when')")
            }
            var earlier: [String: ExpressionField] = [:]
            for previous in questions[..<position] {
                earlier[previous.id] = ExpressionField(kind: previous.kind, choices: previous.choices.map(\.id))
            }
            var rules: [Rule] = []
            for item in list {
                guard let rule = item as? [String: Any], let weights = rule["weights"] as? [String: Any], !weights.isEmpty,
                      rule.keys.allSatisfy({ $0 == "when" || $0 == "weights" }) else {
                    throw fail("hver regel for '\(questionID)' skal have 'weights' (en mapping fra svar til vægt) og evt. 'when'")
                }
                var when: KonfliktCore.Expression?
                if let source = rule["when"] {
                    guard let text = source as? String else { throw fail("'when' for '\(questionID)' skal være et udtryk") }
                    let (expression, problems) = ExpressionParser.parse(text, fields: earlier)
                    if let problem = problems.first {
                        throw fail("'when' for '\(questionID)': \(problem.message) (kun spørgsmål før '\(questionID)' kan bruges)")
                    }
                    when = expression
                }
                var pairs: [(value: String, weight: Double)] = []
                for (value, weightNode) in weights.sorted(by: { $0.key < $1.key }) {
                    guard let weight = number(weightNode), weight >= 0, weight.isFinite else {
                        throw fail("vægten for '\(value)' i '\(questionID)' skal være et tal på mindst 0")
                    }
                    if value != "-", let problem = check(value, question: question) { throw fail(problem) }
                    pairs.append((value, weight))
                }
                guard pairs.contains(where: { $0.weight > 0 }) else { throw fail("mindst én vægt for '\(questionID)' skal være over 0") }
                rules.append(Rule(when: when, weights: pairs))
            }
            profile.rules[questionID] = rules
        }
        if let overrides = top["overrides"] {
            guard let map = overrides as? [String: Any], map.keys.allSatisfy({ ["per_cent", "flagged", "other"].contains($0) }) else {
                throw fail("'overrides' skal have per_cent, flagged og other")
            }
            profile.overrideShare = try share(map["per_cent"], "overrides.per_cent", fail)
            profile.overrideFlagged = try actions(map["flagged"], "overrides.flagged", form, fail)
            profile.overrideOther = try actions(map["other"], "overrides.other", form, fail)
        } else {
            profile.overrideShare = 0
        }
        if let corrections = top["corrections"] {
            guard let map = corrections as? [String: Any], map.keys.allSatisfy({ $0 == "per_cent" }) else {
                throw fail("'corrections' skal have per_cent")
            }
            profile.correctionShare = try share(map["per_cent"], "corrections.per_cent", fail)
        }
        return profile
    }

    private static func number(_ node: Any?) -> Double? {
        if let value = node as? Int { return Double(value) }
        if let value = node as? Double { return value }
        return nil
    }

    private static func share(_ node: Any?, _ what: String, _ fail: (String) -> DemoProfileError) throws(DemoProfileError) -> Double {
        guard let value = number(node), value >= 0, value <= 100 else { throw fail("\(what) skal være et tal fra 0 til 100") }
        return value / 100
    }

    private static func actions(_ node: Any?, _ what: String, _ form: Form,
                                _ fail: (String) -> DemoProfileError) throws(DemoProfileError) -> [String] {
        guard let list = node as? [String], !list.isEmpty else { throw fail("\(what) skal være en liste af handlings-id'er") }
        for id in list where form.action(id: id) == nil { throw fail("\(what): formularen har ingen handling '\(id)'") }
        return list
    }

    /// Why `value` cannot answer `question`, or nil when it can.
    private static func check(_ value: String, question: Question) -> String? {
        let ids = Set(question.choices.map(\.id))
        switch question.kind {
        case .choice:
            return ids.contains(value) ? nil : "'\(question.id)' har intet valg '\(value)'"
        case .multichoice:
            let parts = value.split(separator: "+").map(String.init)
            return !parts.isEmpty && parts.allSatisfy(ids.contains) ? nil
                : "'\(value)' i '\(question.id)' skal være valg-id'er adskilt af +"
        case .yesno:
            return value == "ja" || value == "nej" ? nil : "'\(question.id)' er et ja/nej-spørgsmål: brug ja og nej"
        case .text:
            return nil
        default:
            return "demodata kan ikke vægte '\(question.id)' (\(question.kind.rawValue)); kun valg, flervalg, ja/nej og tekst"
        }
    }

    /// The answer to `question` drawn with `rng` given the answers so far: the profile's first rule whose
    /// `when` holds, else an even draw over the choices (one for a multichoice; ja/nej for yes/no); nil
    /// leaves it unanswered (also for questions that are neither choices nor yes/no, without weights).
    func draw(_ question: Question, answers: Answers, today: LocalDate, rng: inout SplitMix64) -> AnswerValue? {
        if let rules = rules[question.id],
           let rule = rules.first(where: { $0.when?.holds(for: answers, today: today) ?? true }) {
            let value: String = rng.pick(rule.weights.map { ($0.value, $0.weight) })
            if value == "-" { return nil }
            switch question.kind {
            case .yesno: return .bool(value == "ja")
            case .multichoice:
                // In the form's order of choices.
                let chosen = Set(value.split(separator: "+").map(String.init))
                return .strings(question.choices.map(\.id).filter(chosen.contains))
            default: return .string(value)
            }
        }
        switch question.kind {
        case .choice where !question.choices.isEmpty:
            return .string(question.choices[rng.below(question.choices.count)].id)
        case .multichoice where !question.choices.isEmpty:
            return .strings([question.choices[rng.below(question.choices.count)].id])
        case .yesno:
            return .bool(rng.chance(0.5))
        default:
            return nil
        }
    }
}

/// A demo profile that cannot be used: the file and a Danish reason (exit 65).
public struct DemoProfileError: UserFacingError, Sendable, Equatable {
    /// The profile's path.
    public let path: String
    /// What is wrong (Danish).
    public let message: String

    public var danishDescription: String { "Demoprofilen \(path) kan ikke bruges: \(message)." }
    public var exitCode: Int32 { ExitStatus.dataError }
}
