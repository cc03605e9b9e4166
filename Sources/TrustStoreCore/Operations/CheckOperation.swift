internal import TrustStoreOpenSSL

/// One finding of `truststore check` about one certificate of one environment.
public struct CheckFinding: Sendable, Codable, Hashable {
    public var environment: String
    public var severity: Finding.Severity
    /// `validity`, `expiring`, `key-strength`, `signature-strength`, `ca-constraints`, `serial`, `chain`,
    /// `path-length`, `root-expires-first`, `related-certificate`, `unusable-file` (a file of the environment
    /// that holds no readable certificate, or a private key), `distrusted` (a certificate of the environment,
    /// a warning, or inherited, a note, that a distrust entry leaves out).
    public var rule: String
    public var subject: String
    /// Lowercase hex SHA-256.
    public var sha256: String
    /// RFC 3339 UTC.
    public var notAfter: String
    public var message: String
}

/// The health of one or more environments at a time.
public struct CheckReport: Sendable, Codable {
    /// RFC 3339 UTC.
    public var at: String
    public var warnDays: Int
    /// Certificates checked per environment.
    public var certificates: [String: Int]
    public var findings: [CheckFinding]

    /// True when any finding is an error (the command then exits 1).
    public var hasError: Bool { findings.contains { $0.severity == .error } }
}

/// `truststore check`: the rules of `add`, applied to what is committed, plus expiry warnings and the
/// relations between certificates, so that CI and cron notice trust that is decaying. Each environment is
/// checked as it is used: with what it inherits and without what is distrusted (``EffectiveTrust``).
package struct CheckOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Parameters:
    ///   - warnDays: certificates expiring within this many days (of 86,400 s) after `time` get a warning.
    ///   - time: seconds since the epoch (UTC).
    package func run(environments: [String], warnDays: Int, time: Int64) throws(TrustStoreError) -> CheckReport {
        var report = CheckReport(at: Timestamp.format(time), warnDays: warnDays, certificates: [:], findings: [])
        for env in environments {
            try store.requireEnvironment(env)
            let trust = try store.effectiveTrust(of: env, strict: false)
            let (certs, unusable) = (trust.certificates, trust.unusable)
            for (cert, entry) in trust.distrusted {
                let origin = trust.origin(of: cert).map { " (inherited from '\($0)')" } ?? ""
                report.findings.append(CheckFinding(
                    environment: env, severity: origin.isEmpty ? .warning : .info, rule: "distrusted",
                    subject: cert.info.subject, sha256: cert.fingerprint, notAfter: Timestamp.format(cert.info.notAfter),
                    message: "left out of exports and of every path\(origin): \(entry.message)"))
            }
            report.certificates[env] = certs.count
            for problem in unusable {
                report.findings.append(CheckFinding(
                    environment: env, severity: .error, rule: "unusable-file", subject: "", sha256: "", notAfter: "",
                    message: problem.message))
            }
            let context = ValidationContext(policy: store.config.policy, time: time, environment: env)
            let anchors = certs.filter { $0.kind == .root }.map(\.certificate)
            let untrusted = certs.filter { $0.kind == .intermediate }.map(\.certificate)
            let chainRule = ChainRule(context: context)
            for cert in certs {
                let info = cert.info
                var findings = standardCertificateRules.flatMap { $0.evaluate(info, in: context) }
                let remaining = info.notAfter - time
                if remaining >= 0 && remaining < Int64(warnDays) * 86_400 {
                    findings.append(Finding(.warning, "expiring",
                        "expires in \(remaining / 86_400) days, on \(Timestamp.format(info.notAfter))"))
                }
                if cert.kind == .intermediate {
                    let path = PathValidator.validate(
                        cert.certificate, anchors: anchors, untrusted: untrusted, at: time,
                        authLevel: context.policy.securityLevel)
                    findings += chainRule.evaluate(cert.certificate, anchors: anchors, untrusted: untrusted)
                    if path.isValid, let root = path.chain.last?.info, root.notAfter < info.notAfter {
                        findings.append(Finding(.info, "root-expires-first",
                            "chains to root '\(root.subject)', which expires first, on \(Timestamp.formatDate(root.notAfter)); "
                                + "after that this intermediate is usable only once the root is replaced"))
                    }
                }
                let sameSubject = certs.filter { $0.info.subject == info.subject && $0.fingerprint != cert.fingerprint }
                let sameKey = certs.filter {
                    $0.info.spkiSHA256 == info.spkiSHA256 && $0.info.subject != info.subject
                }
                if !sameSubject.isEmpty {
                    findings.append(Finding(.info, "related-certificate",
                        "\(sameSubject.count + 1) certificates share this subject (re-issued or cross-signed): "
                            + sameSubject.map { String($0.fingerprint.prefix(16)) }.joined(separator: ", ")))
                }
                if !sameKey.isEmpty {
                    findings.append(Finding(.info, "related-certificate",
                        "shares its key with " + sameKey.map { "'\($0.info.subject)' \($0.fingerprint.prefix(16))" }
                            .joined(separator: ", ") + " (cross-signed)"))
                }
                let origin = trust.origin(of: cert).map { " (inherited from '\($0)')" } ?? ""
                report.findings += findings.map {
                    CheckFinding(environment: env, severity: $0.severity, rule: $0.rule, subject: info.subject,
                                 sha256: info.fingerprint, notAfter: Timestamp.format(info.notAfter),
                                 message: $0.message + origin)
                }
            }
        }
        return report
    }
}

extension CheckOperation {
    /// `truststore check FILE…` (for the pre-commit framework): each file's certificates checked on their own,
    /// outside any store, with the rules of `add` except the path check (CA constraints, validity, key and
    /// signature strength, serial) plus the expiry warning. A file that cannot be read, holds no certificate, or
    /// holds a private key is an `unusable-file` error. Findings are grouped under the file's name (as
    /// `environment`).
    /// - Parameters:
    ///   - policy: the store's policy when a store is found, else the defaults.
    ///   - warnDays: days of 86,400 s; time: seconds since the epoch (UTC).
    package static func checkFiles(_ inputs: [AddInput], policy: StoreConfig.Policy, warnDays: Int, time: Int64)
        -> CheckReport
    {
        var report = CheckReport(at: Timestamp.format(time), warnDays: warnDays, certificates: [:], findings: [])
        for input in inputs {
            let context = ValidationContext(policy: policy, time: time, environment: input.name)
            report.certificates[input.name] = 0
            let decoded: DecodedInput
            do {
                decoded = try InputDecoder.decode(try input.bytes.get())
            } catch let error as InputRejection {
                report.findings.append(CheckFinding(environment: input.name, severity: .error, rule: "unusable-file",
                    subject: "", sha256: "", notAfter: "", message: error.description))
                continue
            } catch {
                report.findings.append(CheckFinding(environment: input.name, severity: .error, rule: "unusable-file",
                    subject: "", sha256: "", notAfter: "", message: "\(error)"))
                continue
            }
            report.certificates[input.name] = decoded.certificates.count
            for item in decoded.certificates {
                let info = item.certificate.info
                var findings = standardCertificateRules.flatMap { $0.evaluate(info, in: context) }
                let remaining = info.notAfter - time
                if remaining >= 0 && remaining < Int64(warnDays) * 86_400 {
                    findings.append(Finding(.warning, "expiring",
                        "expires in \(remaining / 86_400) days, on \(Timestamp.format(info.notAfter))"))
                }
                report.findings += findings.map {
                    CheckFinding(environment: input.name, severity: $0.severity, rule: $0.rule, subject: info.subject,
                                 sha256: info.fingerprint, notAfter: Timestamp.format(info.notAfter), message: $0.message)
                }
            }
        }
        return report
    }
}
