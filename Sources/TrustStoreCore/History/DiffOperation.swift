internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// One certificate added to or removed from one environment between two states of the store.
public struct CertificateDifference: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable { case added, removed }

    public var environment: String
    public var action: Action
    public var kind: CertificateKind
    public var subject: String
    /// Lowercase hex SHA-256.
    public var sha256: String
    /// RFC 3339 UTC.
    public var notAfter: String
    /// "RSA 4096", "EC 256 (prime256v1)".
    public var key: String
    /// The file in the newer state (added) or the older one (removed).
    public var path: String
    /// For certificates added in the work tree: the verdicts `add` would give them.
    public var findings: [Finding]
}

/// `truststore diff`: the certificate-level difference per environment between two commits, or between a
/// commit and the work tree (hand edits, validated as `add` would validate them).
public struct DiffReport: Sendable, Codable {
    /// The older state: a commit id.
    public var from: String
    /// The newer state: a commit id, or "work tree".
    public var to: String
    public var differences: [CertificateDifference]

    /// True when any certificate added in the work tree fails a rule of `add`.
    public var hasInvalidAddition: Bool { differences.contains { $0.findings.hasError } }
}

package struct DiffOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Parameters:
    ///   - from: the older commit.
    ///   - to: the newer commit, or nil for the work tree.
    ///   - environment: only this environment.
    ///   - time: validation time for work-tree additions (seconds since the epoch).
    package func run(from: String, to: String?, environment: String?, time: Int64) throws(TrustStoreError)
        -> DiffReport
    {
        let oldState = try snapshot(commit: from)
        let newState: [String: [StoredCertificate]]
        if let to { newState = try snapshot(commit: to) } else { newState = try workTree() }
        var envs = Set(oldState.keys).union(newState.keys).sorted()
        if let environment {
            if oldState[environment] == nil && newState[environment] == nil {
                try store.requireEnvironment(environment)
            }
            envs = [environment]
        }
        var differences: [CertificateDifference] = []
        for env in envs {
            let old = oldState[env] ?? []
            let new = newState[env] ?? []
            let oldSet = Set(old.map(\.fingerprint))
            let newSet = Set(new.map(\.fingerprint))
            let context = ValidationContext(policy: store.config.policy, time: time, environment: env)
            let chain = ChainRule(context: context)
            var seen = Set<String>()
            for cert in new where !oldSet.contains(cert.fingerprint) && seen.insert(cert.fingerprint).inserted {
                var findings: [Finding] = []
                if to == nil {
                    findings = standardCertificateRules.flatMap { $0.evaluate(cert.info, in: context) }
                    // What the environment trusts in the work tree (HEAD's configuration): the one resolution of
                    // inheritance and distrust, as add sees a commit.
                    let trust = try? store.resolver().resolve(env) { (name: String) throws(TrustStoreError) in
                        newState[name] ?? []
                    }
                    if let entry = trust?.distrusted.first(where: { $0.entry.item.fingerprint == cert.fingerprint }) {
                        findings.append(Finding(.error, "distrust", "conflicting trust: \(entry.distrust.message)"))
                    }
                    let pool = trust?.trusted.map(\.item) ?? new
                    if cert.kind == .intermediate && !findings.hasError {
                        findings += chain.evaluate(
                            cert.certificate, anchors: pool.filter { $0.kind == .root }.map(\.certificate),
                            untrusted: pool.filter { $0.kind == .intermediate }.map(\.certificate))
                    }
                }
                differences.append(difference(cert, .added, findings))
            }
            for cert in old where !newSet.contains(cert.fingerprint) && seen.insert(cert.fingerprint).inserted {
                differences.append(difference(cert, .removed, []))
            }
        }
        return DiffReport(from: from, to: to ?? "work tree", differences: differences)
    }

    private func difference(_ cert: StoredCertificate, _ action: CertificateDifference.Action, _ findings: [Finding])
        -> CertificateDifference
    {
        CertificateDifference(
            environment: cert.environment, action: action, kind: cert.kind, subject: cert.info.subject,
            sha256: cert.fingerprint, notAfter: Timestamp.format(cert.info.notAfter), key: cert.info.keyDescription,
            path: cert.path, findings: findings)
    }

    /// Every environment's certificates at `commit`: the environments its configuration declares and any
    /// folder under `stores/` (a folder added with plain git counts too).
    private func snapshot(commit: String) throws(TrustStoreError) -> [String: [StoredCertificate]] {
        let config = try store.config(at: commit)
        let folders: [TreeFile]
        do {
            folders = try store.repository.files(at: commit, under: "stores/", readContent: false)
        } catch {
            throw TrustStoreError(.failure, "cannot read commit \(commit.prefix(12)): \(error)")
        }
        var envs = Set(config.environmentNames)
        for file in folders {
            let parts = file.path.split(separator: "/")
            if parts.count >= 3 { envs.insert(String(parts[1])) }
        }
        var out: [String: [StoredCertificate]] = [:]
        for env in envs { out[env] = try store.certificates(in: env, at: commit) }
        return out
    }

    /// Every environment's certificates as the work tree holds them now.
    private func workTree() throws(TrustStoreError) -> [String: [StoredCertificate]] {
        let storesDir = store.root + "/stores"
        var out: [String: [StoredCertificate]] = [:]
        for env in FileIO.list(storesDir) where FileIO.isDirectory(storesDir + "/" + env) {
            var certs: [StoredCertificate] = []
            for relative in Self.files(under: storesDir + "/" + env, prefix: "stores/\(env)/")
            where !TrustStore.isAuxiliaryFile(relative) {
                let content: [UInt8]
                do {
                    content = try FileIO.read(store.root + "/" + relative)
                } catch {
                    throw TrustStoreError(.failure, "cannot read '\(relative)': \(error)")
                }
                let decoded: DecodedInput
                do {
                    decoded = try InputDecoder.decode(content)
                } catch {
                    throw TrustStoreError(.rejected, "work-tree file '\(relative)' is not usable: \(error)",
                        hint: "fix or remove it before committing")
                }
                certs += decoded.certificates.map {
                    StoredCertificate(certificate: $0.certificate, environment: env, path: relative)
                }
            }
            out[env] = certs
        }
        return out
    }

    private static func files(under directory: String, prefix: String) -> [String] {
        var out: [String] = []
        for name in FileIO.list(directory) {
            let full = directory + "/" + name
            if FileIO.isDirectory(full) {
                out += files(under: full, prefix: prefix + name + "/")
            } else {
                out.append(prefix + name)
            }
        }
        return out
    }
}
