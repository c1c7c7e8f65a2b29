import Foundation

/// What `verify` adds for a data folder with a team key: how many lines still carry a screening,
/// correction or follow-up body in clear text (written before the key, or by a device that did not
/// encrypt). Reads only envelopes: no key and no JSON parsing needed (damaged lines are `verify`'s business).
public struct ClearTextCount: Sendable, Hashable, Codable {
    /// Clear-text screening, correction and follow-up bodies.
    public var clearBodies: Int
    /// Encrypted bodies.
    public var sealedBodies: Int

    /// Counts over every log file of `directory`.
    public static func count(directory: DataDirectory) throws(LogError) -> ClearTextCount {
        var result = ClearTextCount(clearBodies: 0, sealedBodies: 0)
        var problems: [LogError] = []
        do {
            try LogReader.forEachFile(try directory.logFiles(), in: directory, problems: &problems) { _, path, fd, _ in
                _ = try LineScanner.scan(fd: fd, path: path) { _, line in
                    if BodyCrypto.isSealed(line) {
                        result.sealedBodies += 1
                    } else if let type = LogEvent.peekType(line), ["screening", "correction", "followup"].contains(type) {
                        result.clearBodies += 1
                    }
                    return true
                }
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw .readFailed(path: directory.path, reason: "\(error)")
        }
        return result
    }
}
