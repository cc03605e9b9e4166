import ArgumentParser
import TrustStoreCore

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "List, declare, extend, compare or remove environments.",
        discussion: """
            An environment may extend others ('env add dev --extends prod', 'env extend dev prod'): it then trusts \
            its own certificates and those of the environments it extends, transitively, and their distrust \
            entries apply to it too. export, verify, check, list and add resolve the inheritance; a cycle or an \
            unknown name is an error naming it.
            """,
        subcommands: [List.self, Add.self, Extend.self, Diff.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "List the declared environments.")
        @OptionGroup var storeOptions: StoreOptions

        func run(in store: TrustStore) throws(TrustStoreError) {
            for env in try EnvironmentOperation(store: store).list() {
                let count = "\(env.certificates) certificate\(env.certificates == 1 ? "" : "s")"
                let extends = env.extends.isEmpty ? [] : ["(extends \(env.extends.joined(separator: ", ")))"]
                Console.line("\(env.name.padding(12)) \(count.padding(16)) "
                    + (extends + [env.description ?? ""]).filter { !$0.isEmpty }.joined(separator: " "))
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
        @Option(help: ArgumentHelp("An environment whose trust it inherits (repeatable).", valueName: "env"))
        var extends: [String] = []
        @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
        var author: String?

        func run(in store: TrustStore) throws(TrustStoreError) {
            store.commitOptions = commitFlags.options
            let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
            let commit = try EnvironmentOperation(store: store).add(
                name, description: description, extends: extends, author: who)
            let inherits = extends.isEmpty ? "" : ", extending " + extends.map { "'\($0)'" }.joined(separator: ", ")
            Console.line("declared environment '\(name)'\(inherits) (commit \(commit.prefix(12)))")
        }
    }

    struct Extend: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an environment inherit the trust of others too (one commit).",
            discussion: "Refused (exit 64, store unchanged) when it would make a cycle, which is named.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var commitFlags: CommitFlags
        @Argument(help: ArgumentHelp("The environment.", valueName: "name"))
        var name: String
        @Argument(help: ArgumentHelp("The environments it extends from now on.", valueName: "parent"))
        var parents: [String]
        @Option(help: "Why (recorded in the commit).")
        var reason: String?
        @Option(help: ArgumentHelp("Author of the commit.", valueName: "Name <email>"))
        var author: String?

        func validate() throws {
            if parents.isEmpty { throw ValidationError("name at least one environment to extend") }
        }

        func run(in store: TrustStore) throws(TrustStoreError) {
            store.commitOptions = commitFlags.options
            let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
            let commit = try EnvironmentOperation(store: store).extend(name, with: parents, reason: reason, author: who)
            Console.line("'\(name)' extends " + parents.map { "'\($0)'" }.joined(separator: ", ")
                + " (commit \(commit.prefix(12)))")
        }
    }

    struct Diff: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what one environment trusts that the other does not.",
            discussion: """
                Both sides are resolved as export and verify resolve them (inherited certificates in, distrusted \
                ones out) and compared by SHA-256 fingerprint. Lines start with '-' for certificates only A trusts \
                and '+' for those only B trusts. Exit 0, or with --exit-code 1 when they differ (as git diff).
                """)
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: ArgumentHelp("The first environment.", valueName: "a"))
        var a: String
        @Argument(help: ArgumentHelp("The second environment.", valueName: "b"))
        var b: String
        @Option(help: "Output format.")
        var format: OutputFormat = .text
        @Flag(help: "Exit 1 when the environments differ, 0 when they trust the same certificates.")
        var exitCode = false

        func run(in store: TrustStore) throws(TrustStoreError) {
            let diff = try EnvironmentDiffOperation(store: store).run(a, b)
            switch format {
            case .json:
                Console.out(try JSONOutput.encode(diff))
            case .text:
                Console.line("--- \(a)")
                Console.line("+++ \(b)")
                for (sign, rows) in [("-", diff.onlyInA), ("+", diff.onlyInB)] {
                    for row in rows {
                        Console.line("\(sign) \(row.kind.rawValue.padding(12)) \(row.shortFingerprint)  expires "
                            + "\(row.notAfter.prefix(10))  \(row.subject)"
                            + (row.inheritedFrom.map { "  (inherited from \($0))" } ?? ""))
                    }
                }
                Console.error("\(diff.onlyInA.count) only in '\(a)', \(diff.onlyInB.count) only in '\(b)', "
                    + "\(diff.common) in both")
            }
            if exitCode && diff.differs { throw TrustStoreError(.rejected, "") }
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
