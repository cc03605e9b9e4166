internal import TrustStoreGit

/// The trust changes of each commit, cached by commit id in `.git/truststore/history-cache` (local, never
/// versioned), and the order in which HEAD's history was last walked. A commit never changes, so a cached
/// entry is never stale; a missing, unreadable or malformed cache is simply empty, and writing it is
/// best-effort.
///
/// Format (version 3), UTF-8: the line `truststore-history-cache 3`; the line `H<NUL>HEAD<NUL>ID,ID,…` (the
/// commits reachable from HEAD, newest first, as last walked); then per commit a line `C<NUL>COMMIT<NUL>COUNT`
/// followed by COUNT lines, one per change, of NUL-separated fields: date, author, email, action, environment,
/// subject, kind, sha256, notAfter, reason (empty with `hasReason` 0), hasReason, sources (joined by U+0001),
/// summary, hasTrailers. Git never stores NUL in commit messages or names and trailer values are single lines,
/// so neither separator can occur in a field.
///
/// Change lines are parsed only when asked for, and a filter on the fingerprint field skips the others
/// without building them (what makes `blame` cheap over a long history).
struct HistoryCache {
    private static let magic = "truststore-history-cache 3"
    private let path: String
    /// Change lines read from the file, by commit, not parsed yet.
    private var raw: [String: [Substring]] = [:]
    /// Changes computed in this run.
    private var fresh: [String: [TrustChange]] = [:]
    /// HEAD and the walk order of its history, as last saved.
    private(set) var walk: (head: String, ids: [String])?
    private var newWalk: (head: String, ids: [String])?
    private var dirty = false

    init(gitDirectory: String) {
        path = gitDirectory + "truststore/history-cache"
        guard let bytes = try? FileIO.read(path) else { return }
        load(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether the changes of `commit` are known.
    func contains(_ commit: String) -> Bool {
        raw[commit] != nil || fresh[commit] != nil
    }

    /// The cached changes of `commit` whose fingerprint satisfies `keep` (all when nil), or nil when unknown.
    /// With `mentioning`, lines that do not contain that text at all are skipped before being split.
    func changes(of commit: String, keeping keep: ((Substring) -> Bool)? = nil, mentioning needle: String? = nil)
        -> [TrustChange]?
    {
        if let changes = fresh[commit] {
            guard let keep else { return changes }
            return changes.filter { keep(Substring($0.sha256)) }
        }
        guard let lines = raw[commit] else { return nil }
        var out: [TrustChange] = []
        for line in lines {
            if let needle, !line.utf8.contains(needle.utf8) { continue }
            // Split on bytes, not on Characters: grapheme breaking of a long history is what made this slow.
            let fields = line.utf8.split(separator: 0, omittingEmptySubsequences: false).map { Substring($0) }
            guard fields.count == 14 else { return nil }
            if let keep, !keep(fields[7]) { continue }
            guard let action = TrustChange.Action(rawValue: String(fields[3])),
                  let kind = CertificateKind(rawValue: String(fields[6]))
            else { return nil }
            out.append(TrustChange(
                commit: commit, date: String(fields[0]), author: String(fields[1]), authorEmail: String(fields[2]),
                action: action, environment: String(fields[4]), subject: String(fields[5]), kind: kind,
                sha256: String(fields[7]), notAfter: String(fields[8]),
                reason: fields[10] == "1" ? String(fields[9]) : nil,
                sources: fields[11].isEmpty ? [] : fields[11].utf8.split(separator: 1, omittingEmptySubsequences: false)
                    .map { String(Substring($0)) },
                summary: String(fields[12]), hasTrailers: fields[13] == "1"))
        }
        return out
    }

    mutating func store(_ changes: [TrustChange], for commit: String) {
        fresh[commit] = changes
        dirty = true
    }

    /// Records the walk order of `head`'s history.
    mutating func storeWalk(head: String, ids: [String]) {
        if walk?.head == head && walk?.ids.count == ids.count { return }
        newWalk = (head, ids)
        dirty = true
    }

    /// Writes the cache when something was added (atomically; failures are ignored).
    func save() {
        guard dirty else { return }
        var out = Self.magic + "\n"
        if let w = newWalk ?? walk { out += "H\u{0}\(w.head)\u{0}" + w.ids.joined(separator: ",") + "\n" }
        for (commit, lines) in raw where fresh[commit] == nil {
            out += "C\u{0}\(commit)\u{0}\(lines.count)\n"
            for line in lines { out += line + "\n" }
        }
        for (commit, changes) in fresh {
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

    private mutating func load(_ text: String) {
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }[...]
        guard lines.popFirst() == Substring(Self.magic) else { return }
        var entries: [String: [Substring]] = [:]
        while let header = lines.popFirst() {
            if header.isEmpty { continue }
            let h = header.utf8.split(separator: 0, omittingEmptySubsequences: false).map { Substring($0) }
            if h.count == 3 && h[0] == "H" {
                walk = (String(h[1]), h[2].isEmpty ? [] : h[2].utf8.split(separator: 0x2C).map { String(Substring($0)) })
                continue
            }
            guard h.count == 3, h[0] == "C", let count = Int(h[2]), lines.count >= count else { return }
            entries[String(h[1])] = Array(lines.prefix(count))
            lines = lines.dropFirst(count)
        }
        raw = entries
    }
}

extension Substring.UTF8View {
    /// Whether `needle` occurs in these bytes (a plain scan; needles here are short hex strings).
    fileprivate func contains(_ needle: String.UTF8View) -> Bool {
        let pattern = Array(needle)
        guard let first = pattern.first else { return true }
        var i = startIndex
        while let found = self[i...].firstIndex(of: first) {
            if self[found...].starts(with: pattern) { return true }
            i = index(after: found)
        }
        return false
    }
}
