import ArgumentParser
import TrustStoreCore

struct GitHooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "githooks",
        abstract: "Make plain 'git commit' in the store pass the same checks and hooks as truststore's own commits.",
        subcommands: [Install.self, Run.self])

    struct Install: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write git's pre-commit and commit-msg hooks into the store's repository.",
            discussion: """
                pre-commit refuses a commit that stages a file holding a private key (anywhere in the repository), \
                a certificate file under stores/ that fails the rules of 'add', or leaves an intermediate without a \
                path to a root of its environment. commit-msg runs the store's approved pre-commit hooks on the \
                staged certificates, with the reason taken from the message (its Truststore-Reason trailer, else its \
                first line) and its Reviewed-by trailers. 'git commit --no-verify' skips both, as git does.
                """)
        @OptionGroup var storeOptions: StoreOptions
        @Flag(help: "Replace git hooks that truststore did not write.")
        var force = false

        func run(in store: TrustStore) throws(TrustStoreError) {
            for path in try GitHooksInstaller.install(in: store, executable: ProcessEnvironment.executable, force: force) {
                Console.line("installed \(path)")
            }
        }
    }

    struct Run: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a git hook's checks on the staged change (called by the hooks 'githooks install' writes).")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: ArgumentHelp("The git hook: pre-commit or commit-msg.", valueName: "hook"))
        var hook: String
        @Argument(help: ArgumentHelp("The commit message file (commit-msg).", valueName: "file"))
        var arguments: [String] = []
        @Option(help: ArgumentHelp("Validation time, RFC 3339 (default: now).", valueName: "time"))
        var at: String?

        func run(in store: TrustStore) throws(TrustStoreError) {
            let time = try Timestamp.resolve(at ?? ProcessEnvironment.current["TRUSTSTORE_AT"])
            // git commit -a / git commit PATH… stage into a temporary index that git names in GIT_INDEX_FILE
            // (relative to the work tree root, where git runs its hooks).
            let indexFile = ProcessEnvironment.current["GIT_INDEX_FILE"].flatMap { $0.isEmpty ? nil : $0 }
                .map { absolutePath($0, cwd: ProcessEnvironment.cwd) }
            let check = StagedChangeCheck(store: store, indexFile: indexFile)
            switch hook {
            case "pre-commit":
                let problems = try check.preCommit(time: time)
                for problem in problems { Console.error("error: staged '\(problem.path)': \(problem.message)") }
                if !problems.isEmpty {
                    throw TrustStoreError(.rejected, "truststore refused the commit (\(problems.count) "
                        + "problem\(problems.count == 1 ? "" : "s")); nothing was committed",
                        hint: "fix the staged files, or add certificates with 'truststore add', which validates them")
                }
            case "commit-msg":
                guard let file = arguments.first else {
                    throw TrustStoreError(.usage, "commit-msg needs the commit message file")
                }
                let path = absolutePath(file, cwd: ProcessEnvironment.cwd)
                let message = try readText(path)
                let who = try Author.resolve(explicit: gitAuthor(), environment: ProcessEnvironment.current,
                                             repository: store.repository)
                try check.commitMessage(message, author: who, time: time)
            default:
                throw TrustStoreError(.usage, "unknown git hook '\(hook)': expected pre-commit or commit-msg")
            }
        }

        /// `GIT_AUTHOR_NAME <GIT_AUTHOR_EMAIL>` when git exported them (git commit --author does).
        private func gitAuthor() -> String? {
            let env = ProcessEnvironment.current
            guard let name = env["GIT_AUTHOR_NAME"], let email = env["GIT_AUTHOR_EMAIL"], !name.isEmpty, !email.isEmpty
            else { return nil }
            return "\(name) <\(email)>"
        }

        private func readText(_ path: String) throws(TrustStoreError) -> String {
            guard let input = try? AddInput.file(path, path: path).bytes.get() else {
                throw TrustStoreError(.failure, "cannot read the commit message file '\(path)'")
            }
            return String(decoding: input, as: UTF8.self)
        }
    }
}
