package import TrustStoreOpenSSL

/// A certificate of an environment, as found in a commit's tree (or about to be written there).
package struct StoredCertificate {
    package var certificate: X509Certificate
    /// All fields, read (once) on first use.
    package var info: CertificateInfo { certificate.info }
    /// Root when self-signed (the self-signature verifies), else intermediate.
    package var kind: CertificateKind { certificate.isSelfSigned ? .root : .intermediate }
    /// Lowercase hex SHA-256 of the DER certificate (cheap: no full read of the fields).
    package var fingerprint: String { certificate.sha256.hex }
    package var environment: String
    /// Path in the repository, e.g. `stores/prod/isrg-root-x1_96bcec06264976f3.pem`.
    package var path: String
    /// OpenSSL auxiliary trust recorded when the certificate was added as `TRUSTED CERTIFICATE`.
    package var auxiliaryTrust: String?
    /// The purposes it is trusted for (`add --purpose`, ``PurposeIndex``), sorted; nil: every purpose.
    package var purposes: [TrustPurpose]?

    package init(certificate: X509Certificate, environment: String, path: String, auxiliaryTrust: String? = nil) {
        self.certificate = certificate
        self.environment = environment
        self.path = path
        self.auxiliaryTrust = auxiliaryTrust
    }
}

/// A Sendable summary of a stored certificate, for listing, JSON output and history.
public struct CertificateSummary: Sendable, Codable, Hashable {
    public var environment: String
    public var kind: CertificateKind
    public var subject: String
    public var issuer: String
    /// Lowercase hex SHA-256 of the DER certificate (64 characters).
    public var sha256: String
    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    public var spkiSHA256: String
    public var serial: String
    /// RFC 3339, UTC.
    public var notBefore: String
    /// RFC 3339, UTC.
    public var notAfter: String
    /// "RSA 4096", "EC 384 (secp384r1)".
    public var key: String
    public var signatureAlgorithm: String
    public var path: String
    /// The environment it is inherited from, when listed for an environment that extends it (absent otherwise).
    public var inheritedFrom: String?
    /// The distrust entry that leaves it out (`distrusted in 'prod' by …: reason`), when listed as distrusted.
    public var distrustedBy: String?
    /// The purposes it is trusted for; absent (nil): every purpose.
    public var purposes: [TrustPurpose]?

    package init(_ stored: StoredCertificate) {
        let info = stored.info
        environment = stored.environment
        kind = stored.kind
        subject = info.subject
        issuer = info.issuer
        sha256 = info.fingerprint
        spkiSHA256 = info.spkiSHA256.hex
        serial = info.serialHex
        notBefore = Timestamp.format(info.notBefore)
        notAfter = Timestamp.format(info.notAfter)
        key = info.keyDescription
        signatureAlgorithm = info.signatureAlgorithm
        path = stored.path
        purposes = stored.purposes
    }

    /// The first 16 hex digits of the fingerprint.
    public var shortFingerprint: String { String(sha256.prefix(16)) }
}
