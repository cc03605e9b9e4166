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

    /// The OpenSSL auxiliary trust (dotted OIDs for `X509_add1_trust_object` / `X509_add1_reject_object`) that makes
    /// OpenSSL's `X509_check_trust` apply a certificate's purpose limit: what `openssl-directory
    /// --trusted-certificate` writes and what `verify` gives its anchors, so both give OpenSSL the same trust.
    /// - A root is trusted for its purposes (every purpose and anyExtendedKeyUsage when not limited) and rejected for
    ///   the others.
    /// - An intermediate CA carries no trust of its own (OpenSSL would take it as a trust anchor and never look at its
    ///   root's purposes), only reject bits for the purposes it is not limited to; nil when it is not limited.
    /// - Parameter purposes: nil: every purpose.
    package static func auxiliaryTrust(limitedTo purposes: Set<TrustPurpose>?, isRoot: Bool)
        -> (trust: [String], reject: [String])?
    {
        if purposes == nil && !isRoot { return nil }
        let reject = allCases.filter { !(purposes?.contains($0) ?? true) }.map(\.oid)
        guard isRoot else { return ([], reject) }
        var trust = allCases.filter { purposes?.contains($0) ?? true }.map(\.oid)
        if purposes == nil { trust.append(anyExtendedKeyUsageOID) }
        return (trust, reject)
    }

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
