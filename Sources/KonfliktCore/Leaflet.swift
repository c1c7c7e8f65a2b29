/// The one-page text for the family (`konflikt leaflet`): the form's leaflet texts and every
/// resource with what it offers and the phone number and web address the municipality filled in.
/// A resource without a phone number is printed without one — never with a made-up number.
public enum Leaflet {
    /// The leaflet in `language` (`da` or `en`), or nil when the form has no leaflet texts in it.
    public static func text(form: Form, language: String) -> String? {
        guard let frame = form.leaflet[language] else { return nil }
        let phoneLabel = language == "en" ? "Phone" : "Telefon"
        let webLabel = language == "en" ? "Web" : "Web"
        var lines: [String] = [frame.title, String(repeating: "=", count: frame.title.count), ""]
        if !frame.intro.isEmpty { lines += [frame.intro, ""] }
        for resource in form.resources {
            lines.append(resource.name(in: language))
            lines.append("  " + resource.offers(in: language))
            if !resource.phone.isEmpty { lines.append("  \(phoneLabel): \(resource.phone)") }
            if !resource.web.isEmpty { lines.append("  \(webLabel): \(resource.web)") }
            lines.append("")
        }
        if !frame.outro.isEmpty { lines.append(frame.outro) }
        return lines.joined(separator: "\n") + "\n"
    }
}
