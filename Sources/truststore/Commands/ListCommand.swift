import ArgumentParser
import FoundationEssentials
import TrustStoreCore

struct ListCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the certificates of one or every environment, as committed at HEAD.",
        discussion: """
            An environment's list holds what it trusts: its own certificates and those it inherits (marked \
            'inherited from ENV'), then the certificates a distrust entry leaves out (marked 'DISTRUSTED'). JSON \
            rows carry inheritedFrom and distrustedBy for those.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only this environment.", valueName: "env"))
    var env: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    func run(in store: TrustStore) throws(TrustStoreError) {
        var names = store.config.environmentNames
        if let env {
            try store.requireEnvironment(env)
            names = [env]
        }
        var rows: [CertificateSummary] = []
        var notes: [String: String] = [:]
        for name in names {
            let trust = try store.effectiveTrust(of: name)
            rows += trust.certificates.map { trust.summary($0) }
            rows += trust.distrusted.map { trust.summary($0.certificate, distrust: $0.distrust) }
            for (cert, entry) in trust.constrained {
                notes[name + "\u{0}" + cert.fingerprint] = "distrusted for certificates issued after "
                    + "\(entry.entry.after ?? "") in '\(entry.environment)'"
            }
        }
        switch format {
        case .json:
            Console.out(try JSONOutput.encode(rows))
        case .text:
            for row in rows {
                var marks: [String] = []
                if let from = row.inheritedFrom { marks.append("inherited from \(from)") }
                if let note = notes[row.environment + "\u{0}" + row.sha256] { marks.append(note) }
                if let distrust = row.distrustedBy { marks.append("DISTRUSTED, " + distrust) }
                Console.line("\(row.environment.padding(10)) \(row.kind.rawValue.padding(12)) \(row.shortFingerprint)  "
                    + "expires \(row.notAfter.prefix(10))  \(row.subject)"
                    + (row.purposes.map { "  [" + $0.map(\.rawValue).joined(separator: ", ") + "]" } ?? "")
                    + (marks.isEmpty ? "" : "  (" + marks.joined(separator: "; ") + ")"))
            }
            if rows.isEmpty { Console.error("no certificates in " + names.map { "'\($0)'" }.joined(separator: ", ")) }
        }
    }
}

/// Foundation's JSON coding with sorted keys and pretty printing, ending in a newline.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws(TrustStoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw TrustStoreError(.failure, "cannot encode JSON: \(error)")
        }
    }
}
