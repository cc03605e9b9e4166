internal import TrustStoreGit

/// The trust changes of each commit, cached by commit id in `.git/truststore/history-cache` (local, never
/// versioned). A commit never changes, so a cached entry is never stale; a missing, unreadable or malformed
/// cache is simply empty, and writing it is best-effort.
///
/// Format (version 2), UTF-8: the line `truststore-history-cache 2`; then per commit a line
/// `C<NUL>COMMIT<NUL>COUNT` followed by COUNT lines, one per change, of NUL-separated fields: date, author,
/// email, action, environment, subject, kind, sha256, notAfter, reason (empty with `hasReason` 0), hasReason,
/// sources (joined by U+0001), summary, hasTrailers. Git never stores NUL in commit messages or names and
/// trailer values are single lines, so neither separator can occur in a field.
struct HistoryCache {
    private static let magic = "truststore-history-cache 2"
    private let path: String
    private(set) var entries: [String: [TrustChange]] = [:]
    private var dirty = false

    init(gitDirectory: String) {
        path = gitDirectory + "truststore/history-cache"
        guard let bytes = try? FileIO.read(path) else { return }
        entries = Self.parse(String(decoding: bytes, as: UTF8.self)) ?? [:]
    }

    mutating func store(_ changes: [TrustChange], for commit: String) {
        entries[commit] = changes
        dirty = true
    }

    /// Writes the cache when something was added (atomically; failures are ignored).
    func save() {
        guard dirty else { return }
        var out = Self.magic + "\n"
        for (commit, changes) in entries {
            out += "C\u{0}\(commit)\u{0}\(changes.count)\n"
            for c in changes {
                out += [c.date, c.author, c.authorEmail, c.action.rawValue, c.environment, c.subject, c.kind.rawValue,
                        c.sha256, c.notAfter, c.reason ?? "", c.reason == nil ? "0" : "1",
                        c.sources.joined(separator: "\u{1}"), c.summary, c.hasTrailers ? "1" : "0"]
                    .joined(separator: "\u{0}") + "\n"
            }
        }
        let directory = String(path[..<path.lastIndex(of: "/")!])
        try? FileIO.makeDirectories(directory)
        try? FileIO.writeAtomically(Array(out.utf8), to: path)
    }

    private static func parse(_ text: String) -> [String: [TrustChange]]? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(magic) else { return nil }
        var out: [String: [TrustChange]] = [:]
        while let header = lines.popFirst() {
            if header.isEmpty { continue }
            let h = header.split(separator: "\u{0}", omittingEmptySubsequences: false)
            guard h.count == 3, h[0] == "C", let count = Int(h[2]) else { return nil }
            var changes: [TrustChange] = []
            for _ in 0..<count {
                guard let line = lines.popFirst() else { return nil }
                let f = line.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 14, let action = TrustChange.Action(rawValue: f[3]),
                      let kind = CertificateKind(rawValue: f[6])
                else { return nil }
                changes.append(TrustChange(
                    commit: String(h[1]), date: f[0], author: f[1], authorEmail: f[2], action: action, environment: f[4],
                    subject: f[5], kind: kind, sha256: f[7], notAfter: f[8], reason: f[10] == "1" ? f[9] : nil,
                    sources: f[11].isEmpty ? [] : f[11].split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init),
                    summary: f[12], hasTrailers: f[13] == "1"))
            }
            out[String(h[1])] = changes
        }
        return out
    }
}
