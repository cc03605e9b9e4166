internal import TrustStoreGit

/// The outcome of `truststore remove`.
public struct RemoveReport: Sendable {
    public var environment: String
    public var removed: [CertificateSummary]
    /// Intermediates of the environment that would lose their path to a root.
    public var orphaned: [(summary: CertificateSummary, reason: String)]
    /// The new commit, nil when the removal was refused.
    public var commit: String?
}

/// `truststore remove CERT --env ENV --reason TEXT [--force]`.
package struct RemoveOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// Removes the selected certificates from `environment` in one commit. Refuses (report with
    /// `commit == nil`) when an intermediate that has a path to a root now would have none afterwards,
    /// unless `force`, which records the orphans in `Truststore-Forced` trailers.
    /// - Throws: ``TrustStoreError``: usage for an unknown environment, rejected when nothing matches,
    ///   failure when the commit fails.
    package func run(selector: CertificateSelector, environment: String, reason: String, force: Bool,
                     author: Author, time: Int64) throws(TrustStoreError) -> RemoveReport
    {
        try store.requireEnvironment(environment)
        let all = try store.certificates(in: environment)
        // The path check sees what the environment trusts, inherited certificates included.
        let trust = try store.effectiveTrust(of: environment)
        let selected: [StoredCertificate]
        do {
            selected = try selector.select(from: all, scope: "'\(environment)'")
        } catch {
            if let inherited = trust.certificates.first(where: { selector.matches($0.fingerprint) }),
               let origin = trust.origin(of: inherited)
            {
                throw TrustStoreError(.rejected, "'\(inherited.info.subject)' is not stored in '\(environment)': it is "
                    + "inherited from '\(origin)'", hint: "remove it from '\(origin)', or distrust it in '\(environment)': "
                    + "truststore distrust \(inherited.fingerprint.prefix(16)) --env \(environment) --reason …")
            }
            throw error
        }
        let removedFingerprints = Set(selected.map(\.info.fingerprint))
        let remaining = all.filter { !removedFingerprints.contains($0.info.fingerprint) }
        let inheritedOnly = trust.certificates.filter { $0.environment != environment }

        let context = ValidationContext(policy: store.config.policy, time: time, environment: environment)
        let rule = ChainRule(context: context)
        func pool(_ certs: [StoredCertificate]) -> (anchors: [StoredCertificate], untrusted: [StoredCertificate]) {
            (certs.filter { $0.kind == .root }, certs.filter { $0.kind == .intermediate })
        }
        let before = pool(all + inheritedOnly)
        let after = pool(remaining + inheritedOnly.filter { !removedFingerprints.contains($0.fingerprint) })
        var orphaned: [(CertificateSummary, String)] = []
        for cert in after.untrusted {
            let hadPath = !rule.evaluate(cert.certificate, anchors: before.anchors.map(\.certificate),
                                         untrusted: before.untrusted.map(\.certificate)).hasError
            guard hadPath else { continue }
            let findings = rule.evaluate(cert.certificate, anchors: after.anchors.map(\.certificate),
                                         untrusted: after.untrusted.map(\.certificate))
            if let error = findings.first(where: { $0.severity == .error }) {
                orphaned.append((CertificateSummary(cert), error.message))
            }
        }
        var report = RemoveReport(
            environment: environment, removed: selected.map(CertificateSummary.init), orphaned: orphaned, commit: nil)
        if !orphaned.isEmpty && !force { return report }

        // A file may hold several certificates when it was committed with plain git: rewrite it without
        // the removed ones rather than deleting the others.
        var changes: [TreeChange] = []
        for path in Set(selected.map(\.path)).sorted() {
            let keep = remaining.filter { $0.path == path }
            if keep.isEmpty {
                changes.append(.remove(path: path))
            } else {
                let content = keep.flatMap {
                    CertificateFile.render($0.certificate, info: $0.info, kind: $0.kind, auxiliaryTrust: $0.auxiliaryTrust)
                }
                // The purposes belong to the file (its header): the certificates kept keep its limit.
                changes.append(.write(path: path, content: PurposeIndex.annotate(content, purposes: keep[0].purposes ?? [])))
            }
        }
        let message = CommitMessage.remove(
            environment: environment, removed: selected.map { ($0.info, $0.kind) }, reason: reason,
            forced: orphaned.map { "\($0.0.sha256) \($0.0.subject) loses its path to a root" })
        report.commit = try store.commit(changes, message: message, author: author)
        return report
    }
}
