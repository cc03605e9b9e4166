import ArgumentParser
import TrustStoreCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store: a git repository with truststore.toml, stores/<env>/ and hooks/.",
        discussion: """
            Makes the first commit. Default environments: dev, staging, prod. The stock hooks (require a reason, \
            refuse certificates expiring soon, and four more that truststore.toml's [hooks] tables enable) are \
            installed in hooks/pre-commit.d/ and approved on this machine; see docs/hooks.md.
            """)

    @Argument(help: ArgumentHelp("Directory of the new store (created when missing).", valueName: "dir"))
    var directory: String = "."

    @Option(name: .customLong("env"), help: ArgumentHelp("Declare this environment (repeatable).", valueName: "name"))
    var environments: [String] = []

    @Option(help: ArgumentHelp("Author of the first commit.", valueName: "Name <email>"))
    var author: String?

    @Flag(name: .customLong("no-hooks"), help: "Do not install the stock hooks.")
    var noHooks = false

    func run() throws {
        do {
            let env = ProcessEnvironment.current
            let resources = try ProductResources.locate(executable: ProcessEnvironment.executable, environment: env)
            let who: Author? = try author.map { (text: String) throws(TrustStoreError) in
                try Author.parse(text, source: "--author")
            }
            let path = TrustStoreCore.absolutePath(directory, cwd: ProcessEnvironment.cwd)
            let store = try InitOperation.run(
                directory: path, environments: environments, author: who, environment: env, resources: resources,
                installHooks: !noHooks)
            Console.line("initialised a truststore store in \(store.root)")
            Console.line("environments: " + store.config.environmentNames.joined(separator: ", "))
            let hooks = HookRegistry.allHooks(in: store).filter(\.runs)
            if !hooks.isEmpty {
                Console.line("hooks: " + hooks.map(\.name).joined(separator: ", ") + " (approved; 'truststore hooks list')")
            }
        } catch {
            throw Console.fail(error)
        }
    }
}
