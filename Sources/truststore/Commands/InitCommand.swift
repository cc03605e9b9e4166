import ArgumentParser
import TrustStoreCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store: a git repository with truststore.toml, stores/<env>/ and hooks/.",
        discussion: "Makes the first commit. Default environments: dev, staging, prod.")

    @Argument(help: ArgumentHelp("Directory of the new store (created when missing).", valueName: "dir"))
    var directory: String = "."

    @Option(name: .customLong("env"), help: ArgumentHelp("Declare this environment (repeatable).", valueName: "name"))
    var environments: [String] = []

    @Option(help: ArgumentHelp("Author of the first commit.", valueName: "Name <email>"))
    var author: String?

    func run() throws {
        do {
            let env = ProcessEnvironment.current
            let resources = try ProductResources.locate(executable: ProcessEnvironment.executable, environment: env)
            let who: Author? = try author.map { (text: String) throws(TrustStoreError) in
                try Author.parse(text, source: "--author")
            }
            let path = TrustStoreCore.absolutePath(directory, cwd: ProcessEnvironment.cwd)
            let store = try InitOperation.run(
                directory: path, environments: environments, author: who, environment: env, resources: resources)
            Console.line("initialised a truststore store in \(store.root)")
            Console.line("environments: " + store.config.environmentNames.joined(separator: ", "))
        } catch {
            throw Console.fail(error)
        }
    }
}
