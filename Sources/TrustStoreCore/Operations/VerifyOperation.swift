package import TrustStoreOpenSSL

/// The outcome of `truststore verify`: the path OpenSSL built, or why it could not, and what to do.
public struct VerifyReport: Sendable, Codable {
    /// One certificate of the path, depth 0 being the end-entity certificate.
    public struct PathElement: Sendable, Codable {
        public var depth: Int
        public var subject: String
        /// Lowercase hex SHA-256.
        public var sha256: String
        /// RFC 3339 UTC.
        public var notAfter: String
        /// Where it came from: "leaf", "untrusted" (the leaf file or --untrusted) or "environment".
        public var source: String
    }

    public var environment: String
    public var valid: Bool
    /// RFC 3339 UTC validation time.
    public var at: String
    public var host: String?
    public var purpose: String?
    public var path: [PathElement]
    /// OpenSSL's `X509_V_ERR_*` code, 0 on success.
    public var errorCode: Int
    /// OpenSSL's text for the code.
    public var errorReason: String?
    public var errorDepth: Int?
    /// The explanation, one line: what failed and about which certificate.
    public var message: String?
    /// What to do next.
    public var hint: String?
    /// Notes about the input (for example extra certificates in the leaf file used as untrusted).
    public var notes: [String]
    /// The distrust entry that rejected the path (`distrusted in 'prod' by …: reason`), if one did.
    public var distrustedBy: String?
}

/// `truststore verify`: RFC 5280 path validation of an end-entity certificate by OpenSSL, trusting only the
/// environment's certificates.
///
/// Every certificate the environment trusts (its own and those it inherits, without the distrusted ones:
/// ``EffectiveTrust``) goes into the `X509_STORE`, exactly as a client given the exported bundle (`verify=`,
/// `--cacert`, `SSL_CERT_FILE`) loads it; a path through a distrusted certificate, or through a CA with a
/// distrust-after entry for an end-entity certificate issued later, is rejected naming the entry. OpenSSL still
/// requires the path to end at a self-signed certificate of the store (no `X509_V_FLAG_PARTIAL_CHAIN`). The
/// system store is never read.
/// Certificates after the first in the leaf file and those of `--untrusted` files form the untrusted stack.
/// Trusted-first path building (OpenSSL 3 default), security level from the policy (2: RSA ≥ 2048 bits,
/// no SHA-1), purpose server-auth whenever a host is given, and the host checked against the SAN
/// (`X509_VERIFY_PARAM_set1_host` / `set1_ip_asc`). Nothing is fetched from AIA URLs.
package struct VerifyOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Parameters:
    ///   - leaf: the end-entity certificate input (its first certificate is the one verified).
    ///   - untrusted: inputs of intermediates the server would send.
    ///   - time: validation time, seconds since the epoch (UTC).
    /// - Throws: ``TrustStoreError``: usage for an unknown environment; rejected when an input holds no
    ///   certificate, a private key, or the environment is empty.
    package func run(environment: String, leaf: AddInput, untrusted: [AddInput], host: String?,
                     purpose: CertificatePurpose?, time: Int64, includeSystem: Bool? = nil, systemBundle: String? = nil)
        throws(TrustStoreError) -> VerifyReport
    {
        try store.requireEnvironment(environment)
        let leafCerts = try Self.decode(leaf)
        var untrustedCerts = Array(leafCerts.dropFirst())
        var notes: [String] = []
        if leafCerts.count > 1 {
            notes.append("'\(leaf.name)' holds \(leafCerts.count) certificates: the first is verified, the others are "
                + "used as untrusted intermediates")
        }
        for input in untrusted { untrustedCerts += try Self.decode(input) }
        var report = try validate(environment: environment, target: leafCerts[0], untrusted: untrustedCerts,
                                  host: host, purpose: purpose, time: time, includeSystem: includeSystem,
                                  systemBundle: systemBundle)
        report.notes = notes
        return report
    }

    /// Validates `target` with `untrusted` against the environment (see the type's documentation).
    package func validate(environment: String, target: X509Certificate, untrusted untrustedCerts: [X509Certificate],
                          host: String?, purpose: CertificatePurpose?, time: Int64, includeSystem: Bool? = nil,
                          systemBundle: String? = nil) throws(TrustStoreError)
        -> VerifyReport
    {
        try store.requireEnvironment(environment)
        let trust = try store.effectiveTrust(of: environment, includeSystem: includeSystem, systemBundle: systemBundle)
        let envCerts = trust.certificates
        // A TLS client checks a server's certificate (OpenSSL's sslserver purpose), host or not.
        let effectivePurpose = purpose ?? .serverAuth
        var report = VerifyReport(
            environment: environment, valid: false, at: Timestamp.format(time), host: host,
            purpose: effectivePurpose.rawValue, path: [], errorCode: 0, errorReason: nil, errorDepth: nil,
            message: nil, hint: nil, notes: [], distrustedBy: nil)
        if envCerts.isEmpty && trust.distrusted.isEmpty {
            throw TrustStoreError(.rejected, "environment '\(environment)' holds no certificates: nothing can be verified",
                hint: "add its roots with 'truststore add FILE --env \(environment)'")
        }
        let (result, distrust) = validateWithDistrust(
            target, trust: trust, untrusted: untrustedCerts, time: time, purpose: effectivePurpose, host: host)
        let envFingerprints = Set((envCerts + trust.distrusted.map(\.certificate)).map(\.fingerprint))
        let systemFingerprints = Set(trust.system.map(\.sha256.hex))
        report.path = result.chain.enumerated().map { depth, cert in
            let fp = cert.sha256.hex
            let source = depth == 0 ? "leaf" : envFingerprints.contains(fp) ? "environment"
                : systemFingerprints.contains(fp) ? "system" : "untrusted"
            return .init(depth: depth, subject: cert.subject, sha256: fp, notAfter: Timestamp.format(cert.notAfter),
                         source: source)
        }
        if let (entry, cert, depth) = distrust {
            report.distrustedBy = entry.message
            report.errorReason = "distrusted"
            report.errorDepth = depth
            if entry.entry.after != nil, let leaf = result.chain.first {
                report.message = "'\(cert.subject)' at depth \(depth) is \(entry.message); the end-entity certificate "
                    + "'\(leaf.subject)' was issued after that, on \(Timestamp.format(leaf.notBefore)) (notBefore)"
                report.hint = "the certificate must be reissued by a CA that is not distrusted"
            } else {
                report.message = "'\(cert.subject)' at depth \(depth) is \(entry.message)"
                report.hint = "every path through a distrusted certificate is rejected; see the entry in "
                    + "\(StoreConfig.fileName) ('truststore list --env \(environment)' marks it)"
            }
            return report
        }
        report.valid = result.isValid
        if !result.isValid {
            report.errorCode = result.errorCode
            report.errorReason = result.errorReason
            report.errorDepth = result.errorDepth
            (report.message, report.hint) = explain(result, environment: environment, host: host, time: time)
        }
        return report
    }

    /// Path validation honouring the environment's distrust entries: first without the outright distrusted
    /// certificates (as anchors or untrusted), so another path is found when there is one; when that fails, again
    /// with them, to name the entry that makes the only path unusable. A validated path is then rejected when a
    /// certificate of it is distrusted outright, or carries a distrust-after entry and the end-entity
    /// certificate's notBefore is later than the entry's `after` (Mozilla's and Chrome's semantics for server
    /// certificates, applied to any CA of the path).
    /// - Returns: OpenSSL's result, and the distrust entry that rejects it with the certificate and its depth.
    private func validateWithDistrust(
        _ target: X509Certificate, trust: EffectiveTrust, untrusted: [X509Certificate], time: Int64,
        purpose: CertificatePurpose?, host: String?
    ) -> (PathValidationResult, (AppliedDistrust, X509Certificate, Int)?) {
        let level = store.config.policy.securityLevel
        let anchors = Self.anchors(trust.certificates) + trust.system
        var result = PathValidator.validate(
            target, anchors: anchors,
            untrusted: untrusted.filter { trust.outrightDistrust(of: $0) == nil }, at: time, authLevel: level,
            purpose: purpose, host: host)
        if !result.isValid && !trust.distrust.isEmpty {
            let retry = PathValidator.validate(
                target, anchors: anchors + Self.anchors(trust.distrusted.map(\.certificate)),
                untrusted: untrusted, at: time, authLevel: level, purpose: purpose, host: host)
            if retry.isValid { result = retry }
        }
        guard result.isValid else { return (result, nil) }
        for (depth, cert) in result.chain.enumerated() {
            if let entry = trust.outrightDistrust(of: cert) { return (result, (entry, cert, depth)) }
        }
        guard let leaf = result.chain.first else { return (result, nil) }
        for (depth, cert) in result.chain.enumerated().dropFirst() {
            if let entry = trust.distrustAfter(of: cert), let after = entry.entry.afterTime, leaf.notBefore > after {
                return (result, (entry, cert, depth))
            }
        }
        return (result, nil)
    }

    /// The environment's certificates as OpenSSL trust anchors: a certificate limited to purposes carries them as
    /// auxiliary trust (``TrustPurpose/auxiliaryTrust(limitedTo:isRoot:)``), so OpenSSL's `X509_check_trust` gives the
    /// same verdict as for the `openssl-directory --trusted-certificate` export.
    private static func anchors(_ certificates: [StoredCertificate]) -> [X509Certificate] {
        certificates.map { stored in
            guard let purposes = stored.purposes,
                  let (trust, reject) = TrustPurpose.auxiliaryTrust(limitedTo: Set(purposes), isRoot: stored.kind == .root),
                  let limited = try? stored.certificate.withAuxiliaryTrust(trust: trust, reject: reject)
            else { return stored.certificate }
            return limited
        }
    }

    private static func decode(_ input: AddInput) throws(TrustStoreError) -> [X509Certificate] {
        let bytes: [UInt8]
        switch input.bytes {
        case .success(let b): bytes = b
        case .failure(let error): throw TrustStoreError(.rejected, "cannot use '\(input.name)': \(error.message)")
        }
        do {
            return try InputDecoder.decode(bytes).certificates.map(\.certificate)
        } catch {
            throw TrustStoreError(.rejected, "cannot use '\(input.name)': \(error)")
        }
    }

    /// OpenSSL's verdict turned into what happened and what to do.
    private func explain(_ r: PathValidationResult, environment env: String, host: String?, time: Int64)
        -> (String, String?)
    {
        let openssl = "OpenSSL error \(r.errorCode) at depth \(r.errorDepth): \(r.errorReason)"
        let cert = r.failingCertificate?.info ?? r.chain.last?.info
        let name = cert.map { "'\($0.subject)'" } ?? "the certificate"
        switch r.errorCode {
        case 20, 2:  // unable to get (local) issuer certificate
            let issuer = cert?.issuer ?? "unknown"
            var hint = r.errorDepth == 0
                ? "pass the intermediate with --untrusted FILE, or add it to the environment: "
                    + "truststore add FILE --env \(env) --reason …; if '\(issuer)' is a root, add it, or export with "
                    + "--include-system when it is a public root the system trusts"
                : "if the root '\(issuer)' should be trusted, add it: truststore add FILE --env \(env) --reason …, "
                    + "or export with --include-system when it is a public root the system trusts"
            if let url = cert?.caIssuersURLs.first { hint += "; the certificate names its issuer's URL: \(url)" }
            if r.errorDepth > 0 {
                return ("the path ends at \(name), whose issuer '\(issuer)' is not trusted by '\(env)' and was not "
                    + "among the untrusted certificates (\(openssl))", hint)
            }
            return ("the issuer of \(name), '\(issuer)', was not found in '\(env)' or among the untrusted certificates "
                + "(\(openssl))", hint)
        case 18, 19:  // self-signed certificate (in chain)
            return ("the path ends at root \(name), which '\(env)' does not trust (\(openssl))",
                "if this root should be trusted, add it: truststore add FILE --env \(env) --reason …")
        case 10:
            let when = cert.map { Timestamp.format($0.notAfter) } ?? "?"
            return ("\(name) at depth \(r.errorDepth) expired on \(when); validation time \(Timestamp.format(time)) "
                + "(\(openssl))", r.errorDepth == 0 ? "the server must renew its certificate" : "the issuing CA's "
                + "certificate must be replaced by a current one")
        case 9:
            let when = cert.map { Timestamp.format($0.notBefore) } ?? "?"
            return ("\(name) at depth \(r.errorDepth) is not valid until \(when); validation time "
                + "\(Timestamp.format(time)) (\(openssl))",
                "check this machine's clock (date -u), or pass --at with the intended time")
        case 62, 64:  // hostname / IP address mismatch
            let leaf = r.chain.first?.info
            let names = leaf.map { info -> String in
                if info.subjectAltNames.isEmpty {
                    return "no subjectAltName (its CN '\(info.commonName)' is not used for name checks)"
                }
                let shown = info.subjectAltNames.prefix(8).joined(separator: ", ")
                let more = info.subjectAltNames.count - 8
                return shown + (more > 0 ? " and \(more) more" : "")
            } ?? "none"
            return ("'\(host ?? "")' does not match the certificate '\(leaf?.subject ?? "")': it holds \(names) "
                + "(\(openssl))", "connect with a name the certificate holds, or have it reissued with that name")
        case 26:
            return ("\(name) is not valid for this purpose (extended key usage) (\(openssl))",
                "check --purpose: a server certificate needs serverAuth, a client certificate clientAuth, in its "
                    + "extended key usage and in that of its issuers")
        case 25:
            let limit = cert?.pathLength.map { " (pathLenConstraint \($0))" } ?? ""
            return ("path length constraint exceeded at \(name)\(limit) (\(openssl))",
                "this CA may not have as many intermediates below it; the intermediate must be issued elsewhere")
        case 7:
            return ("the signature of \(name) does not verify under its issuer '\(cert?.issuer ?? "")' (\(openssl))",
                "the certificate or its issuer is corrupt or not the one it names; get both again from the CA")
        case 66, 67:
            let key = cert.map { " (\($0.keyDescription))" } ?? ""
            return ("the key of \(name)\(key) is too weak for OpenSSL security level "
                + "\(store.config.policy.securityLevel) (\(openssl))", "the certificate must be reissued with a "
                + "stronger key (RSA ≥ 2048 bits or EC ≥ 256)")
        case 68:
            return ("\(name) is signed with a digest too weak for OpenSSL security level "
                + "\(store.config.policy.securityLevel), \(cert?.signatureAlgorithm ?? "") (\(openssl))",
                "the certificate must be reissued with a SHA-256 (or stronger) signature")
        case 79, 24:
            return ("\(name) is used as a CA but is not a valid CA certificate (\(openssl))",
                "a CA certificate needs basicConstraints CA:TRUE")
        default:
            return ("path validation failed at \(name) (\(openssl))", nil)
        }
    }
}
