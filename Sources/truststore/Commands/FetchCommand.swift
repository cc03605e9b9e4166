import ArgumentParser
import TrustStoreCore

struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Print the certificate chain a TLS server presents and, with --env, whether it validates there.",
        discussion: """
            Connects with OpenSSL's TLS client (libssl) and prints each certificate the server sends as PEM with \
            comment headers, leaf first. Nothing is verified during the handshake; with --env the chain is then \
            validated against that environment as 'truststore verify' does (exit 1 when it fails). A store is needed \
            only with --env.
            """)

    @Option(name: .long, help: ArgumentHelp("The store's directory (for --env).", valueName: "dir"))
    var store: String?

    @Argument(help: ArgumentHelp("The server, HOST[:PORT] (default port 443).", valueName: "host[:port]"))
    var server: String

    @Option(help: ArgumentHelp("SNI name and the name checked (default: HOST unless it is an IP address).",
                               valueName: "name"))
    var servername: String?

    @Option(help: ArgumentHelp("Validate the chain against this environment.", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("Validation time, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("Seconds allowed to connect and for each read.", valueName: "seconds"))
    var timeout: Int = 10

    func run() throws {
        do throws(TrustStoreError) {
            let address = try ServerAddress(parsing: server)
            let time = try Timestamp.resolve(at)
            var opened: TrustStore?
            if env != nil {
                opened = try TrustStore.locate(explicit: store, environment: ProcessEnvironment.current,
                                               cwd: ProcessEnvironment.cwd)
            }
            let (report, _) = try FetchOperation(store: opened).run(
                server: address, serverName: servername, environment: env, time: time, timeout: timeout)
            Console.error("connected to \(report.address) (\(report.protocolVersion)); the server presented "
                + "\(report.presented.count) certificate\(report.presented.count == 1 ? "" : "s")")
            for cert in report.presented {
                Console.out("# Depth: \(cert.depth)\(cert.depth == 0 ? " (leaf)" : cert.isCA ? " (CA)" : "")\n"
                    + "# Subject: \(cert.subject)\n# Issuer: \(cert.issuer)\n# Not after: \(cert.notAfter)\n"
                    + "# SHA-256: \(cert.sha256)\n" + cert.pem)
            }
            guard let verification = report.verification else { return }
            if verification.valid {
                Console.error("verdict: \(report.verdict ?? "valid")")
                for e in verification.path {
                    Console.error("  depth \(e.depth)  \(e.sha256.prefix(16))  \(e.subject)  [\(e.source)]")
                }
            } else {
                throw TrustStoreError(.rejected, report.verdict ?? "the chain does not validate",
                                      hint: report.hint)
            }
        } catch {
            throw Console.fail(error)
        }
    }
}
