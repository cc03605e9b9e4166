/// A purpose a trust anchor can be limited to: an extended key usage (RFC 5280 section 4.2.1.12). A certificate
/// stored without purposes is trusted for every purpose.
public enum TrustPurpose: String, CaseIterable, Sendable, Codable, Comparable {
    /// TLS server authentication, id-kp-serverAuth (1.3.6.1.5.5.7.3.1); OpenSSL `-purpose sslserver`.
    case serverAuth = "server-auth"
    /// TLS client authentication, id-kp-clientAuth (1.3.6.1.5.5.7.3.2); OpenSSL `-purpose sslclient`.
    case clientAuth = "client-auth"
    /// S/MIME e-mail protection, id-kp-emailProtection (1.3.6.1.5.5.7.3.4); OpenSSL `-purpose smimesign`.
    case email
    /// Code signing, id-kp-codeSigning (1.3.6.1.5.5.7.3.3); OpenSSL `-purpose codesign`.
    case codeSigning = "code-signing"

    /// The dotted extended-key-usage OID.
    public var oid: String {
        switch self {
        case .serverAuth: return "1.3.6.1.5.5.7.3.1"
        case .clientAuth: return "1.3.6.1.5.5.7.3.2"
        case .email: return "1.3.6.1.5.5.7.3.4"
        case .codeSigning: return "1.3.6.1.5.5.7.3.3"
        }
    }

    /// anyExtendedKeyUsage (2.5.29.37.0), added to the trust of anchors trusted for every purpose.
    static let anyExtendedKeyUsageOID = "2.5.29.37.0"

    /// The purpose named `name` on the command line.
    /// - Throws: ``TrustStoreError`` (usage) for an unknown name, listing the purposes.
    public static func parse(_ name: String) throws(TrustStoreError) -> TrustPurpose {
        guard let purpose = TrustPurpose(rawValue: name) else {
            throw TrustStoreError(.usage, "unknown purpose '\(name)'",
                                  hint: "the purposes are " + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return purpose
    }

    public static func < (a: TrustPurpose, b: TrustPurpose) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
