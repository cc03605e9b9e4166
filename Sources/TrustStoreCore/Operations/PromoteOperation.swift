internal import TrustStoreOpenSSL

/// `truststore promote CERT --from A --to B [--reason TEXT]`: copies certificates that environment A trusts
/// (its own or inherited) into B's folder, validated in B exactly as `add` validates (the rules, the chain
/// rule against B's roots, distrust entries), as one commit whose trailers name both environments
/// (`Truststore-Action: promote`, `Truststore-Environment: B`, `Truststore-From: A`).
package struct PromoteOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Parameters:
    ///   - time: validation time, seconds since the epoch (UTC).
    /// - Returns: `add`'s report for B (its `commit` is nil when B's rules rejected a certificate).
    /// - Throws: ``TrustStoreError``: usage for an unknown environment or A equal to B; rejected when nothing
    ///   in A matches, a prefix is ambiguous, or a selected certificate is already trusted in B; failure when the
    ///   commit fails.
    package func run(selector: CertificateSelector, from: String, to: String, reason: String?, author: Author,
                     time: Int64) throws(TrustStoreError) -> AddReport
    {
        try store.requireEnvironment(from)
        try store.requireEnvironment(to)
        guard from != to else { throw TrustStoreError(.usage, "--from and --to name the same environment '\(to)'") }
        let source = try store.effectiveTrust(of: from)
        let selected = try selector.select(from: source.certificates, scope: "'\(from)'")
        let target = try store.effectiveTrust(of: to)
        let inTarget = Dictionary(target.certificates.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        let already = selected.compactMap { cert in inTarget[cert.fingerprint].map { (cert, $0) } }
        if !already.isEmpty {
            let list = already.map { cert, there in
                "'\(cert.info.subject)' (\(cert.fingerprint.prefix(16)))"
                    + (target.origin(of: there).map { ", inherited from '\($0)'" } ?? "")
            }
            throw TrustStoreError(.rejected, "cannot promote to '\(to)': already trusted there: "
                + list.joined(separator: "; ") + "; the store is unchanged")
        }
        let head = try store.headCommit()
        var request = AddRequest(
            // Each certificate keeps the purposes it has in the source environment: promotion never widens trust.
            inputs: selected.map {
                AddInput(name: $0.path, bytes: .success(Array($0.certificate.pem.utf8)), purposes: $0.purposes ?? [])
            },
            environment: to, reason: reason,
            source: "env:\(from) (promoted from '\(from)' as of commit \(head.prefix(12)))", author: author, time: time,
            skipInvalid: false)
        request.promotedFrom = from
        return try AddOperation(store: store).run(request)
    }
}
