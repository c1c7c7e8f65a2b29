import Foundation

/// This machine's device id: 16 random lowercase hex digits, created once and kept in the
/// configuration directory (`device`, mode 0600). It names the device's log file.
public enum DeviceIdentity {
    /// Reads the device id, creating and storing a new one on first use.
    public static func load(config: ConfigDirectory) throws(LogError) -> String {
        let path = config.file("device")
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if isValid(text) { return text }
        }
        var generator = SystemRandomNumberGenerator()
        let id = String(format: "%016llx", generator.next() as UInt64)
        try config.write(Data((id + "\n").utf8), to: "device")
        return id
    }

    /// Whether `text` can be a device id (1–64 characters of `a-z`, `0-9`, `_`; no `-`, which
    /// separates continuation numbers in file names).
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
