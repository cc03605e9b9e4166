/// One certificate added to or removed from one environment by one commit, derived from the commit's tree
/// against its first parent, with the provenance its trailers carry.
public struct TrustChange: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable {
        case add, remove
        /// The file changed but holds the same certificate (for example its comment header was edited).
        case modify
    }

    /// Full commit id (hex).
    public var commit: String
    /// Author date, RFC 3339 UTC.
    public var date: String
    public var author: String
    public var authorEmail: String
    public var action: Action
    public var environment: String
    public var subject: String
    public var kind: CertificateKind
    /// Lowercase hex SHA-256 of the certificate.
    public var sha256: String
    /// RFC 3339 UTC.
    public var notAfter: String
    /// `Truststore-Reason`, nil when the commit has none (for example a plain `git commit`).
    public var reason: String?
    /// `Truststore-Source` values.
    public var sources: [String]
    /// The commit's subject line.
    public var summary: String
    /// True when the commit carries truststore trailers (made by truststore, not by plain git).
    public var hasTrailers: Bool

    /// The reason for display: the trailer's text, or that none was recorded (and why, for plain git commits).
    public var reasonDescription: String { Self.describe(reason: reason, hasTrailers: hasTrailers) }

    /// The wording of a reason for display, shared by every command that shows one.
    public static func describe(reason: String?, hasTrailers: Bool) -> String {
        reason ?? (hasTrailers ? "(none recorded)" : "(none recorded), committed without truststore trailers")
    }
}
