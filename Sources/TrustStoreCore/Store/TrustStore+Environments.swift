package import TrustStoreOpenSSL

/// What an environment trusts at a commit once inheritance and distrust are resolved.
package struct EffectiveTrust {
    package var environment: String
    /// The trusted certificates: the environment's own, then those inherited (deduplicated by SHA-256
    /// fingerprint, the environment's own copy winning), without the distrusted ones, sorted by subject then
    /// fingerprint. ``StoredCertificate/environment`` is the environment each comes from.
    package var certificates: [StoredCertificate]
    /// Certificates left out because a distrust entry (without `after`) names them, with that entry.
    package var distrusted: [(certificate: StoredCertificate, distrust: AppliedDistrust)]
    /// Trusted certificates that carry a distrust-after constraint, with the entry.
    package var constrained: [(certificate: StoredCertificate, distrust: AppliedDistrust)]
    /// Every distrust entry that applies to the environment.
    package var distrust: [AppliedDistrust]
    /// Files of the environment or of those it extends that cannot be read.
    package var unusable: [TrustStoreError]

    /// The outright distrust entry (no `after`) naming `certificate`, if any.
    package func outrightDistrust(of certificate: X509Certificate) -> AppliedDistrust? {
        distrust.first { $0.entry.after == nil && $0.entry.matches(certificate) }
    }

    /// The distrust-after entry naming `certificate`, if any.
    package func distrustAfter(of certificate: X509Certificate) -> AppliedDistrust? {
        distrust.first { $0.entry.after != nil && $0.entry.matches(certificate) }
    }

    /// The environment `certificate` is inherited from, nil for the environment's own.
    package func origin(of certificate: StoredCertificate) -> String? {
        certificate.environment == environment ? nil : certificate.environment
    }

    /// The summary of `certificate` as this environment sees it: `environment` is this one, `inheritedFrom`
    /// the environment it comes from when inherited.
    package func summary(_ certificate: StoredCertificate, distrust: AppliedDistrust? = nil) -> CertificateSummary {
        var summary = CertificateSummary(certificate)
        summary.environment = environment
        summary.inheritedFrom = origin(of: certificate)
        summary.distrustedBy = distrust?.message
        return summary
    }
}

extension TrustStore {
    /// The resolver for the configuration at `commit` (HEAD's when nil).
    package func resolver(at commit: String? = nil) throws(TrustStoreError) -> EnvironmentResolver {
        if let commit { return EnvironmentResolver(config: try config(at: commit)) }
        return EnvironmentResolver(config: config)
    }

    /// The effective trust of `environment` at `commit` (HEAD by default): see ``EffectiveTrust``.
    /// - Throws: ``TrustStoreError``: usage for an unknown environment, failure for an unknown parent or an
    ///   inheritance cycle, or when `strict` and a file of the lineage holds no readable certificate.
    package func effectiveTrust(of environment: String, at commit: String? = nil, strict: Bool = true)
        throws(TrustStoreError) -> EffectiveTrust
    {
        let id: String
        if let commit { id = commit } else { id = try headCommit() }
        let resolver = try resolver(at: commit)
        try requireEnvironment(environment, in: resolver.config)
        let lineage = try resolver.lineage(of: environment)
        let distrust = try resolver.distrust(for: environment)
        var result = EffectiveTrust(environment: environment, certificates: [], distrusted: [], constrained: [],
                                    distrust: distrust, unusable: [])
        var seen = Set<String>()
        for name in lineage {
            let (certs, unusable) = try readableCertificates(in: name, at: id)
            if strict, let first = unusable.first { throw first }
            result.unusable += unusable
            for cert in certs where seen.insert(cert.fingerprint).inserted {
                if let entry = result.outrightDistrust(of: cert.certificate) {
                    result.distrusted.append((cert, entry))
                    continue
                }
                if let entry = result.distrustAfter(of: cert.certificate) { result.constrained.append((cert, entry)) }
                result.certificates.append(cert)
            }
        }
        let keyed = result.certificates.map { (key: ($0.certificate.subject, $0.fingerprint), cert: $0) }
        result.certificates = keyed.sorted { $0.key < $1.key }.map(\.cert)
        return result
    }
}
