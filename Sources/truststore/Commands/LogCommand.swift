import ArgumentParser
import TrustStoreCore

struct LogCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every trust change: date, author, action, environment, certificate and reason.",
        discussion: """
            Changes are read from the commits' trees, so commits made with plain git show too; the reason and \
            source come from the commits' Truststore-* trailers where present.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Only changes of this certificate (fingerprint, prefix or file).", valueName: "cert"))
    var cert: String?

    @Option(help: ArgumentHelp("Only this environment.", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("Only changes made at or after this time, RFC 3339 or a date.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only changes made at or before this time, RFC 3339 or a date.", valueName: "date"))
    var until: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        // An environment removed since still has a history: check the name only when nothing is found.
        let selector = try cert.map { (text: String) throws(TrustStoreError) in
            try CertificateSelector(text, cwd: ProcessEnvironment.cwd)
        }
        let from: Int64? = try since.map { (text: String) throws(TrustStoreError) in
            try Timestamp.resolve(text, option: "--since")
        }
        var to: Int64? = try until.map { (text: String) throws(TrustStoreError) in
            try Timestamp.resolve(text, option: "--until")
        }
        // A bare date for --until means the whole of that day.
        if let until, to != nil, !until.contains("T") { to! += 86_399 }
        var reader = HistoryReader(store: store)
        let changes = try reader.changes(environment: env, selector: selector, since: from, until: to)
        if format == .json {
            Console.out(try JSONOutput.encode(changes))
            return
        }
        // One write for the whole log: a long history has tens of thousands of lines.
        var text = ""
        var lastCommit = ""
        for change in changes {
            if change.commit != lastCommit {
                if !lastCommit.isEmpty { text += "\n" }
                lastCommit = change.commit
                text += "\(change.date)  \(change.commit.prefix(12))  \(change.author) <\(change.authorEmail)>\n"
                text += "    reason: \(change.reasonDescription)\n"
                for source in change.sources { text += "    source: \(source)\n" }
            }
            text += "    \(change.action.rawValue.padding(6)) \(change.environment.padding(8)) "
                + "\(change.kind.rawValue.padding(12)) \(change.sha256.prefix(16))  \(change.subject)  "
                + "(expires \(change.notAfter.prefix(10)))\n"
        }
        Console.out(text)
        if changes.isEmpty {
            if let env { try store.requireEnvironment(env) }
            Console.error("no trust changes")
        }
    }
}
