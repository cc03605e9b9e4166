import ArgumentParser
import TrustStoreCore

struct DiffCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show certificates added and removed per environment between two revisions, or against the work tree.",
        discussion: """
            With no revision, compares HEAD with the work tree, so hand edits under stores/ show, each added \
            certificate validated as 'add' would validate it; with one, that revision with the work tree; with two, \
            the first with the second. --exit-code exits 1 when there are differences (and always when a work-tree \
            addition fails validation).
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Revisions: commit, tag or branch.", valueName: "rev"))
    var revisions: [String] = []

    @Option(help: ArgumentHelp("Only this environment.", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("Validation time for work-tree additions, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    @Flag(help: "Exit 1 when there are differences.")
    var exitCode = false

    func validate() throws {
        if revisions.count > 2 { throw ValidationError("give at most two revisions") }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        let time = try Timestamp.resolve(at)
        let from = try store.resolve(revision: revisions.first ?? "HEAD")
        let to: String? = revisions.count == 2 ? try store.resolve(revision: revisions[1]) : nil
        let report = try DiffOperation(store: store).run(from: from, to: to, environment: env, time: time)
        if format == .json {
            Console.out(try JSONOutput.encode(report))
        } else {
            Console.line("diff \(report.from.prefix(12))..\(report.to == "work tree" ? "work tree" : String(report.to.prefix(12)))")
            var lastEnv = ""
            for d in report.differences {
                if d.environment != lastEnv {
                    Console.line("\(d.environment):")
                    lastEnv = d.environment
                }
                Console.line("  \(d.action == .added ? "+" : "-") \(d.kind.rawValue.padding(12)) \(d.sha256.prefix(16))  "
                    + "expires \(d.notAfter.prefix(10))  \(d.key.padding(20)) \(d.subject)")
                for f in d.findings where f.severity != .info {
                    Console.line("      \(f.severity.rawValue): \(f.message)")
                }
            }
            let added = report.differences.filter { $0.action == .added }.count
            let removed = report.differences.count - added
            Console.line(report.differences.isEmpty ? "no trust changes" : "\(added) added, \(removed) removed")
        }
        if report.hasInvalidAddition {
            throw TrustStoreError(.rejected, "a certificate added in the work tree fails validation; committing it "
                + "would trust it anyway", hint: "remove it, or add it with 'truststore add' to see every reason")
        }
        // Like `git diff --exit-code`: status 1 without a message.
        if exitCode && !report.differences.isEmpty { throw TrustStoreError(.rejected, "") }
    }
}
