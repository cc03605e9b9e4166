internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// One commit as a trust change: who, when, why and from where, what it changed, and what the rules of
/// `add` say about each certificate it added (at the commit's validation time, against the environment as
/// the commit left it).
public struct CommitView: Sendable, Codable {
    public struct Verdict: Sendable, Codable {
        public var change: TrustChange
        /// Findings for added certificates; empty for removals.
        public var findings: [Finding]
    }

    public var commit: String
    public var parents: [String]
    public var author: String
    public var authorEmail: String
    /// RFC 3339 UTC author date.
    public var date: String
    public var summary: String
    /// The message without its trailer paragraph.
    public var body: String
    /// Every trailer, in order, as "Key: value".
    public var trailers: [String]
    /// The time the changes were validated at: `Truststore-Validated-At`, else the commit's time.
    public var validatedAt: String
    public var changes: [Verdict]

    /// Reads `commit` of `store`.
    package static func read(_ commit: String, in store: TrustStore) throws(TrustStoreError) -> CommitView {
        var reader = HistoryReader(store: store)
        let (record, changes) = try reader.changes(inCommit: commit)
        let validated = record.trailers.last { $0.key == CommitMessage.Key.validatedAt }
            .flatMap { Timestamp.parse($0.value) } ?? record.author.time
        let config = try store.config(at: commit)
        var verdicts: [Verdict] = []
        var states: [String: [StoredCertificate]] = [:]
        for change in changes {
            guard change.action == .add else {
                verdicts.append(Verdict(change: change, findings: []))
                continue
            }
            if states[change.environment] == nil {
                // As the environment was used then: with what it inherited; a folder of an environment the
                // configuration did not declare (plain git) on its own.
                if let trust = try? store.effectiveTrust(of: change.environment, at: commit) {
                    states[change.environment] = trust.certificates
                } else {
                    states[change.environment] = try store.certificates(in: change.environment, at: commit)
                }
            }
            let state = states[change.environment] ?? []
            guard let cert = state.first(where: { $0.fingerprint == change.sha256 }) else {
                verdicts.append(Verdict(change: change, findings: []))
                continue
            }
            let context = ValidationContext(policy: config.policy, time: validated, environment: change.environment)
            var findings = standardCertificateRules.flatMap { $0.evaluate(cert.info, in: context) }
            if cert.kind == .intermediate && !findings.hasError {
                findings += ChainRule(context: context).evaluate(
                    cert.certificate, anchors: state.filter { $0.kind == .root }.map(\.certificate),
                    untrusted: state.filter { $0.kind == .intermediate }.map(\.certificate))
            }
            verdicts.append(Verdict(change: change, findings: findings))
        }
        let trailerKeys = Set(record.trailers.map(\.key))
        let bodyLines = record.message.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .filter { line in !trailerKeys.contains { line.hasPrefix($0 + ":") } }
        return CommitView(
            commit: record.id, parents: record.parents, author: record.author.name, authorEmail: record.author.email,
            date: Timestamp.format(record.author.time), summary: record.summary,
            body: bodyLines.joined(separator: "\n").trimmingCharacters(in: "\n "),
            trailers: record.trailers.map { "\($0.key): \($0.value)" }, validatedAt: Timestamp.format(validated),
            changes: verdicts)
    }
}
