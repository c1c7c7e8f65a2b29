/// An error that can be shown to the user as one clear Danish sentence, with the exit code the
/// command line should end with (0 ok, 1 a check found problems, 64 usage, 65 bad input data,
/// 74 I/O error, 77 no key, wrong key or untrusted team key). Every module's error enum conforms, so the executable needs no logic of its own
/// to report them. The message must never contain a CPR number or an answer about violence.
public protocol UserFacingError: Error {
    /// The message in Danish, without a trailing newline.
    var danishDescription: String { get }
    /// The process exit code for this error.
    var exitCode: Int32 { get }
}

/// Exit codes shared by every command (sysexits.h values where they exist).
public enum ExitStatus {
    /// All went well.
    public static let ok: Int32 = 0
    /// A check (form check, verify) found problems.
    public static let problemsFound: Int32 = 1
    /// The command line was wrong.
    public static let usage: Int32 = 64
    /// Input data (answers, a form, a log line) was invalid.
    public static let dataError: Int32 = 65
    /// A file could not be read or written.
    public static let ioError: Int32 = 74
    /// No key, a wrong key or passphrase, or a team key this device has not trusted (EX_NOPERM).
    public static let noPermission: Int32 = 77
}
