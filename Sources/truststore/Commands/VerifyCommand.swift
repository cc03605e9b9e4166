import ArgumentParser
import TrustStoreCore
import TrustStoreOpenSSL

extension CertificatePurpose: ExpressibleByArgument {}

struct VerifyCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate a server or client certificate's path against an environment, as a TLS client would.",
        discussion: """
            Trusts exactly what a client given the environment's export trusts: its certificates, those it inherits \
            included, each limited to the purposes of its stored file, and the machine's default roots only when the \
            environment sets include_system = true (or with --include-system / --system-bundle). A path through a \
            certificate a distrust entry names is rejected naming the entry; with a distrust-after entry, when the \
            end-entity certificate was issued (notBefore) after its date. Certificates after the first in LEAF and \
            those in --untrusted files are the intermediates a server sends. Security level 2, trusted-first path \
            building, purpose server-auth unless --purpose says otherwise, host checked against the subjectAltName. \
            Nothing is fetched from the network.

            Exit 0 with the path, one line per depth; exit 1 with OpenSSL's error, the certificate it is about and \
            what to do.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The environment whose trust is used.", valueName: "env"))
    var env: String

    @Argument(help: ArgumentHelp("The end-entity certificate (PEM, DER or PKCS #7; '-' for stdin).", valueName: "leaf"))
    var leaf: String

    @Option(help: ArgumentHelp("Intermediates the peer sends (repeatable).", valueName: "file"))
    var untrusted: [String] = []

    @Option(help: ArgumentHelp("DNS name or IP address the certificate must hold.", valueName: "name"))
    var host: String?

    @Option(help: ArgumentHelp("Validation time, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: "Required purpose (default: server-auth).")
    var purpose: CertificatePurpose?

    @Flag(help: "Also trust the machine's default roots, as 'export --include-system' appends them.")
    var includeSystem = false

    @Option(help: ArgumentHelp("The default bundle to trust too (implies --include-system).", valueName: "file"))
    var systemBundle: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        let time = try Timestamp.resolve(at)
        let cwd = ProcessEnvironment.cwd
        let input = leaf == "-" ? AddInput.standardInput() : AddInput.file(leaf, path: absolutePath(leaf, cwd: cwd))
        let report = try VerifyOperation(store: store).run(
            environment: env, leaf: input, untrusted: untrusted.map { AddInput.file($0, path: absolutePath($0, cwd: cwd)) },
            host: host, purpose: purpose, time: time, includeSystem: includeSystem ? true : nil,
            systemBundle: systemBundle.map { absolutePath($0, cwd: cwd) })
        if format == .json {
            Console.out(try JSONOutput.encode(report))
        } else {
            for note in report.notes { Console.error("note: \(note)") }
            if report.valid {
                let what = [report.host.map { "for \($0)" }, report.purpose.map { "purpose \($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")
                Console.line("OK: path validated against '\(env)' at \(report.at)" + (what.isEmpty ? "" : " (\(what))"))
            }
            if !report.valid && !report.path.isEmpty { Console.line("path built before the failure:") }
            for element in report.path {
                Console.line("  depth \(element.depth)  \(element.sha256.prefix(16))  expires \(element.notAfter.prefix(10))  "
                    + "\(element.subject)  [\(element.source)]")
            }
        }
        if !report.valid {
            throw TrustStoreError(.rejected, report.message ?? "path validation failed", hint: report.hint)
        }
    }
}
