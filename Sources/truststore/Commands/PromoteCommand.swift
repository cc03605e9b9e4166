import ArgumentParser
import TrustStoreCore

struct PromoteCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Promote a certificate from one environment to another, as one commit naming both.",
        discussion: """
            CERT is selected among what --from trusts (its own or inherited certificates) as 'remove' selects: a \
            SHA-256 fingerprint, a unique prefix of one (at least 6 hex digits), or a file holding the certificate. \
            It is validated in --to exactly as 'add' validates (an intermediate must chain to a root --to trusts; \
            a distrusted certificate is refused with "conflicting trust") and committed to --to with the trailers \
            Truststore-Action: promote, Truststore-Environment: TO and Truststore-From: FROM. Refused (exit 1, \
            store unchanged) when --to already trusts it.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var commitFlags: CommitFlags

    @Argument(help: ArgumentHelp("Fingerprint, unique fingerprint prefix, or certificate file.", valueName: "cert"))
    var cert: String

    @Option(help: ArgumentHelp("The environment it is trusted in now.", valueName: "env"))
    var from: String

    @Option(help: ArgumentHelp("The environment to promote it to.", valueName: "env"))
    var to: String

    @Option(help: "Why (recorded in the commit).")
    var reason: String?

    @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
    var author: String?

    @Option(help: ArgumentHelp("Validation time, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    func run(in store: TrustStore) throws(TrustStoreError) {
        store.commitOptions = commitFlags.options
        let time = try Timestamp.resolve(at)
        let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
        let selector = try CertificateSelector(cert, cwd: ProcessEnvironment.cwd)
        let report = try PromoteOperation(store: store).run(
            selector: selector, from: from, to: to, reason: reason, author: who, time: time)
        for item in report.items {
            let who = "'\(item.summary.subject)' (\(item.summary.shortFingerprint))"
            for finding in item.findings where finding.severity == .error {
                Console.error("error: cannot promote \(who) to '\(to)': \(finding.message)")
            }
            for finding in item.findings where finding.severity == .warning {
                Console.error("warning: \(who): \(finding.message)")
            }
        }
        guard let commit = report.commit else {
            throw TrustStoreError(.rejected, "nothing was promoted from '\(from)' to '\(to)'; the store is unchanged")
        }
        for item in report.items where item.outcome == .added {
            Console.line("promoted \(item.summary.kind.rawValue.padding(12)) \(item.summary.shortFingerprint)  "
                + "expires \(item.summary.notAfter.prefix(10))  \(item.summary.subject)")
        }
        let count = report.items.filter { $0.outcome == .added }.count
        Console.line("\(to): promoted \(count) certificate\(count == 1 ? "" : "s") from '\(from)' (commit \(commit.prefix(12)))")
    }
}
