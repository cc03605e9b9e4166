/// A failure of a truststore operation, carrying the exit status class it maps to.
///
/// `message` is one line, git-style: lowercase, the problem first, subjects and files quoted.
/// `hint` is an optional second line saying what to do next.
public struct TrustStoreError: Error, Sendable, CustomStringConvertible {
    /// Exit status classes (see ``ExitStatus``).
    public enum Kind: Sendable {
        /// The input or request was rejected, or the result is negative: exit 1.
        case rejected
        /// The tool could not do its job (I/O, corrupt store, libgit2/OpenSSL failure): exit 2.
        case failure
        /// The command line was wrong (unknown environment, bad time): exit 64.
        case usage
    }

    public var kind: Kind
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String { message }

    /// The process exit status for this error.
    public var exitStatus: Int32 {
        switch kind {
        case .rejected: return ExitStatus.rejected
        case .failure: return ExitStatus.failure
        case .usage: return ExitStatus.usage
        }
    }
}

/// The exit-status table of truststore, in one place.
public enum ExitStatus {
    /// Success.
    public static let success: Int32 = 0
    /// Rejected input or a negative result (validation failure, refused removal).
    public static let rejected: Int32 = 1
    /// The tool could not do its job: I/O error, corrupt store, library failure.
    public static let failure: Int32 = 2
    /// Usage error (EX_USAGE from sysexits.h).
    public static let usage: Int32 = 64
}
