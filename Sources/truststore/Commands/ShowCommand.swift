import ArgumentParser
import TrustStoreCore

struct ShowCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a certificate (fields and provenance) or a commit (one trust change, with its verdicts).",
        discussion: """
            CERT is a certificate file, a SHA-256 fingerprint or a unique prefix of one: its fields, where it is \
            trusted, and who added it, when, why, from where, in which commit. REV is a commit, tag or branch: the \
            trust change it made in human terms, its provenance, and what the rules of 'add' say about each \
            certificate it added. A name that could be both is refused as ambiguous.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("A certificate (file, fingerprint or prefix) or a revision.", valueName: "cert-or-rev"))
    var cert: String

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        let cwd = ProcessEnvironment.cwd
        let isFile = isRegularFile(absolutePath(cert, cwd: cwd))
        let revision = isFile ? nil : try? store.resolve(revision: cert)
        let selector = try? CertificateSelector(cert, cwd: cwd)
        let details = try selector.map { (s: CertificateSelector) throws(TrustStoreError) in
            (try? CertificateDetails.find(s, in: store)) ?? []
        } ?? []
        if let revision {
            if !details.isEmpty {
                throw TrustStoreError(.usage, "'\(cert)' names both a commit and a certificate",
                    hint: "give more digits of the fingerprint, or the commit as a full id or a ref")
            }
            try showCommit(CommitView.read(revision, in: store))
            return
        }
        guard let selector else { _ = try CertificateSelector(cert, cwd: cwd); return }
        let found = details.isEmpty ? try CertificateDetails.find(selector, in: store) : details
        try showCertificates(found)
    }

    private func showCommit(_ view: CommitView) throws(TrustStoreError) {
        if format == .json {
            Console.out(try JSONOutput.encode(view))
            return
        }
        Console.line("commit \(view.commit)" + (view.parents.count > 1 ? " (merge of \(view.parents.count) parents)" : ""))
        Console.line("Author: \(view.author) <\(view.authorEmail)>")
        Console.line("Date:   \(view.date)")
        Console.line()
        Console.line("    \(view.summary)")
        Console.line()
        let reason = view.trailers.first { $0.hasPrefix("Truststore-Reason: ") }.map { String($0.dropFirst(19)) }
        let sources = view.trailers.filter { $0.hasPrefix("Truststore-Source: ") }.map { String($0.dropFirst(19)) }
        let hasTrailers = view.trailers.contains { $0.hasPrefix("Truststore-") }
        Console.line("Reason:    \(TrustChange.describe(reason: reason, hasTrailers: hasTrailers))")
        for source in sources { Console.line("Source:    \(source)") }
        // promote, distrust and env extend: what their trailers say beyond certificate changes.
        for (key, label) in [("Truststore-From: ", "From:      "), ("Truststore-Distrust: ", "Distrust:  "),
                             ("Truststore-Distrust-After: ", "Only for certificates issued after "),
                             ("Truststore-Extends: ", "Extends:   ")]
        {
            for trailer in view.trailers where trailer.hasPrefix(key) { Console.line(label + trailer.dropFirst(key.count)) }
        }
        if view.changes.isEmpty {
            Console.line("Changes:   none to any environment's certificates")
            return
        }
        Console.line("Changes (validated at \(view.validatedAt)):")
        for verdict in view.changes {
            let c = verdict.change
            Console.line("  \(c.action.rawValue.padding(6)) \(c.environment.padding(8)) \(c.kind.rawValue.padding(12)) "
                + "\(c.sha256.prefix(16))  expires \(c.notAfter.prefix(10))  \(c.subject)")
            guard c.action == .add else { continue }
            let problems = verdict.findings.filter { $0.severity != .info }
            if problems.isEmpty { Console.line("      valid: passes every rule of 'add'") }
            for f in problems { Console.line("      \(f.severity.rawValue): \(f.message)") }
        }
    }

    private func showCertificates(_ details: [CertificateDetails]) throws(TrustStoreError) {
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
            for env in d.environments.keys.sorted() {
                let purposes = d.purposes?[env].map { "  (purposes: " + $0.map(\.rawValue).joined(separator: ", ") + ")" }
                let distrusted = d.distrustedIn?[env].map { "  (left out: \($0))" } ?? ""
                Console.line("  \(env.padding(10)) \(d.environments[env]!)" + (purposes ?? "") + distrusted)
            }
            for (env, origin) in (d.inheritedIn ?? [:]).sorted(by: { $0.key < $1.key }) {
                Console.line("  \(env.padding(10)) inherited from \(origin)")
            }
            let elsewhere = (d.distrustedIn ?? [:]).filter { d.environments[$0.key] == nil }
            if !elsewhere.isEmpty {
                Console.line("Distrusted in:")
                for (env, entry) in elsewhere.sorted(by: { $0.key < $1.key }) { Console.line("  \(env.padding(10)) \(entry)") }
            }
            Console.line("Provenance:")
            for change in d.history {
                Console.line("  \(change.action.rawValue) \(change.environment) on \(change.date) by \(change.author) "
                    + "<\(change.authorEmail)> in commit \(change.commit.prefix(12))")
                Console.line("    reason: \(change.reasonDescription)")
                for source in change.sources { Console.line("    source: \(source)") }
                if !change.hasTrailers { Console.line("    (committed without truststore trailers)") }
            }
        }
    }
}
