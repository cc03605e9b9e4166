import ArgumentParser
import TrustStoreCore

extension DistrustEntry.Key: ExpressibleByArgument {}

struct DistrustCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "distrust",
        abstract: "Record a distrust entry for an environment, as one commit.",
        discussion: """
            CERT is a certificate file (PEM, DER or PKCS #7; each certificate in it gets an entry), or a SHA-256 \
            fingerprint or unique prefix of a certificate stored in any environment (a full fingerprint the store \
            does not hold is accepted with --by fingerprint). The entry goes to [[environments.ENV.distrust]] in \
            truststore.toml, keyed by the certificate's fingerprint, its issuer and serial number, or its SPKI \
            (--by spki also covers re-issued and cross-signed certificates with the same key). It applies to ENV \
            and to every environment that extends ENV, and wins over trust: the certificate is left out of their \
            exports, 'verify' rejects every path through it naming the entry, and 'add' refuses it with \
            "conflicting trust".

            With --after TIME the certificate stays trusted (Mozilla's and Chrome's distrust-after): 'verify' \
            rejects a path through it whose end-entity certificate's notBefore is later than TIME. A PEM bundle \
            cannot carry that constraint: exports keep the certificate and warn on stderr.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var commitFlags: CommitFlags

    @Argument(help: ArgumentHelp("Certificate file, fingerprint or unique fingerprint prefix.", valueName: "cert"))
    var cert: String

    @Option(help: ArgumentHelp("The environment that distrusts it.", valueName: "env"))
    var env: String

    @Option(help: "Why (recorded in the entry and the commit).")
    var reason: String

    @Option(help: "What the entry matches.")
    var by: DistrustEntry.Key = .fingerprint

    @Option(help: ArgumentHelp(
        "Distrust only certificates issued after this time (RFC 3339, or a date read as midnight UTC).",
        valueName: "time"))
    var after: String?

    @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
    var author: String?

    func validate() throws {
        if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason must say why the certificate is distrusted") }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        store.commitOptions = commitFlags.options
        let afterTime = try after.map { (text: String) throws(TrustStoreError) in
            try Timestamp.resolve(text, option: "--after")
        }
        let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
        let report = try DistrustOperation(store: store).run(
            certificate: cert, cwd: ProcessEnvironment.cwd, environment: env, key: by, after: afterTime,
            reason: reason, author: who)
        for entry in report.entries {
            let scope = entry.after.map { " for certificates issued after \($0)" } ?? ""
            Console.line("distrusted\(scope) by \(entry.label)" + (entry.subject.map { "  \($0)" } ?? ""))
        }
        for summary in report.nowDistrusted {
            Console.error("note: '\(env)' no longer trusts '\(summary.subject)' (\(summary.shortFingerprint)); it is left "
                + "out of its exports")
        }
        Console.line("\(env): recorded \(report.entries.count) distrust entr\(report.entries.count == 1 ? "y" : "ies") "
            + "(commit \(report.commit.prefix(12)))")
    }
}

struct UndistrustCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "undistrust",
        abstract: "Remove an environment's distrust entries for a certificate, as one commit.",
        discussion: """
            CERT is a certificate file, or a SHA-256 fingerprint or prefix of a stored certificate or of an entry's \
            hash. Every entry of ENV that names it (by fingerprint, issuer and serial, or SPKI) is removed. An entry \
            ENV inherits is removed in the environment that records it.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var commitFlags: CommitFlags

    @Argument(help: ArgumentHelp("Certificate file, fingerprint or prefix.", valueName: "cert"))
    var cert: String

    @Option(help: ArgumentHelp("The environment whose entries are removed.", valueName: "env"))
    var env: String

    @Option(help: "Why the certificate is trusted again (recorded in the commit).")
    var reason: String

    @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
    var author: String?

    func validate() throws {
        if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason must say why the distrust is lifted") }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        store.commitOptions = commitFlags.options
        let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
        let (entries, commit) = try DistrustOperation(store: store).remove(
            certificate: cert, cwd: ProcessEnvironment.cwd, environment: env, reason: reason, author: who)
        for entry in entries {
            Console.line("removed distrust entry \(entry.label)" + (entry.subject.map { "  \($0)" } ?? ""))
        }
        Console.line("\(env): removed \(entries.count) distrust entr\(entries.count == 1 ? "y" : "ies") "
            + "(commit \(commit.prefix(12)))")
    }
}
