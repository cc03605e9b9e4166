/// The role of a CA certificate in a store.
public enum CertificateKind: String, Sendable, Codable, CaseIterable {
    /// A self-signed CA certificate: a trust anchor.
    case root
    /// A CA certificate issued by another CA (including cross-signed roots); it must chain to a root of
    /// its environment.
    case intermediate
}
