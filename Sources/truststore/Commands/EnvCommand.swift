import ArgumentParser
import TrustStoreCore

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "List, declare or remove environments.",
        subcommands: [List.self, Add.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "List the declared environments.")
        @OptionGroup var storeOptions: StoreOptions

        func run(in store: TrustStore) throws(TrustStoreError) {
            for env in try EnvironmentOperation(store: store).list() {
                let count = "\(env.certificates) certificate\(env.certificates == 1 ? "" : "s")"
                Console.line("\(env.name.padding(12)) \(count.padding(16)) \(env.description ?? "")")
            }
        }
    }

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Declare an environment (one commit).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var commitFlags: CommitFlags
        @Argument(help: ArgumentHelp("Name: lowercase letters, digits, '.', '_' or '-'.", valueName: "name"))
        var name: String
        @Option(help: "A description.")
        var description: String?
        @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
        var author: String?

        func run(in store: TrustStore) throws(TrustStoreError) {
            store.commitOptions = commitFlags.options
            let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
            let commit = try EnvironmentOperation(store: store).add(name, description: description, author: who)
            Console.line("declared environment '\(name)' (commit \(commit.prefix(12)))")
        }
    }

    struct Remove: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an environment (one commit).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var commitFlags: CommitFlags
        @Argument(help: ArgumentHelp("The environment.", valueName: "name"))
        var name: String
        @Flag(help: "Remove it even when it still holds certificates.")
        var force = false
        @Option(help: "Why (recorded in the commit).")
        var reason: String?
        @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
        var author: String?

        func run(in store: TrustStore) throws(TrustStoreError) {
            store.commitOptions = commitFlags.options
            let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
            let commit = try EnvironmentOperation(store: store).remove(name, force: force, reason: reason, author: who)
            Console.line("removed environment '\(name)' (commit \(commit.prefix(12)))")
        }
    }
}
