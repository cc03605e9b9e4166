/// `truststore env diff A B`: what one environment trusts that the other does not, each side resolved with
/// inheritance and distrust (``EffectiveTrust``) and compared by SHA-256 fingerprint.
public struct EnvironmentDiff: Sendable, Codable {
    public var a: String
    public var b: String
    /// Trusted by `a`, not by `b` (`inheritedFrom` set for those `a` inherits).
    public var onlyInA: [CertificateSummary]
    /// Trusted by `b`, not by `a`.
    public var onlyInB: [CertificateSummary]
    /// How many certificates both trust.
    public var common: Int

    /// True when the two environments trust different certificates.
    public var differs: Bool { !onlyInA.isEmpty || !onlyInB.isEmpty }
}

package struct EnvironmentDiffOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Throws: ``TrustStoreError``: usage for an unknown environment; failure for an unreadable store, an
    ///   unknown parent or an inheritance cycle.
    package func run(_ a: String, _ b: String, at commit: String? = nil) throws(TrustStoreError) -> EnvironmentDiff {
        let left = try store.effectiveTrust(of: a, at: commit)
        let right = try store.effectiveTrust(of: b, at: commit)
        let leftSet = Set(left.certificates.map(\.fingerprint))
        let rightSet = Set(right.certificates.map(\.fingerprint))
        return EnvironmentDiff(
            a: a, b: b,
            onlyInA: left.certificates.filter { !rightSet.contains($0.fingerprint) }.map { left.summary($0) },
            onlyInB: right.certificates.filter { !leftSet.contains($0.fingerprint) }.map { right.summary($0) },
            common: leftSet.intersection(rightSet).count)
    }
}
