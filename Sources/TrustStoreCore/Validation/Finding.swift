/// One verdict of one rule on one certificate.
public struct Finding: Sendable, Codable, Hashable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case info, warning, error

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .error: return 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    /// The rule's name: `ca-constraints`, `validity`, `key-strength`, `signature-strength`, `serial`,
    /// `chain`, `path-length`, `auxiliary-trust`, `related-certificate`.
    public var rule: String
    /// One line, lowercase, no final full stop.
    public var message: String

    public init(_ severity: Severity, _ rule: String, _ message: String) {
        self.severity = severity
        self.rule = rule
        self.message = message
    }
}

extension Array where Element == Finding {
    /// True when any finding is an error.
    public var hasError: Bool { contains { $0.severity == .error } }
}
