import ArgumentParser
import FoundationEssentials
import TrustStoreCore

struct ListCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the certificates of one or every environment, as committed at HEAD.")

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
        for name in names {
            rows += try store.certificates(in: name).map(CertificateSummary.init)
        }
        switch format {
        case .json:
            Console.out(try JSONOutput.encode(rows))
        case .text:
            for row in rows {
                Console.line("\(row.environment.padding(10)) \(row.kind.rawValue.padding(12)) \(row.shortFingerprint)  "
                    + "expires \(row.notAfter.prefix(10))  \(row.subject)"
                    + (row.purposes.map { "  [" + $0.map(\.rawValue).joined(separator: ", ") + "]" } ?? ""))
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
