package import TrustStoreGit

#if canImport(Glibc)
    import Glibc
#endif

/// Who a trust change is attributed to (the commit's author and committer).
public struct Author: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    public var description: String { "\(name) <\(email)>" }

    /// This author as git records a person: now, in the local time zone.
    package func signatureNow() -> GitSignature {
        let now = Timestamp.now()
        return GitSignature(name: name, email: email, time: now, offsetMinutes: Timestamp.localOffsetMinutes(at: now))
    }

    /// Parses `Name <email>`.
    /// - Throws: ``TrustStoreError`` (usage) naming `source` when the text has no `<email>` part.
    public static func parse(_ text: String, source: String) throws(TrustStoreError) -> Author {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else {
            throw TrustStoreError(.usage, "invalid author '\(text)' in \(source): expected 'Name <email>'")
        }
        let name = text[..<open].trimmingCharacters(in: " ")
        let email = String(text[text.index(after: open)..<close])
        guard !name.isEmpty, !email.isEmpty else {
            throw TrustStoreError(.usage, "invalid author '\(text)' in \(source): expected 'Name <email>'")
        }
        return Author(name: name, email: email)
    }

    /// Resolves the author: `--author`, else `TRUSTSTORE_AUTHOR`, else git's `user.name` and
    /// `user.email` (repository, global and system config), else `$USER@hostname`. A missing git
    /// configuration never fails.
    package static func resolve(explicit: String?, environment: [String: String], repository: GitRepository?)
        throws(TrustStoreError) -> Author
    {
        if let explicit { return try parse(explicit, source: "--author") }
        if let env = environment["TRUSTSTORE_AUTHOR"], !env.isEmpty { return try parse(env, source: "TRUSTSTORE_AUTHOR") }
        if let repository, let name = repository.configString("user.name"),
           let email = repository.configString("user.email"), !name.isEmpty, !email.isEmpty
        {
            return Author(name: name, email: email)
        }
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "truststore"
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostname = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return Author(name: user, email: "\(user)@\(hostname.isEmpty ? "localhost" : hostname)")
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
