internal import TrustStoreGit

/// A semantic version `MAJOR.MINOR.PATCH` (tags are named `vMAJOR.MINOR.PATCH`).
public struct SemanticVersion: Sendable, Comparable, CustomStringConvertible, Codable {
    public var major: Int
    public var minor: Int
    public var patch: Int

    /// Parses `vX.Y.Z` or `X.Y.Z`; nil for anything else.
    public init?(tag: String) {
        let text = tag.hasPrefix("v") ? tag.dropFirst() : Substring(tag)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
              a >= 0, b >= 0, c >= 0
        else { return nil }
        (major, minor, patch) = (a, b, c)
    }

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
    public var tagName: String { "v\(self)" }

    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}

/// A release: an annotated tag on a commit, with release notes listing the trust changes since the previous one.
public struct Release: Sendable, Codable {
    public var version: SemanticVersion
    public var tag: String
    public var commit: String
    /// RFC 3339 UTC tagger date.
    public var date: String?
    public var tagger: String?
    /// The tag's message: the release notes.
    public var notes: String
}

/// `truststore release`: tags the current state with a version derived from the changes since the previous
/// release, as semantic versioning reads a trust store: a certificate removed from any environment, a distrust
/// entry recorded, or an inherited environment dropped breaks clients that relied on that trust (major); a
/// certificate added, a distrust lifted or an environment inherited extends trust (minor); anything else, such as
/// declaring an environment or changing the policy, is a patch.
package struct ReleaseOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// The releases (tags `vX.Y.Z`), newest version first.
    package func list() throws(TrustStoreError) -> [Release] {
        let tags: [GitRepository.Tag]
        do {
            tags = try store.repository.tags(matching: "v*")
        } catch {
            throw TrustStoreError(.failure, "cannot read the store's tags: \(error)")
        }
        return tags.compactMap { tag -> Release? in
            guard let version = SemanticVersion(tag: tag.name) else { return nil }
            return Release(
                version: version, tag: tag.name, commit: tag.target, date: tag.tagger.map { Timestamp.format($0.time) },
                tagger: tag.tagger.map { "\($0.name) <\($0.email)>" }, notes: tag.message)
        }.sorted { $0.version > $1.version }
    }

    /// Tags HEAD with the next version.
    /// - Throws: ``TrustStoreError``: rejected when HEAD is already the newest release or nothing changed since.
    package func run(message: String?, author: Author) throws(TrustStoreError) -> Release {
        let head = try store.headCommit()
        let previous = try list().first
        if let previous, previous.commit == head {
            throw TrustStoreError(.rejected, "HEAD is already released as \(previous.tag); nothing to release")
        }
        var reader = HistoryReader(store: store)
        let changes = try reader.changes(excluding: previous?.commit)
        let removed = changes.filter { $0.action == .remove }
        let added = changes.filter { $0.action == .add }
        // Trust also changes through truststore.toml: distrust entries and inheritance.
        let policy = try previous.map { (release) throws(TrustStoreError) in
            Self.configChanges(from: try store.config(at: release.commit), to: try store.config(at: head))
        } ?? (narrowing: [], widening: [])
        let version: SemanticVersion
        let bump: String
        if let base = previous?.version {
            if !removed.isEmpty || !policy.narrowing.isEmpty {
                version = SemanticVersion(base.major + 1, 0, 0)
                var why: [String] = []
                if !removed.isEmpty { why.append("\(removed.count) certificate\(removed.count == 1 ? "" : "s") removed") }
                if !policy.narrowing.isEmpty {
                    why.append("\(policy.narrowing.count) trust reduction\(policy.narrowing.count == 1 ? "" : "s") "
                        + "in truststore.toml")
                }
                bump = "major: " + why.joined(separator: ", ")
            } else if !added.isEmpty || !policy.widening.isEmpty {
                version = SemanticVersion(base.major, base.minor + 1, 0)
                var why: [String] = []
                if !added.isEmpty { why.append("\(added.count) certificate\(added.count == 1 ? "" : "s") added") }
                if !policy.widening.isEmpty {
                    why.append("\(policy.widening.count) trust extension\(policy.widening.count == 1 ? "" : "s") "
                        + "in truststore.toml")
                }
                bump = "minor: " + why.joined(separator: ", ")
            } else {
                version = SemanticVersion(base.major, base.minor, base.patch + 1)
                bump = "patch: no certificate added or removed"
            }
        } else {
            version = SemanticVersion(1, 0, 0)
            bump = "first release"
        }
        var notes = "Release \(version.tagName) (\(bump))\n\n"
        if let message, !message.isEmpty { notes += message + "\n\n" }
        notes += "Changes since \(previous?.tag ?? "the beginning"):\n"
        if changes.isEmpty { notes += "  (no certificate changes)\n" }
        for line in policy.narrowing + policy.widening { notes += "  \(line)\n" }
        for c in changes.reversed() {
            notes += "  \(c.action.rawValue) \(c.environment) \(c.kind.rawValue) \(c.sha256.prefix(16)) \(c.subject) "
                + "(commit \(c.commit.prefix(12)), \(c.reason.map { "reason: \($0)" } ?? "no reason recorded"))\n"
        }
        let tagger = author.signatureNow()
        do {
            _ = try store.repository.createTag(version.tagName, on: head, tagger: tagger, message: notes)
        } catch {
            throw TrustStoreError(.failure, "cannot create tag \(version.tagName): \(error)")
        }
        return Release(version: version, tag: version.tagName, commit: head, date: Timestamp.format(tagger.time),
                       tagger: author.description, notes: notes)
    }

    /// The trust changes between two configurations that no certificate file shows, one line each: `narrowing`
    /// (clients of an environment lose trust: a distrust entry recorded, an inherited environment dropped, an
    /// environment that inherited trust removed) and `widening` (a distrust entry lifted, an environment inherited).
    static func configChanges(from old: StoreConfig, to new: StoreConfig) -> (narrowing: [String], widening: [String]) {
        var narrowing: [String] = []
        var widening: [String] = []
        for name in Set(old.environments.keys).union(new.environments.keys).sorted() {
            // A new environment has no clients yet; a removed one's own certificates show as removals, but what
            // it inherited is lost too.
            guard let before = old.environments[name] else { continue }
            guard let after = new.environments[name] else {
                if !before.extends.isEmpty {
                    narrowing.append("env-remove \(name), which extended " + before.extends.joined(separator: ", "))
                }
                continue
            }
            for entry in after.distrust where !before.distrust.contains(entry) {
                narrowing.append("distrust \(name) \(entry.label)"
                    + (entry.after.map { " (issued after \($0))" } ?? "") + " (reason: \(entry.reason))")
            }
            for entry in before.distrust where !after.distrust.contains(entry) {
                widening.append("undistrust \(name) \(entry.label)")
            }
            for parent in before.extends where !after.extends.contains(parent) {
                narrowing.append("\(name) no longer extends \(parent)")
            }
            for parent in after.extends where !before.extends.contains(parent) {
                widening.append("\(name) extends \(parent)")
            }
        }
        return (narrowing, widening)
    }
}
