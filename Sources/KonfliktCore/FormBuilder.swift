import Yams

/// Turns a composed YAML tree into a `Form`, collecting every problem with its position.
struct FormBuilder {
    let path: String
    let fingerprint: String
    var problems: [FormProblem] = []

    init(path: String, fingerprint: String) {
        self.path = path
        self.fingerprint = fingerprint
    }

    // MARK: Problems and typed access

    mutating func fail(_ node: Node?, _ message: String) {
        let mark = node?.mark
        problems.append(FormProblem(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The entries of a mapping, checking unknown, duplicate and missing keys.
    mutating func mapping(_ node: Node, what: String, required: [String], optional: [String]) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(node, "\(what) skal være en samling af nøgler og værdier.")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        let allowed = Set(required + optional)
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { fail(key, "En nøgle skal være en tekst."); continue }
            if result[name] != nil {
                fail(key, "Nøglen '\(name)' står to gange i \(what).")
                continue
            }
            if !allowed.contains(name) {
                fail(key, "Ukendt nøgle '\(name)' i \(what). Tilladte nøgler: \(allowed.sorted().joined(separator: ", ")).")
                continue
            }
            result[name] = (key, value)
        }
        for name in required where result[name] == nil {
            fail(node, "\(what.prefix(1).uppercased() + what.dropFirst()) mangler nøglen '\(name)'.")
        }
        return result
    }

    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else { fail(node, "\(what) skal være en tekst."); return nil }
        return scalar.string
    }

    mutating func nonEmptyString(_ node: Node?, _ what: String) -> String? {
        guard let value = string(node, what) else { return nil }
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            fail(node, "\(what) må ikke være tom."); return nil
        }
        return value
    }

    mutating func identifier(_ node: Node?, _ what: String) -> String? {
        guard let value = nonEmptyString(node, what) else { return nil }
        let ok = value.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
        if !ok { fail(node, "\(what) '\(value)' må kun indeholde a-z, 0-9, _ og -."); return nil }
        return value
    }

    mutating func int(_ node: Node?, _ what: String) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            fail(node, "\(what) skal være et helt tal."); return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            fail(node, "\(what) skal være true eller false."); return nil
        }
        switch scalar.string {
        case "true", "ja", "yes": return true
        case "false", "nej", "no": return false
        default: fail(node, "\(what) skal være true eller false."); return nil
        }
    }

    mutating func sequence(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else { fail(node, "\(what) skal være en liste."); return nil }
        return Array(sequence)
    }

    /// Parses an expression and reports its problems at their column in the file.
    mutating func expression(_ node: Node?, what: String, fields: [String: ExpressionField]) -> Expression? {
        guard let node, let source = nonEmptyString(node, what) else { return nil }
        let (expression, found) = ExpressionParser.parse(source, fields: fields)
        for problem in found {
            var line = node.mark?.line ?? 1
            var column = node.mark?.column ?? 1
            if case .scalar(let scalar) = node {
                switch scalar.style {
                case .plain: column += problem.offset
                case .singleQuoted, .doubleQuoted: column += problem.offset + 1
                case .literal, .folded: line += 1
                default: break
                }
            }
            problems.append(FormProblem(file: path, line: line, column: column, message: "\(what): \(problem.message)"))
        }
        return expression
    }

    // MARK: The form

    mutating func build(_ root: Node) -> Form? {
        guard let top = mapping(root, what: "formularen", required: ["id", "version", "title", "steps", "actions", "rules", "default_action"],
                                optional: ["description"]) else { return nil }
        let id = identifier(top["id"]?.value, "Formularens id")
        let version = int(top["version"]?.value, "version")
        let title = nonEmptyString(top["title"]?.value, "title")

        // Questions first (without expressions), so expressions can be checked against all fields.
        var fields: [String: ExpressionField] = [:]
        var questionNodes: [(step: Int, node: Node, map: [String: (key: Node, value: Node)], id: String)] = []
        var stepHeads: [(id: String, title: String)] = []
        var seenSteps = Set<String>()
        for (stepIndex, stepNode) in (sequence(top["steps"]?.value, "steps") ?? []).enumerated() {
            guard let step = mapping(stepNode, what: "et trin", required: ["id", "title", "questions"], optional: ["help"]) else {
                stepHeads.append(("", "")); continue
            }
            let stepID = identifier(step["id"]?.value, "Trinnets id") ?? ""
            if !stepID.isEmpty, !seenSteps.insert(stepID).inserted {
                fail(step["id"]?.value, "Trin-id '\(stepID)' bruges mere end én gang.")
            }
            stepHeads.append((stepID, nonEmptyString(step["title"]?.value, "Trinnets title") ?? ""))
            let questions = sequence(step["questions"]?.value, "questions") ?? []
            if questions.isEmpty, step["questions"] != nil { fail(step["questions"]?.value, "Et trin skal have mindst ét spørgsmål.") }
            for questionNode in questions {
                guard let q = mapping(questionNode, what: "et spørgsmål",
                                      required: ["id", "type", "text"],
                                      optional: ["help", "required", "choices", "when", "constraint", "message", "default", "report",
                                                 "report_label", "multiline"])
                else { continue }
                guard let qid = identifier(q["id"]?.value, "Spørgsmålets id") else { continue }
                guard let typeName = string(q["type"]?.value, "type") else { continue }
                guard let kind = QuestionKind(rawValue: typeName) else {
                    fail(q["type"]?.value, "Ukendt spørgsmålstype '\(typeName)'. Brug en af: \(QuestionKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                    continue
                }
                if fields[qid] != nil {
                    fail(q["id"]?.value, "Spørgsmåls-id '\(qid)' bruges mere end én gang.")
                    continue
                }
                var choiceIDs: [String] = []
                if kind == .choice || kind == .multichoice {
                    if q["choices"] == nil { fail(questionNode, "Spørgsmålet '\(qid)' af typen \(kind.rawValue) mangler 'choices'.") }
                    choiceIDs = (sequence(q["choices"]?.value, "choices") ?? []).compactMap { choiceID($0) }
                } else if let choices = q["choices"] {
                    fail(choices.key, "Kun valg- og flervalgsspørgsmål kan have 'choices'; '\(qid)' er \(QuestionKindText.of(kind)).")
                }
                fields[qid] = ExpressionField(kind: kind, choices: choiceIDs)
                questionNodes.append((stepIndex, questionNode, q, qid))
            }
        }
        if stepHeads.isEmpty, top["steps"] != nil { fail(top["steps"]?.value, "Formularen skal have mindst ét trin.") }

        // Now the questions in full, checking that `when` only reads earlier questions.
        var steps: [[Question]] = Array(repeating: [], count: stepHeads.count)
        var earlier: [String: ExpressionField] = [:]
        for entry in questionNodes {
            guard let field = fields[entry.id] else { continue }
            let q = entry.map
            let when = expression(q["when"]?.value, what: "when", fields: fields)
            if let when, let whenNode = q["when"]?.value {
                let later = when.referencedFields.subtracting(earlier.keys).sorted()
                if !later.isEmpty {
                    fail(whenNode, "when for '\(entry.id)' bruger \(later.map { "'\($0)'" }.joined(separator: ", ")), som ikke kommer før spørgsmålet; when må kun bruge spørgsmål, der stilles før.")
                }
            }
            var selfFields = earlier
            selfFields[entry.id] = field
            let constraint = expression(q["constraint"]?.value, what: "constraint", fields: selfFields)
            let message = string(q["message"]?.value, "message")
            if q["constraint"] != nil, message == nil {
                fail(q["constraint"]?.key, "Spørgsmålet '\(entry.id)' har en constraint uden 'message'.")
            }
            if q["message"] != nil, q["constraint"] == nil {
                fail(q["message"]?.key, "'message' bruges kun sammen med 'constraint'.")
            }
            let multiline = bool(q["multiline"]?.value, "multiline") ?? false
            if multiline, field.kind != .text { fail(q["multiline"]?.key, "Kun tekstspørgsmål kan være multiline.") }
            let defaultValue = string(q["default"]?.value, "default")
            if let defaultValue { checkDefault(defaultValue, field: field, node: q["default"]?.value) }
            let choices = (sequence(q["choices"]?.value, "choices") ?? []).compactMap { choice($0) }
            var seenChoices = Set<String>()
            for (index, c) in choices.enumerated() where !seenChoices.insert(c.id).inserted {
                fail(sequence(q["choices"]?.value, "choices")?[index], "Valget '\(c.id)' står to gange i '\(entry.id)'.")
            }
            let question = Question(
                id: entry.id, kind: field.kind,
                text: nonEmptyString(q["text"]?.value, "text") ?? "",
                help: string(q["help"]?.value, "help") ?? "",
                required: bool(q["required"]?.value, "required") ?? true,
                multiline: multiline, choices: choices, when: when, constraint: constraint,
                constraintMessage: message ?? "", defaultValue: defaultValue,
                report: bool(q["report"]?.value, "report") ?? false,
                reportLabel: nonEmptyString(q["report_label"]?.value, "report_label"))
            if q["report_label"] != nil, !question.report {
                fail(q["report_label"]?.key, "'report_label' bruges kun sammen med 'report: true'.")
            }
            steps[entry.step].append(question)
            earlier[entry.id] = field
        }

        // Actions.
        var actions: [FormAction] = []
        for node in sequence(top["actions"]?.value, "actions") ?? [] {
            guard let a = mapping(node, what: "en handling",
                                  required: ["id", "label", "severity", "flags", "instruction"],
                                  optional: ["deadline_days", "family_info", "report_label"]) else { continue }
            guard let aid = identifier(a["id"]?.value, "Handlingens id") else { continue }
            if actions.contains(where: { $0.id == aid }) {
                fail(a["id"]?.value, "Handlings-id '\(aid)' bruges mere end én gang."); continue
            }
            let deadline = int(a["deadline_days"]?.value, "deadline_days")
            if let deadline, deadline < 0 { fail(a["deadline_days"]?.value, "deadline_days kan ikke være negativ.") }
            actions.append(FormAction(
                id: aid, label: nonEmptyString(a["label"]?.value, "label") ?? "",
                severity: int(a["severity"]?.value, "severity") ?? 0,
                flags: bool(a["flags"]?.value, "flags") ?? false, deadlineDays: deadline,
                instruction: nonEmptyString(a["instruction"]?.value, "instruction") ?? "",
                familyInfo: string(a["family_info"]?.value, "family_info") ?? "",
                reportLabel: nonEmptyString(a["report_label"]?.value, "report_label")))
        }
        let actionIDs = Set(actions.map(\.id))
        let defaultAction = identifier(top["default_action"]?.value, "default_action")
        if let defaultAction, !actionIDs.contains(defaultAction) {
            fail(top["default_action"]?.value, "default_action '\(defaultAction)' er ikke en af handlingerne (\(actions.map(\.id).joined(separator: ", "))).")
        }

        // Rules.
        var rules: [Rule] = []
        for node in sequence(top["rules"]?.value, "rules") ?? [] {
            guard let r = mapping(node, what: "en regel", required: ["id", "when", "action", "reason"], optional: ["basis"]) else { continue }
            guard let rid = identifier(r["id"]?.value, "Reglens id") else { continue }
            if rules.contains(where: { $0.id == rid }) {
                fail(r["id"]?.value, "Regel-id '\(rid)' bruges mere end én gang."); continue
            }
            let when = expression(r["when"]?.value, what: "when", fields: fields)
            let action = identifier(r["action"]?.value, "action")
            if let action, !actionIDs.contains(action) {
                fail(r["action"]?.value, "Reglen '\(rid)' peger på den ukendte handling '\(action)' (kendte: \(actions.map(\.id).joined(separator: ", "))).")
            }
            let reason = nonEmptyString(r["reason"]?.value, "reason")
            if let when, let action, let reason {
                rules.append(Rule(id: rid, when: when, action: action, reason: reason,
                                  basis: string(r["basis"]?.value, "basis") ?? ""))
            }
        }

        guard problems.isEmpty, let id, let version, let title, let defaultAction else { return nil }
        let formSteps = zip(stepHeads, steps).map { FormStep(id: $0.0.id, title: $0.0.title, questions: $0.1) }
        return Form(id: id, version: version, title: title, steps: formSteps, actions: actions, rules: rules,
                    defaultActionID: defaultAction, fingerprint: fingerprint, path: path)
    }

    mutating func choiceID(_ node: Node) -> String? {
        guard case .mapping = node else { return nil }
        guard case .mapping(let m) = node else { return nil }
        return m["id"]?.scalar?.string
    }

    mutating func choice(_ node: Node) -> Choice? {
        guard let c = mapping(node, what: "et valg", required: ["id", "label"], optional: []) else { return nil }
        guard let id = identifier(c["id"]?.value, "Valgets id"), let label = nonEmptyString(c["label"]?.value, "label") else { return nil }
        return Choice(id: id, label: label)
    }

    mutating func checkDefault(_ value: String, field: ExpressionField, node: Node?) {
        switch field.kind {
        case .date:
            if value != "today", LocalDate(iso: value) == nil {
                fail(node, "default for en dato skal være 'today' eller ÅÅÅÅ-MM-DD.")
            }
        case .text:
            if value.hasPrefix("$"), value != "$initialer" {
                fail(node, "Ukendt variabel '\(value)'; kun $initialer findes.")
            }
        case .choice:
            if !field.choices.contains(value) { fail(node, "default '\(value)' er ikke et af valgene.") }
        case .yesno:
            if !["true", "false"].contains(value) { fail(node, "default for ja/nej skal være true eller false.") }
        case .number:
            if Double(value) == nil { fail(node, "default for et tal skal være et tal.") }
        case .multichoice, .cpr:
            fail(node, "\(QuestionKindText.of(field.kind).prefix(1).uppercased())\(QuestionKindText.of(field.kind).dropFirst()) kan ikke have en default.")
        }
    }
}

import Foundation
