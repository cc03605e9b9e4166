import ArgumentParser
import TrustStoreCore

struct RemoveCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a certificate from an environment, as one commit with provenance.",
        discussion: """
            CERT is a SHA-256 fingerprint, a unique prefix of one (at least 6 hex digits, colons allowed), or a \
            file holding the certificate. Refuses (exit 1) when an intermediate of the environment would lose its \
            path to a root, naming it, unless --force.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var commitFlags: CommitFlags

    @Argument(help: ArgumentHelp("Fingerprint, unique fingerprint prefix, or certificate file.", valueName: "cert"))
    var cert: String

    @Option(help: ArgumentHelp("The environment to remove from.", valueName: "env"))
    var env: String

    @Option(help: "Why this trust is withdrawn (recorded in the commit).")
    var reason: String

    @Flag(help: "Remove even when intermediates lose their path to a root (recorded in the commit).")
    var force = false

    @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
    var author: String?

    @Option(help: ArgumentHelp("Validation time for the path check, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    func validate() throws {
        if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason must say why the trust is withdrawn") }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        store.commitOptions = commitFlags.options
        let time = try Timestamp.resolve(at)
        let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
        let selector = try CertificateSelector(cert, cwd: ProcessEnvironment.cwd)
        let report = try RemoveOperation(store: store).run(
            selector: selector, environment: env, reason: reason, force: force, author: who, time: time)
        for (summary, reason) in report.orphaned {
            let level = report.commit == nil ? "error" : "warning"
            Console.error("\(level): intermediate '\(summary.subject)' (\(summary.shortFingerprint)) would lose its path "
                + "to a root in '\(env)': \(reason)")
        }
        guard let commit = report.commit else {
            throw TrustStoreError(.rejected, "refusing to remove from '\(env)': \(report.orphaned.count) intermediate"
                + "\(report.orphaned.count == 1 ? "" : "s") would be left without a path to a root; the store is unchanged",
                hint: "remove those intermediates too, or pass --force")
        }
        for summary in report.removed {
            Console.line("removed \(summary.kind.rawValue.padding(12)) \(summary.shortFingerprint)  \(summary.subject)")
        }
        Console.line("\(env): removed \(report.removed.count) certificate\(report.removed.count == 1 ? "" : "s") "
            + "(commit \(commit.prefix(12)))")
    }
}
