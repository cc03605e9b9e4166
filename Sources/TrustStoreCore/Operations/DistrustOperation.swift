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

extension DistrustOperation {
    /// `truststore undistrust CERT --env ENV --reason TEXT`: removes the entries of `environment` that name CERT
    /// (a certificate file, or a fingerprint or prefix of a stored certificate or of an entry's hash), as one commit.
    /// - Returns: the entries removed and the commit.
    /// - Throws: ``TrustStoreError``: usage for an unknown environment or an unusable `CERT`; rejected when no
    ///   entry of the environment matches (naming the environment that records an inherited one); failure when
    ///   the commit fails.
    package func remove(certificate text: String, cwd: String, environment: String, reason: String, author: Author)
        throws(TrustStoreError) -> (entries: [DistrustEntry], commit: String)
    {
        try store.requireEnvironment(environment)
        let selector = try CertificateSelector(text, cwd: cwd)
        var certificates: [X509Certificate] = []
        switch selector.pattern {
        case .fingerprints:
            do {
                certificates = try InputDecoder.decode(try FileIO.read(TrustStore.absolute(text, cwd: cwd))).certificates
                    .map(\.certificate)
            } catch {
                throw TrustStoreError(.rejected, "cannot use '\(text)' to select a certificate: \(error)")
            }
        case .fingerprintPrefix:
            for name in store.config.environmentNames {
                certificates += try store.readableCertificates(in: name).certificates
                    .filter { selector.matches($0.fingerprint) }.map(\.certificate)
            }
        }
        func named(_ entry: DistrustEntry) -> Bool {
            if certificates.contains(where: entry.matches) { return true }
            guard case .fingerprintPrefix(let hex) = selector.pattern else { return false }
            return entry.sha256?.hasPrefix(hex) == true || entry.spkiSHA256?.hasPrefix(hex) == true
        }
        var config = store.config
        let own = config.environments[environment]?.distrust ?? []
        let removed = own.filter(named)
        guard !removed.isEmpty else {
            let inherited = try store.resolver().distrust(for: environment).first { $0.environment != environment && named($0.entry) }
            throw TrustStoreError(.rejected, "no distrust entry of '\(environment)' matches '\(text)'",
                hint: inherited.map { "the entry \($0.entry.label) is recorded in '\($0.environment)': "
                    + "truststore undistrust \(text) --env \($0.environment) --reason …" })
        }
        config.environments[environment]?.distrust = own.filter { !named($0) }
        let commit = try store.commit(
            [.write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8))],
            message: CommitMessage.undistrust(environment: environment, entries: removed, reason: reason), author: author)
        try store.reloadConfig()
        return (removed, commit)
    }
}
