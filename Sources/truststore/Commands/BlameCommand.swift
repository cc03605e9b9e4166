import ArgumentParser
import TrustStoreCore

struct BlameCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "For each environment: which commit made a certificate trusted (by whom, why, from where), and which removed it.")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Fingerprint, unique fingerprint prefix, or certificate file.", valueName: "cert"))
    var cert: String

    @Option(help: ArgumentHelp("Only this environment.", valueName: "env"))
    var env: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        let selector = try CertificateSelector(cert, cwd: ProcessEnvironment.cwd)
        let entries = try BlameOperation(store: store).run(selector: selector, environment: env)
        if format == .json {
            Console.out(try JSONOutput.encode(entries))
            return
        }
        for e in entries {
            Console.line("\(e.environment): \(e.trusted ? "trusted" : "no longer trusted")  \(e.sha256.prefix(16))  \(e.subject)")
            if let a = e.added { describe("added", a) }
            if let r = e.removed { describe("removed", r) }
            if e.timesAdded > 1 { Console.line("  (added \(e.timesAdded) times in all; see 'truststore log \(e.sha256.prefix(16))')") }
        }
    }

    private func describe(_ verb: String, _ c: TrustChange) {
        Console.line("  \(verb) \(c.date) by \(c.author) <\(c.authorEmail)> in commit \(c.commit.prefix(12)): \(c.summary)")
        Console.line("    reason: \(c.reasonDescription)")
        for source in c.sources { Console.line("    source: \(source)") }
    }
}
