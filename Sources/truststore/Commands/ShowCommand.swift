import ArgumentParser
import TrustStoreCore

struct ShowCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a certificate's fields and provenance: who added it, when, why, from where, in which commit.")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Fingerprint, unique fingerprint prefix, or certificate file.", valueName: "cert"))
    var cert: String

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        let selector = try CertificateSelector(cert, cwd: ProcessEnvironment.cwd)
        let details = try CertificateDetails.find(selector, in: store)
        if format == .json {
            Console.out(try JSONOutput.encode(details))
            return
        }
        for (n, d) in details.enumerated() {
            if n > 0 { Console.line() }
            let fields: [(String, String)] = [
                ("Subject", d.subject), ("Issuer", d.issuer), ("Kind", d.kind.rawValue), ("Version", "v\(d.version)"),
                ("Serial", d.serial), ("Not before", d.notBefore), ("Not after", d.notAfter),
                ("SHA-256", d.sha256), ("SPKI SHA-256", d.spkiSHA256), ("Key", d.key),
                ("Signature", d.signatureAlgorithm), ("Basic constraints", d.basicConstraints),
            ] + d.caIssuers.map { ("CA issuers", $0) } + (d.auxiliaryTrust.map { [("OpenSSL trust", $0)] } ?? [])
            for (key, value) in fields { Console.line("\((key + ":").padding(19)) \(value)") }
            Console.line("Trusted in:")
            for env in d.environments.keys.sorted() { Console.line("  \(env.padding(10)) \(d.environments[env]!)") }
            Console.line("Provenance:")
            for change in d.history {
                Console.line("  \(change.action.rawValue) \(change.environment) on \(change.date) by \(change.author) "
                    + "<\(change.authorEmail)> in commit \(change.commit.prefix(12))")
                Console.line("    reason: \(change.reason ?? "(none recorded)")")
                for source in change.sources { Console.line("    source: \(source)") }
                if !change.hasTrailers { Console.line("    (committed without truststore trailers)") }
            }
        }
    }
}
