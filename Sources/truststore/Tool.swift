import ArgumentParser
import TrustStoreCore

@main
struct Tool: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "truststore",
        abstract: "Keep a project's TLS trust (root and intermediate CA certificates) in a git repository.",
        discussion: """
            Every change is validated with OpenSSL and committed with its provenance (who, when, why, from \
            where); each environment exports its own reproducible PEM bundle.

            Exit status: 0 success, 1 rejected or negative result, 2 the tool could not do its job, 64 usage.
            """,
        version: version,
        subcommands: [
            InitCommand.self, AddCommand.self, RemoveCommand.self, ListCommand.self, ShowCommand.self,
            LogCommand.self, DiffCommand.self, BlameCommand.self, ExportCommand.self, VerifyCommand.self, CheckCommand.self, FetchCommand.self, ReleaseCommand.self, EnvCommand.self,
        ]
    )
}
