internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// The outcome of `truststore distrust`.
public struct DistrustReport: Sendable {
    public var environment: String
    /// The entries recorded.
    public var entries: [DistrustEntry]
    /// Certificates the environment trusted before and now leaves out (own or inherited).
    public var nowDistrusted: [CertificateSummary]
    public var commit: String
}

/// `truststore distrust CERT --env ENV --reason TEXT [--by fingerprint|issuer-serial|spki] [--after TIME]`:
/// records distrust entries (``DistrustEntry``) in the environment's table of `truststore.toml`, as one commit.
package struct DistrustOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Parameters:
    ///   - certificate: `CERT` as given: a certificate file (every certificate in it gets an entry), or a
    ///     SHA-256 fingerprint or unique prefix of a certificate stored in any environment; a full fingerprint
    ///     of a certificate the store does not hold is accepted with `--by fingerprint`.
    ///   - after: seconds since the epoch (UTC) for a distrust-after entry.
    /// - Throws: ``TrustStoreError``: usage for an unknown environment or an unusable `CERT`; rejected when
    ///   nothing matches or the environment already has an entry with the same key; failure when the commit fails.
    package func run(certificate text: String, cwd: String, environment: String, key: DistrustEntry.Key,
                     after: Int64?, reason: String, author: Author) throws(TrustStoreError) -> DistrustReport
    {
        try store.requireEnvironment(environment)
        let selector = try CertificateSelector(text, cwd: cwd)
        let certificates: [X509Certificate]
        var entries: [DistrustEntry] = []
        switch selector.pattern {
        case .fingerprints:
            let path = TrustStore.absolute(text, cwd: cwd)
            let bytes: [UInt8]
            do {
                bytes = try FileIO.read(path)
                certificates = try InputDecoder.decode(bytes).certificates.map(\.certificate)
            } catch {
                throw TrustStoreError(.rejected, "cannot use '\(text)' to select a certificate: \(error)")
            }
        case .fingerprintPrefix(let hex):
            var pool: [StoredCertificate] = []
            var seen = Set<String>()
            for name in store.config.environmentNames {
                for cert in try store.readableCertificates(in: name).certificates where seen.insert(cert.fingerprint).inserted {
                    pool.append(cert)
                }
            }
            if key == .fingerprint && hex.count == 64 && !pool.contains(where: { $0.fingerprint == hex }) {
                certificates = []
                entries = [DistrustEntry(sha256: hex, reason: reason, after: after.map(Timestamp.format))]
            } else {
                certificates = try selector.select(from: pool, scope: "the store").map(\.certificate)
            }
        }
        entries += certificates.map { DistrustEntry.make(for: $0, key: key, reason: reason, after: after) }
        var unique: [DistrustEntry] = []
        for entry in entries where !unique.contains(where: { $0.sameKey(as: entry) }) { unique.append(entry) }
        entries = unique

        var config = store.config
        let existing = config.environments[environment]?.distrust ?? []
        if let clash = entries.first(where: { entry in existing.contains { $0.sameKey(as: entry) } }) {
            throw TrustStoreError(.rejected, "'\(environment)' already has the distrust entry \(clash.label)"
                + (clash.subject.map { " ('\($0)')" } ?? "") + "; the store is unchanged")
        }
        let before = try store.effectiveTrust(of: environment)
        config.environments[environment]?.distrust = existing + entries
        let commit = try store.commit(
            [.write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8))],
            message: CommitMessage.distrust(environment: environment, entries: entries, reason: reason), author: author)
        try store.reloadConfig()
        let now = entries.filter { $0.after == nil }
        let dropped = before.certificates.filter { cert in now.contains { $0.matches(cert.certificate) } }
        return DistrustReport(environment: environment, entries: entries,
                              nowDistrusted: dropped.map(CertificateSummary.init), commit: commit)
    }
}
