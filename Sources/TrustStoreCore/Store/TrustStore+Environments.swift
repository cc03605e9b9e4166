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
    package var unusable: [TrustStoreError] = []
    /// The machine's default roots a client of the exported bundle also trusts (`include_system = true`, or asked
    /// for), without those the environment holds and those a distrust entry names, in the bundle's order.
    package var system: [X509Certificate] = []
    /// The system bundle ``system`` was read from.
    package var systemBundle: String?

    /// Every trust anchor a client of the environment's export holds: its certificates, then ``system``.
    package var anchors: [X509Certificate] { certificates.map(\.certificate) + system }

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

    /// The effective trust of `environment` at `commit` (HEAD by default): see ``EffectiveTrust``, resolved by
    /// ``EnvironmentResolver/resolve(_:folder:)`` as every export is.
    /// - Parameters:
    ///   - includeSystem: also take the machine's default bundle as trust anchors (``EffectiveTrust/system``); nil:
    ///     when the environment sets `include_system = true`, as `export` does.
    ///   - systemBundle: the bundle to read instead of the first of ``SystemBundle/standardPaths``.
    /// - Throws: ``TrustStoreError``: usage for an unknown environment, failure for an unknown parent or an
    ///   inheritance cycle, when `strict` and a file of the lineage holds no readable certificate, or when the system
    ///   bundle is asked for and cannot be read.
    package func effectiveTrust(of environment: String, at commit: String? = nil, strict: Bool = true,
                                includeSystem: Bool? = nil, systemBundle: String? = nil)
        throws(TrustStoreError) -> EffectiveTrust
    {
        let id: String
        if let commit { id = commit } else { id = try headCommit() }
        let resolver = try resolver(at: commit)
        try requireEnvironment(environment, in: resolver.config)
        var unusable: [TrustStoreError] = []
        let resolved = try resolver.resolve(environment) { (name: String) throws(TrustStoreError) in
            let (certs, bad) = try readableCertificates(in: name, at: id)
            if strict, let first = bad.first { throw first }
            unusable += bad
            return certs
        }
        var result = EffectiveTrust(
            environment: environment, certificates: resolved.trusted.map(\.item),
            distrusted: resolved.distrusted.map { ($0.entry.item, $0.distrust) },
            constrained: resolved.trusted.compactMap { e in e.distrustAfter.map { (e.item, $0) } },
            distrust: resolved.distrust, unusable: unusable)
        let keyed = result.certificates.map { (key: ($0.certificate.subject, $0.fingerprint), cert: $0) }
        result.certificates = keyed.sorted { $0.key < $1.key }.map(\.cert)
        if includeSystem ?? (resolver.config.environments[environment]?.includeSystem == true) || systemBundle != nil {
            guard let bundle = try SystemBundle.load(explicit: systemBundle) else {
                throw TrustStoreError(.failure, "no system bundle found (looked for "
                    + SystemBundle.standardPaths.joined(separator: ", ") + ")", hint: "pass --system-bundle FILE")
            }
            let present = Set((result.certificates + result.distrusted.map(\.certificate)).map(\.fingerprint))
            for cert in bundle.certificates() where !present.contains(cert.sha256.hex) {
                if result.outrightDistrust(of: cert) == nil { result.system.append(cert) }
            }
            result.systemBundle = bundle.path
        }
        return result
    }
}
