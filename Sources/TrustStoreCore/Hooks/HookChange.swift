import FoundationEssentials
internal import TrustStoreGit
package import TrustStoreOpenSSL

/// What a hook is told about one change: the action, who and why, and every certificate it adds, removes or
/// exports. Built from the tree changes of a commit (so every command that commits is covered without telling
/// the hooks anything itself), from git's staged changes (`githooks run`), or from an export.
package struct HookChange {
    package struct Item {
        /// `add`, `remove` or `export`.
        package var action: String
        package var environment: String
        package var certificate: X509Certificate
        /// The file of the store it is (or was) in, when it is one.
        package var storedPath: String?
    }

    /// The `Truststore-Action` of the commit (`add`, `remove`, `env-add`…), or `export`.
    package var action: String
    /// The main environment of the change (`Truststore-Environment`), when there is one.
    package var environment: String?
    package var reason: String?
    /// `Name <email>`.
    package var author: String?
    /// `Reviewed-by` values (`Name <email>`).
    package var reviewedBy: [String] = []
    /// Whether `--no-verify` was given (only `post-*` hooks can see it: `pre-*` hooks do not run then).
    package var noVerify = false
    /// The validation time of the change, seconds since the epoch (UTC): `Truststore-Validated-At`, else now.
    package var time: Int64
    package var items: [Item] = []

    /// A change from the paths it writes and removes. `old` gives a path's content before the change (nil when
    /// new); certificates of files under `stores/<env>/` that appear only before are `remove`d, only after `add`ed.
    /// Files that are not readable certificates (READMEs, config) add no item.
    package static func from(
        writes: [(path: String, old: [UInt8]?, new: [UInt8]?)], trailers: [(key: String, value: String)],
        author: String?, time: Int64
    ) -> HookChange {
        func first(_ key: String) -> String? { trailers.first { $0.key == key }?.value }
        var change = HookChange(
            action: first(CommitMessage.Key.action) ?? "commit", environment: first(CommitMessage.Key.environment),
            reason: first(CommitMessage.Key.reason), author: author,
            reviewedBy: trailers.filter { $0.key.lowercased() == "reviewed-by" }.map(\.value),
            noVerify: first(CommitMessage.Key.noVerify) == "true",
            time: first(CommitMessage.Key.validatedAt).flatMap(Timestamp.parse) ?? time)
        for write in writes {
            guard let environment = environment(of: write.path), !TrustStore.isAuxiliaryFile(write.path) else { continue }
            let before = certificates(write.old)
            let after = certificates(write.new)
            let beforeIDs = Set(before.map(\.sha256))
            let afterIDs = Set(after.map(\.sha256))
            for cert in before where !afterIDs.contains(cert.sha256) {
                change.items.append(Item(action: "remove", environment: environment, certificate: cert, storedPath: write.path))
            }
            for cert in after where !beforeIDs.contains(cert.sha256) {
                change.items.append(Item(action: "add", environment: environment, certificate: cert, storedPath: write.path))
            }
        }
        return change
    }

    /// The environment of a path `stores/<env>/…`.
    static func environment(of path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "stores", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    private static func certificates(_ bytes: [UInt8]?) -> [X509Certificate] {
        guard let bytes, let decoded = try? InputDecoder.decode(bytes) else { return [] }
        return decoded.certificates.map(\.certificate)
    }

    /// The JSON document of `TRUSTSTORE_CHANGE_JSON` (keys sorted), with each certificate's PEM file path.
    func json(event: HookEvent, store: String, pemPaths: [String]) -> [UInt8] {
        struct Document: Encodable {
            var event: String
            var store: String
            var action: String
            var environment: String?
            var reason: String?
            var author: String?
            var reviewed_by: [String]
            var no_verify: Bool
            var time: String
            var certificates: [Certificate]
        }
        struct Certificate: Encodable {
            var action: String
            var environment: String
            var path: String
            var storedPath: String?
            var certificate: CertificateDescription

            enum CodingKeys: String, CodingKey {
                case action, environment, path
                case storedPath = "stored_path"
            }

            func encode(to encoder: any Encoder) throws {
                try certificate.encode(to: encoder)
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(action, forKey: .action)
                try c.encode(environment, forKey: .environment)
                try c.encode(path, forKey: .path)
                try c.encodeIfPresent(storedPath, forKey: .storedPath)
            }
        }
        let certificates = zip(items, pemPaths).map { item, path in
            Certificate(action: item.action, environment: item.environment, path: path, storedPath: item.storedPath,
                        certificate: CertificateDescription(item.certificate.info))
        }
        let document = Document(
            event: event.rawValue, store: store, action: action, environment: environment, reason: reason,
            author: author, reviewed_by: reviewedBy, no_verify: noVerify, time: Timestamp.format(time),
            certificates: certificates)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(document)) ?? Data("{}".utf8)) + [0x0A]
    }
}
