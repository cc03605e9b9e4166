internal import TrustStoreOpenSSL

/// Everything `truststore show` prints about one certificate: its fields, where it is trusted at HEAD, and
/// the history of its trust (from ``HistoryReader``).
public struct CertificateDetails: Sendable, Codable {
    public var subject: String
    public var issuer: String
    public var kind: CertificateKind
    public var serial: String
    public var version: Int
    /// RFC 3339 UTC.
    public var notBefore: String
    /// RFC 3339 UTC.
    public var notAfter: String
    /// Lowercase hex SHA-256 of the DER certificate.
    public var sha256: String
    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    public var spkiSHA256: String
    public var key: String
    public var signatureAlgorithm: String
    public var basicConstraints: String
    public var caIssuers: [String]
    /// OpenSSL auxiliary trust kept from a `TRUSTED CERTIFICATE` input.
    public var auxiliaryTrust: String?
    /// Where it is trusted at HEAD: environment → path.
    public var environments: [String: String]
    /// Its trust changes, newest first.
    public var history: [TrustChange]
    /// The purposes it is trusted for in each environment that limits them (`add --purpose`); nil when none does.
    public var purposes: [String: [TrustPurpose]]?
    /// Environments that trust it only by extending another: environment → the environment it comes from;
    /// nil when there is none.
    public var inheritedIn: [String: String]?
    /// Environments whose distrust entries leave it out: environment → the entry (`distrusted in 'prod' by …`);
    /// nil when there is none.
    public var distrustedIn: [String: String]?

    /// Finds the certificates `selector` picks among every environment at HEAD, with their history.
    /// - Throws: ``TrustStoreError``: rejected when none matches or a prefix is ambiguous.
    package static func find(_ selector: CertificateSelector, in store: TrustStore) throws(TrustStoreError)
        -> [CertificateDetails]
    {
        var all: [StoredCertificate] = []
        for env in store.config.environmentNames { all += try store.certificates(in: env) }
        let selected = try selector.select(from: all, scope: "any environment")
        var reader = HistoryReader(store: store)
        var out: [CertificateDetails] = []
        for cert in selected where !out.contains(where: { $0.sha256 == cert.info.fingerprint }) {
            let info = cert.info
            let places = selected.filter { $0.info.fingerprint == info.fingerprint }
            let history = try reader.changes().filter { $0.sha256 == info.fingerprint }
            let bc: String
            switch info.basicConstraintsCA {
            case true?: bc = "CA:TRUE" + (info.pathLength.map { ", pathlen:\($0)" } ?? "")
            case false?: bc = "CA:FALSE"
            case nil: bc = "absent"
            }
            out.append(CertificateDetails(
                subject: info.subject, issuer: info.issuer, kind: cert.kind, serial: info.serialHex,
                version: info.version, notBefore: Timestamp.format(info.notBefore),
                notAfter: Timestamp.format(info.notAfter), sha256: info.fingerprint, spkiSHA256: info.spkiSHA256.hex,
                key: info.keyDescription, signatureAlgorithm: info.signatureAlgorithm, basicConstraints: bc,
                caIssuers: info.caIssuersURLs, auxiliaryTrust: cert.auxiliaryTrust,
                environments: Dictionary(places.map { ($0.environment, $0.path) }, uniquingKeysWith: { a, _ in a }),
                history: history))
            let limited = places.compactMap { place in place.purposes.map { (place.environment, $0) } }
            if !limited.isEmpty { out[out.count - 1].purposes = Dictionary(limited, uniquingKeysWith: { a, _ in a }) }
        }
        // Where inheritance adds it, and where a distrust entry takes it away.
        guard !out.isEmpty else { return out }
        for env in store.config.environmentNames {
            let trust = try store.effectiveTrust(of: env, strict: false)
            for i in out.indices {
                let sha256 = out[i].sha256
                if out[i].environments[env] == nil,
                   let inherited = trust.certificates.first(where: { $0.info.fingerprint == sha256 })
                {
                    out[i].inheritedIn = (out[i].inheritedIn ?? [:]).merging([env: inherited.environment]) { a, _ in a }
                }
                if let entry = trust.distrusted.first(where: { $0.certificate.info.fingerprint == sha256 }) {
                    out[i].distrustedIn = (out[i].distrustedIn ?? [:]).merging([env: entry.distrust.message]) { a, _ in a }
                }
            }
        }
        return out
    }
}
