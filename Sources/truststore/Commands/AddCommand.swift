import ArgumentParser
import TrustStoreCore

struct AddCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Validate CA certificates with OpenSSL and commit them to an environment.",
        discussion: """
            Reads PEM (bundles, CRLF, BOM, comments, TRUSTED CERTIFICATE, X509 CERTIFICATE), DER and PKCS #7 \
            (PEM or DER); the format is detected from the content. Refuses private keys, CSRs, CRLs, PKCS #12 \
            and UTF-16 text. Each certificate must be a CA, valid at --at, with an RSA key of at least 2048 bits \
            or an EC key of at least 256, no MD5/SHA-1 signature unless self-signed, and an intermediate must \
            chain to a root of the same environment (the input may complete the path).

            Atomic: when any certificate is rejected nothing is committed (exit 1), unless --skip-invalid. \
            Exact duplicates are reported and skipped. One commit per invocation, with provenance trailers.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var commitFlags: CommitFlags

    @Argument(help: ArgumentHelp("Certificate files; '-' reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Add the CA certificates this TLS server presents (never its leaf), with provenance tls://HOST:PORT.",
        valueName: "host[:port]"))
    var server: String?

    @Option(help: ArgumentHelp("SNI name for --from (default: its host unless an IP address).", valueName: "name"))
    var servername: String?

    @Flag(help: "With --from, also add a self-signed root the server sends (by default only intermediates are taken: the connection proves nothing about a root).")
    var acceptRoot = false

    @Option(help: ArgumentHelp("The environment to add to.", valueName: "env"))
    var env: String

    @Option(help: "Why this trust is needed (recorded in the commit).")
    var reason: String?

    @Option(help: "Where the certificates came from (recorded in the commit; default: the file names).")
    var source: String?

    @Option(help: ArgumentHelp(
        "Author of the commit. Default: $TRUSTSTORE_AUTHOR, git's user.name/user.email, else user@host.",
        valueName: "Name <email>"))
    var author: String?

    @Option(help: ArgumentHelp("Validation time, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Flag(help: "Import the valid certificates and list each skipped one with its reason.")
    var skipInvalid = false

    @Option(name: .customLong("purpose"), help: ArgumentHelp(
        "Trust the certificates only for this purpose (repeatable): server-auth, client-auth, email, code-signing. "
            + "Default: every purpose.", valueName: "purpose"))
    var purposes: [String] = []

    @Flag(name: .shortAndLong, help: "Also print informational notes (normalised line endings, weak self-signatures).")
    var verbose = false

    func validate() throws {
        if files.isEmpty && server == nil {
            throw ValidationError("give certificate files, '-' for standard input, or --from HOST[:PORT]")
        }
        if let reason, reason.allSatisfy(\.isWhitespace) {
            throw ValidationError("--reason must not be empty; leave it out when there is none")
        }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        store.commitOptions = commitFlags.options
        var purposeList: [TrustPurpose] = []
        for name in purposes { purposeList.append(try TrustPurpose.parse(name)) }
        let environment = ProcessEnvironment.current
        let time = try Timestamp.resolve(at)
        if at != nil && abs(time - Timestamp.now()) > 86_400 {
            Console.error("warning: validating at \(Timestamp.format(time)), not now: certificates expired or not yet valid "
                + "now may be accepted; the time is recorded in the commit (Truststore-Validated-At)")
        }
        let who = try Author.resolve(explicit: author, environment: environment, repository: store.repository)
        let cwd = ProcessEnvironment.cwd
        var inputs: [AddInput] = []
        var stdinUsed = false
        for file in files {
            if file == "-" {
                if stdinUsed { continue }
                stdinUsed = true
                inputs.append(AddInput.standardInput())
            } else {
                let path = absolutePath(file, cwd: cwd)
                inputs.append(AddInput.file(file, path: path))
            }
        }
        var provenance = source
        if let server {
            let fetched = try fetchCAs(server, store: store, time: time)
            inputs.append(fetched.input)
            provenance = [source, fetched.source].compactMap { $0 }.joined(separator: "; ")
        }
        var request = AddRequest(
            inputs: inputs, environment: env, reason: reason, source: provenance, author: who, time: time,
            skipInvalid: skipInvalid)
        request.purposes = purposeList
        let report = try AddOperation(store: store).run(request)
        try render(report)
    }

    /// The CA certificates `server` presents (never the leaf at depth 0), as one PEM input named
    /// `tls://HOST:PORT`, and the provenance text with the time of the fetch.
    private func fetchCAs(_ server: String, store: TrustStore, time: Int64) throws(TrustStoreError)
        -> (input: AddInput, source: String)
    {
        let address = try ServerAddress(parsing: server)
        let (report, _) = try FetchOperation(store: nil).run(
            server: address, serverName: servername, environment: nil, time: time, timeout: 10)
        let name = "tls://\(address)"
        var cas: [FetchReport.Presented] = []
        for cert in report.presented.dropFirst() {
            if !cert.isCA {
                Console.error("note: '\(name)': skipping '\(cert.subject)', which the server sent but is not a CA")
            } else if cert.subject == cert.issuer && !acceptRoot {
                // Anyone can send any root: the handshake was not verified, so a root never comes from a server
                // unless the user asks for it after checking its fingerprint out of band.
                Console.error("warning: '\(name)': not adding the root '\(cert.subject)' (\(cert.sha256.prefix(16))) the "
                    + "server sent; check its fingerprint out of band, then add it from a file or pass --accept-root")
            } else {
                if cert.subject == cert.issuer {
                    Console.error("warning: '\(name)': adding the root '\(cert.subject)' (\(cert.sha256.prefix(16))) "
                        + "the server sent (--accept-root)")
                }
                cas.append(cert)
            }
        }
        guard !cas.isEmpty else {
            let what = report.presented.count == 1
                ? "presents only its leaf '\(report.presented[0].subject)'"
                : "presents its leaf '\(report.presented[0].subject)' but no intermediate CA certificate that can be added"
            throw TrustStoreError(.rejected, "\(name) \(what); there is nothing to add",
                hint: "get the issuer '\(report.presented[0].issuer)' from the CA and add it as a file")
        }
        let pem = cas.map(\.pem).joined()
        let source = "\(name) (fetched \(report.fetchedAt) from \(report.address), \(report.protocolVersion), "
            + "handshake not verified" + (acceptRoot ? ", roots accepted" : "") + ")"
        return (AddInput(name: name, bytes: .success(Array(pem.utf8))), source)
    }

    private func render(_ report: AddReport) throws(TrustStoreError) {
        let env = report.environment
        for (input, note) in report.inputNotes {
            let isWarning = note.contains("byte-order mark") || note.contains("legacy")
            if isWarning || verbose { Console.error("\(isWarning ? "warning" : "note"): '\(input)': \(note)") }
        }
        for error in report.inputErrors {
            let skipped = skipInvalid && report.commit != nil && !error.isPrivateKey
            Console.error("\(skipped ? "skipped" : "error: cannot add") '\(error.input)': \(error.message)")
        }
        for item in report.items {
            let who = "certificate \(item.position) '\(item.summary.subject)' (\(item.summary.shortFingerprint))"
            switch item.outcome {
            case .duplicate:
                // A certificate already in the environment is expected; the same certificate twice in the input
                // is a sign of a hand-made bundle.
                let inInput = item.note?.hasPrefix("same certificate as") == true
                Console.error("\(inInput ? "warning" : "note"): '\(item.input)': \(who): \(item.note ?? "duplicate"); skipped")
            case .rejected:
                let verb = skipInvalid && report.commit != nil ? "skipped" : "error: cannot add"
                for finding in item.findings where finding.severity == .error {
                    Console.error("\(verb) '\(item.input)': \(who): \(finding.message)")
                }
                if let note = item.note { Console.error("note: '\(item.input)': \(who) \(note)") }
            case .added, .notAdded:
                for finding in item.findings where finding.severity == .warning || (verbose && finding.severity == .info) {
                    Console.error("\(finding.severity == .warning ? "warning" : "note"): '\(item.input)': \(who): "
                        + finding.message)
                }
            }
        }
        let added = report.items.filter { $0.outcome == .added }
        for item in added {
            Console.line("added \(item.summary.kind.rawValue.padding(12)) \(item.summary.shortFingerprint)  "
                + "expires \(item.summary.notAfter.prefix(10))  \(item.summary.subject)")
        }
        let duplicates = report.items.filter { $0.outcome == .duplicate }.count
        let inputDuplicates = report.items.filter {
            $0.outcome == .duplicate && $0.note?.hasPrefix("same certificate as") == true
        }.count
        let rejected = report.items.filter { $0.outcome == .rejected }.count
        if let commit = report.commit {
            var line = "\(env): added \(added.count) certificate\(added.count == 1 ? "" : "s")"
            if duplicates - inputDuplicates > 0 { line += ", \(duplicates - inputDuplicates) already present" }
            if inputDuplicates > 0 {
                line += ", \(inputDuplicates) duplicate\(inputDuplicates == 1 ? "" : "s") in the input skipped"
            }
            if rejected > 0 || !report.inputErrors.isEmpty {
                line += ", skipped \(rejected + report.inputErrors.count) invalid"
            }
            Console.line(line + " (commit \(commit.prefix(12)))")
            return
        }
        if !report.isRejected {
            Console.line("\(env): nothing to add; \(duplicates) certificate\(duplicates == 1 ? "" : "s") already present, "
                + "no commit made")
            return
        }
        let keyRefused = report.inputErrors.contains { $0.isPrivateKey }
        let distrusted = report.items.contains { $0.outcome == .rejected && $0.findings.contains { $0.rule == "distrust" } }
        let hint: String? = keyRefused ? "remove the private key from the input; it must never reach a trust store"
            : distrusted ? "the environment distrusts it; lift the distrust first with 'truststore undistrust CERT --env "
                + "\(env) --reason TEXT' if trusting it again is intended"
            : skipInvalid ? nil : "fix the input, or pass --skip-invalid to import only the valid certificates"
        let problems = rejected + report.inputErrors.count
        throw TrustStoreError(.rejected, "nothing was added to '\(env)': \(problems) "
            + "\(problems == 1 ? "certificate or input was" : "certificates or inputs were") rejected; the store is unchanged",
            hint: hint)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
