/// For one certificate and one environment: the change that made it trusted and, if any, the one that
/// removed it.
public struct BlameEntry: Sendable, Codable {
    public var environment: String
    public var subject: String
    /// Lowercase hex SHA-256.
    public var sha256: String
    /// True when the environment trusts it at HEAD.
    public var trusted: Bool
    /// The latest change that added it.
    public var added: TrustChange?
    /// The change that removed it after that, if any.
    public var removed: TrustChange?
    /// How many times it was added to this environment in all.
    public var timesAdded: Int
}

/// `truststore blame CERT [--env ENV]`, read from the history (``HistoryReader``), so commits made with plain
/// git count too.
package struct BlameOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// - Throws: ``TrustStoreError`` (rejected) when the certificate never was in any (or the given) environment.
    package func run(selector: CertificateSelector, environment: String?) throws(TrustStoreError) -> [BlameEntry] {
        var reader = HistoryReader(store: store)
        let changes = try reader.changes(environment: environment, selector: selector)  // newest first
        if case .fingerprintPrefix = selector.pattern, Set(changes.map(\.sha256)).count > 1 {
            let names = Set(changes.map { "\($0.sha256.prefix(16)) '\($0.subject)'" }).sorted()
            throw TrustStoreError(.rejected, "'\(selector.text)' is ambiguous: " + names.joined(separator: ", "),
                                  hint: "give more digits of the fingerprint")
        }
        var entries: [BlameEntry] = []
        let keys = Set(changes.map { "\($0.environment)\u{0}\($0.sha256)" }).sorted()
        for key in keys {
            let parts = key.split(separator: "\u{0}")
            let (env, sha) = (String(parts[0]), String(parts[1]))
            let events = changes.filter { $0.environment == env && $0.sha256 == sha && $0.action != .modify }
            guard let latestAdd = events.firstIndex(where: { $0.action == .add }) else { continue }
            let removal = events[..<latestAdd].last { $0.action == .remove }
            let first = events[latestAdd]
            entries.append(BlameEntry(
                environment: env, subject: first.subject, sha256: sha, trusted: removal == nil && events.first?.action == .add,
                added: first, removed: removal, timesAdded: events.filter { $0.action == .add }.count))
        }
        if entries.isEmpty {
            // An environment removed since keeps its history; an unknown name is a usage error.
            if let environment { try store.requireEnvironment(environment) }
            throw TrustStoreError(.rejected, "no trust change of a certificate matching '\(selector.text)' in "
                + (environment.map { "'\($0)'" } ?? "any environment"))
        }
        return entries
    }
}
