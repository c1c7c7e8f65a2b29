import Foundation

/// Finds the folder of form files: `--forms DIR`, else `KONFLIKT_FORMS`, else `./forms`, else the
/// installed default `<prefix>/share/konflikt/forms` next to the executable's `bin/`, else the
/// `forms/` folder of the source tree the executable was built in (for `make run` from anywhere).
public enum FormLocator {
    /// The forms folder to use.
    public static func resolve(option: String?, environment: [String: String],
                               currentDirectory: String = FileManager.default.currentDirectoryPath,
                               executable: String = CommandLine.arguments.first ?? "") -> URL {
        if let option, !option.isEmpty { return URL(fileURLWithPath: option) }
        if let env = environment["KONFLIKT_FORMS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let local = URL(fileURLWithPath: currentDirectory).appendingPathComponent("forms")
        if isDirectory(local) { return local }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = exe.deletingLastPathComponent().appendingPathComponent("share/konflikt/forms")
        if isDirectory(installed) { return installed }
        // A development build lives in <package>/.build/<triple>/debug/konflikt.
        var dir = exe
        for _ in 0..<4 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("forms")
            if isDirectory(candidate), FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return candidate
            }
        }
        return local
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }
}
