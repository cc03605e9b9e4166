import ArgumentParser
import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Tool: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "truststore",
        abstract: "Keep a project's TLS trust (root and intermediate CA certificates) in a git repository.",
        discussion: """
            Every change is validated with OpenSSL and committed with its provenance (who, when, why, from \
            where); each environment exports its own reproducible PEM bundle.

            'truststore NAME' runs the plugin 'truststore-NAME' from PATH when NAME is not a built-in command \
            ('truststore help' lists the plugins found).

            Exit status: 0 success, 1 rejected or negative result, 2 the tool could not do its job, 64 usage; \
            a plugin's own status passes through.
            """,
        version: version,
        subcommands: [
            InitCommand.self, AddCommand.self, RemoveCommand.self, ListCommand.self, ShowCommand.self,
            LogCommand.self, DiffCommand.self, BlameCommand.self, ExportCommand.self, VerifyCommand.self,
            CheckCommand.self, FetchCommand.self, ReleaseCommand.self, EnvCommand.self, HooksCommand.self,
            GitHooksCommand.self, PromoteCommand.self, DistrustCommand.self, UndistrustCommand.self,
        ]
    )

    /// Built-ins first, then plugins (git's `run_argv`): dispatch before the argument parser sees a name it
    /// does not know.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let builtins = Set(configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"])
        let path = ProcessEnvironment.current["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        switch PluginResolver.resolve(arguments, builtins: builtins, path: path) {
        case .builtin:
            if arguments == ["help"] {
                Console.out(helpMessage() + "\n")
                let plugins = PluginResolver.plugins(path: path)
                Console.line(plugins.isEmpty ? "PLUGINS: none found on PATH (truststore-NAME executables)" : "PLUGINS:")
                for plugin in plugins { Console.line("  \(plugin.name.padding(22)) \(plugin.path)") }
                Glibc.exit(0)
            }
            main(nil)
        case .plugin(let plugin):
            Glibc.exit(PluginLauncher.exec(plugin, arguments: Array(arguments.dropFirst())))
        case .unknown(let name, let suggestion):
            Console.error("error: '\(name)' is not a truststore command, and no 'truststore-\(name)' plugin is on PATH")
            if let suggestion { Console.error("hint: did you mean '\(suggestion)'?") }
            Console.error("hint: 'truststore help' lists the commands and plugins")
            Glibc.exit(ExitStatus.usage)
        }
    }
}
