import Yams

/// Turns a composed YAML tree into a `Form`, collecting every problem with its position.
struct FormBuilder {
    let path: String
    let fingerprint: String
    var problems: [FormProblem] = []
    /// Where each resource was written, for `check`'s warnings.
    var resourceNodes: [String: Node] = [:]

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
        // YAML's null (`~`, `null`) is no text; it would otherwise be shown as "~" or "null".
        if scalar.style == .plain, ["~", "null", "Null", "NULL"].contains(scalar.string) {
            fail(node, "\(what) mangler en tekst (\(scalar.string) er YAML's tomme værdi); skriv teksten, eller sæt den i anførselstegn.")
            return nil
        }
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
                                optional: ["description", "warnings", "resources", "leaflet", "journal"]) else { return nil }
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
                                                 "report_label", "multiline", "role", "hidden_text"])
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
        var rolesSeen: [FieldRole: String] = [:]
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
            let role = fieldRole(q["role"]?.value, kind: field.kind, questionID: entry.id, seen: &rolesSeen)
            if choices.contains(where: { $0.ageDays != nil }), role != .visit {
                fail(q["choices"]?.key, "Kun spørgsmålet med role: visit kan have min_age_days/max_age_days i valgene.")
            }
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
                report: bool(q["report"]?.value, "report") ?? false, role: role,
                hiddenText: string(q["hidden_text"]?.value, "hidden_text") ?? "",
                reportLabel: nonEmptyString(q["report_label"]?.value, "report_label"))
            if !question.hiddenText.isEmpty, when == nil {
                fail(q["hidden_text"]?.key, "'hidden_text' bruges kun sammen med 'when'.")
            }
            if q["report_label"] != nil, !question.report {
                fail(q["report_label"]?.key, "'report_label' bruges kun sammen med 'report: true'.")
            }
            steps[entry.step].append(question)
            earlier[entry.id] = field
        }

        // Actions.
        var actions: [FormAction] = []
        var actionNodes: [String: [String: (key: Node, value: Node)]] = [:]
        for node in sequence(top["actions"]?.value, "actions") ?? [] {
            guard let a = mapping(node, what: "en handling",
                                  required: ["id", "label", "severity", "flags", "instruction"],
                                  optional: ["deadline_days", "family_info", "banner", "resources", "waits_for", "waiting_action",
                                             "short_label", "done_label", "statuses"]) else { continue }
            guard let aid = identifier(a["id"]?.value, "Handlingens id") else { continue }
            if actions.contains(where: { $0.id == aid }) {
                fail(a["id"]?.value, "Handlings-id '\(aid)' bruges mere end én gang."); continue
            }
            let deadline = int(a["deadline_days"]?.value, "deadline_days")
            let label = nonEmptyString(a["label"]?.value, "label") ?? ""
            var shortLabel = label.count > 14 ? String(label.prefix(13)) + "…" : label
            if let given = nonEmptyString(a["short_label"]?.value, "short_label") {
                if given.count > 14 { fail(a["short_label"]?.value, "short_label må højst have 14 tegn.") }
                shortLabel = given
            }
            if let deadline, deadline < 0 { fail(a["deadline_days"]?.value, "deadline_days kan ikke være negativ.") }
            let flags = bool(a["flags"]?.value, "flags") ?? false
            let doneLabel = nonEmptyString(a["done_label"]?.value, "done_label") ?? "Udført"
            var statuses = FollowupStatus.defaults(doneLabel: doneLabel)
            if let statusesNode = a["statuses"] {
                if !flags {
                    fail(statusesNode.key, "Handlingen '\(aid)' markerer ikke sagen (flags: false), så den har ingen opfølgning og kan ikke have 'statuses'.")
                }
                if a["done_label"] != nil {
                    fail(a["done_label"]?.key, "Handlingen '\(aid)' har både 'done_label' og 'statuses'; skriv teksten som label på statussen i stedet.")
                }
                statuses = followupStatuses(statusesNode.value, action: aid)
            }
            actions.append(FormAction(
                id: aid, label: label,
                severity: int(a["severity"]?.value, "severity") ?? 0,
                flags: flags, deadlineDays: deadline,
                instruction: nonEmptyString(a["instruction"]?.value, "instruction") ?? "",
                familyInfo: string(a["family_info"]?.value, "family_info") ?? "",
                banner: string(a["banner"]?.value, "banner") ?? "",
                resources: idList(a["resources"]?.value, "resources"),
                waitsFor: idList(a["waits_for"]?.value, "waits_for"),
                waitingAction: identifier(a["waiting_action"]?.value, "waiting_action"),
                shortLabel: shortLabel, doneLabel: doneLabel, statuses: statuses))
            actionNodes[aid] = a
        }
        let actionIDs = Set(actions.map(\.id))
        for action in actions {
            let node = actionNodes[action.id]
            for other in action.waitsFor where !actionIDs.contains(other) {
                fail(node?["waits_for"]?.value, "Handlingen '\(action.id)' venter på den ukendte handling '\(other)'.")
            }
            if action.waitsFor.isEmpty != (action.waitingAction == nil) {
                fail(node?["waits_for"]?.key ?? node?["waiting_action"]?.key,
                     "Handlingen '\(action.id)' skal have både waits_for og waiting_action, eller ingen af dem.")
            }
            if let waiting = action.waitingAction {
                if !actionIDs.contains(waiting) {
                    fail(node?["waiting_action"]?.value, "waiting_action '\(waiting)' er ikke en af handlingerne.")
                } else if !(self.action(waiting, in: actions)?.waitsFor.isEmpty ?? true) {
                    fail(node?["waiting_action"]?.value, "waiting_action '\(waiting)' må ikke selv vente på andre handlinger.")
                }
            }
        }
        let defaultAction = identifier(top["default_action"]?.value, "default_action")
        if let defaultAction, !actionIDs.contains(defaultAction) {
            fail(top["default_action"]?.value, "default_action '\(defaultAction)' er ikke en af handlingerne (\(actions.map(\.id).joined(separator: ", "))).")
        }

        // Rules.
        var rules: [Rule] = []
        var resourceUses: [(Node?, [String])] = actions.map { (actionNodes[$0.id]?["resources"]?.value, $0.resources) }
        for node in sequence(top["rules"]?.value, "rules") ?? [] {
            guard let r = mapping(node, what: "en regel", required: ["id", "when", "action", "reason"],
                                optional: ["basis", "mandatory", "instruction", "family_info", "resources", "replaces_family_info"]) else { continue }
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
                                  basis: string(r["basis"]?.value, "basis") ?? "",
                                  mandatory: bool(r["mandatory"]?.value, "mandatory") ?? false,
                                  instruction: string(r["instruction"]?.value, "instruction") ?? "",
                                  familyInfo: string(r["family_info"]?.value, "family_info") ?? "",
                                  resources: idList(r["resources"]?.value, "resources"),
                                  replacesFamilyInfo: bool(r["replaces_family_info"]?.value, "replaces_family_info") ?? false))
                if rules[rules.count - 1].replacesFamilyInfo, rules[rules.count - 1].familyInfo.isEmpty {
                    fail(r["replaces_family_info"]?.key, "Reglen '\(rid)' har replaces_family_info uden family_info.")
                }
                resourceUses.append((r["resources"]?.value, rules[rules.count - 1].resources))
            }
        }

        let warningRules = warnings(top["warnings"]?.value, fields: fields)
        let resources = self.resources(top["resources"]?.value)
        let resourceIDs = Set(resources.map(\.id))
        for (node, ids) in resourceUses {
            for rid in ids where !resourceIDs.contains(rid) {
                fail(node, "Hjælpemuligheden '\(rid)' findes ikke under resources (kendte: \(resources.map(\.id).joined(separator: ", "))).")
            }
        }
        let leaflet = self.leaflet(top["leaflet"]?.value)
        let journal = journalTexts(top["journal"]?.value)

        guard problems.isEmpty, let id, let version, let title, let defaultAction else { return nil }
        let formSteps = zip(stepHeads, steps).map { FormStep(id: $0.0.id, title: $0.0.title, questions: $0.1) }
        return Form(id: id, version: version, title: title, steps: formSteps, actions: actions, rules: rules,
                    defaultActionID: defaultAction, fingerprint: fingerprint, path: path, warningRules: warningRules,
                    resources: resources, leaflet: leaflet, journalTexts: journal, notices: notices(resources))
    }

    mutating func choiceID(_ node: Node) -> String? {
        guard case .mapping = node else { return nil }
        guard case .mapping(let m) = node else { return nil }
        return m["id"]?.scalar?.string
    }

    mutating func choice(_ node: Node) -> Choice? {
        guard let c = mapping(node, what: "et valg", required: ["id", "label"], optional: ["min_age_days", "max_age_days"]) else { return nil }
        guard let id = identifier(c["id"]?.value, "Valgets id"), let label = nonEmptyString(c["label"]?.value, "label") else { return nil }
        let low = int(c["min_age_days"]?.value, "min_age_days"), high = int(c["max_age_days"]?.value, "max_age_days")
        var ageDays: ClosedRange<Int>?
        switch (low, high) {
        case (let low?, let high?):
            if low < 0 || high < low {
                fail(c["min_age_days"]?.value, "min_age_days skal være 0 eller mere og højst max_age_days.")
            } else {
                ageDays = low...high
            }
        case (nil, nil): break
        default:
            fail(node, "Valget '\(id)' skal have både min_age_days og max_age_days, eller ingen af dem.")
        }
        return Choice(id: id, label: label, ageDays: ageDays)
    }

    func action(_ id: String, in actions: [FormAction]) -> FormAction? { actions.first { $0.id == id } }

    /// An action's `statuses:`: a list of `{id, label, closes, report_label?, needs_note?}` with unique
    /// identifier ids (none of `FollowupStatus.reservedIDs`), at least one that closes the action, and at
    /// most `FollowupStatus.maxPerAction`.
    mutating func followupStatuses(_ node: Node, action: String) -> [FollowupStatus] {
        guard let items = sequence(node, "statuses") else { return [] }
        var result: [FollowupStatus] = []
        var seen = Set<String>()
        for item in items {
            guard let s = mapping(item, what: "en status", required: ["id", "label", "closes"],
                                  optional: ["report_label", "needs_note"]) else { continue }
            let label = nonEmptyString(s["label"]?.value, "Statussens label")
            let closes = bool(s["closes"]?.value, "closes")
            let reportLabel = nonEmptyString(s["report_label"]?.value, "report_label")
            let needsNote = bool(s["needs_note"]?.value, "needs_note") ?? false
            guard let id = identifier(s["id"]?.value, "Statussens id") else { continue }
            if FollowupStatus.reservedIDs.contains(id) {
                fail(s["id"]?.value, "Status-id '\(id)' er reserveret til eksporten (\(FollowupStatus.reservedIDs.sorted().joined(separator: ", "))); vælg et andet id.")
                continue
            }
            if !seen.insert(id).inserted {
                fail(s["id"]?.value, "Status-id '\(id)' står to gange i handlingen '\(action)'.")
                continue
            }
            if let label, let closes {
                result.append(FollowupStatus(id: id, label: label, closes: closes, shortLabel: reportLabel, needsNote: needsNote))
            }
        }
        if items.isEmpty {
            fail(node, "Handlingen '\(action)' har en tom 'statuses'; giv mindst én status, eller udelad nøglen.")
        } else if items.count > FollowupStatus.maxPerAction {
            fail(node, "Handlingen '\(action)' har \(items.count) statusser; der kan højst være \(FollowupStatus.maxPerAction).")
        } else if !result.isEmpty, !result.contains(where: \.closes) {
            fail(node, "Handlingen '\(action)' har ingen status med closes: true; mindst én status skal afslutte handlingen.")
        }
        return result
    }

    /// A list of ids (`[a, b]`), each checked as an identifier.
    mutating func idList(_ node: Node?, _ what: String) -> [String] {
        guard let node else { return [] }
        return (sequence(node, what) ?? []).compactMap { identifier($0, what) }
    }

    /// A question's `role`: known, of the right question kind, and not used by another question.
    mutating func fieldRole(_ node: Node?, kind: QuestionKind, questionID: String, seen: inout [FieldRole: String]) -> FieldRole? {
        guard let node, let name = string(node, "role") else { return nil }
        guard let role = FieldRole(rawValue: name) else {
            fail(node, "Ukendt rolle '\(name)'. Brug en af: \(FieldRole.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        if role.kind != kind {
            fail(node, "Rollen '\(name)' kræver et spørgsmål af typen \(role.kind.rawValue); '\(questionID)' er \(kind.rawValue).")
            return nil
        }
        if let other = seen[role] {
            fail(node, "Rollen '\(name)' bruges både af '\(other)' og '\(questionID)'; hver rolle må kun bruges én gang.")
            return nil
        }
        seen[role] = questionID
        return role
    }

    /// The form's `warnings`: id, when, text.
    mutating func warnings(_ node: Node?, fields: [String: ExpressionField]) -> [FormWarning] {
        var result: [FormWarning] = []
        for item in sequence(node, "warnings") ?? [] {
            guard let w = mapping(item, what: "en advarsel", required: ["id", "when", "text"], optional: []),
                  let wid = identifier(w["id"]?.value, "Advarslens id") else { continue }
            if result.contains(where: { $0.id == wid }) { fail(w["id"]?.value, "Advarsels-id '\(wid)' bruges mere end én gang."); continue }
            let when = expression(w["when"]?.value, what: "when", fields: fields)
            if let when, let text = nonEmptyString(w["text"]?.value, "text") {
                result.append(FormWarning(id: wid, when: when, text: text))
            }
        }
        return result
    }

    /// The form's `resources`.
    mutating func resources(_ node: Node?) -> [Resource] {
        var result: [Resource] = []
        for item in sequence(node, "resources") ?? [] {
            guard let r = mapping(item, what: "en hjælpemulighed", required: ["id", "name", "offers"],
                                  optional: ["phone", "web", "en"]),
                  let rid = identifier(r["id"]?.value, "Hjælpemulighedens id") else { continue }
            if result.contains(where: { $0.id == rid }) { fail(r["id"]?.value, "Hjælpemuligheds-id '\(rid)' bruges mere end én gang."); continue }
            var translations: [String: (name: String, offers: String)] = [:]
            if let en = r["en"]?.value, let t = mapping(en, what: "en oversættelse", required: ["name", "offers"], optional: []),
               let name = nonEmptyString(t["name"]?.value, "name"), let offers = nonEmptyString(t["offers"]?.value, "offers") {
                translations["en"] = (name, offers)
            }
            guard let name = nonEmptyString(r["name"]?.value, "name"), let offers = nonEmptyString(r["offers"]?.value, "offers") else { continue }
            result.append(Resource(id: rid, name: name, offers: offers,
                                   phone: (string(r["phone"]?.value, "phone") ?? "").trimmingCharacters(in: .whitespaces),
                                   web: (string(r["web"]?.value, "web") ?? "").trimmingCharacters(in: .whitespaces),
                                   translations: translations))
            resourceNodes[rid] = item
        }
        return result
    }

    /// What `check` warns about without refusing the form: resources without a phone number.
    func notices(_ resources: [Resource]) -> [FormProblem] {
        resources.filter { $0.phone.isEmpty }.map { resource in
            let mark = resourceNodes[resource.id]?.mark
            return FormProblem(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1,
                               message: "Hjælpemuligheden '\(resource.id)' har intet telefonnummer. Kommunen skal udfylde phone; skriv aldrig et gættet nummer.")
        }
    }

    /// The leaflet's texts per language.
    mutating func leaflet(_ node: Node?) -> [String: LeafletText] {
        guard let node, let languages = mapping(node, what: "leaflet", required: [], optional: ["da", "en"]) else { return [:] }
        var result: [String: LeafletText] = [:]
        for (language, entry) in languages {
            guard let t = mapping(entry.value, what: "folderens tekster", required: ["title"], optional: ["intro", "outro"]),
                  let title = nonEmptyString(t["title"]?.value, "title") else { continue }
            result[language] = LeafletText(title: title, intro: string(t["intro"]?.value, "intro") ?? "",
                                           outro: string(t["outro"]?.value, "outro") ?? "")
        }
        return result
    }

    /// The journal note's headings; those not given keep their defaults.
    mutating func journalTexts(_ node: Node?) -> JournalTexts {
        var texts = JournalTexts()
        guard let node, let map = mapping(node, what: "journal", required: [], optional: JournalTexts.keys.map(\.0)) else { return texts }
        for (key, path) in JournalTexts.keys {
            if let value = nonEmptyString(map[key]?.value, key) { texts[keyPath: path] = value }
        }
        return texts
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
