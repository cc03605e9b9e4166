import ArgumentParser
import FoundationEssentials
import TrustStoreCore

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "List the store's hooks, and approve them to run on this machine.",
        discussion: """
            Hooks are executable files in hooks/<event> and hooks/<event>.d/ (events: pre-commit, post-commit, \
            pre-export); see docs/hooks.md. They are versioned with the store, so whoever can push to it can change \
            them: truststore runs a hook only when its exact content was approved on this machine ('hooks trust', \
            recorded in .git/truststore/approved-hooks, which is not versioned). Commands refuse, naming them, while \
            hooks they would run are not approved.
            """,
        subcommands: [List.self, Trust.self])

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each hook with its event and whether it runs: approved, not approved, disabled, not executable.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Output format.")
        var format: OutputFormat = .text

        func run(in store: TrustStore) throws(TrustStoreError) {
            let hooks = HookRegistry.allHooks(in: store)
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.line(String(decoding: (try? encoder.encode(hooks)) ?? Data("[]".utf8), as: UTF8.self))
                return
            }
            if hooks.isEmpty {
                Console.line("no hooks in \(store.root)/hooks")
                return
            }
            for hook in hooks {
                Console.line("\(hook.event.rawValue.padding(12)) \(Self.status(hook).padding(15)) \(hook.path)")
            }
        }

        static func status(_ hook: Hook) -> String {
            if !hook.enabled { return "disabled" }
            if !hook.executable { return "not-executable" }
            return hook.approved ? "approved" : "NOT-APPROVED"
        }
    }

    struct Trust: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve hooks as they are now (all of them, or the paths given) to run on this machine.",
            discussion: "Review a hook before approving it: it runs with your rights whenever truststore commits or exports.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: ArgumentHelp("Hook paths relative to the store root (default: every hook).", valueName: "path"))
        var paths: [String] = []

        func run(in store: TrustStore) throws(TrustStoreError) {
            let hooks = HookRegistry.allHooks(in: store)
            var chosen = hooks
            if !paths.isEmpty {
                let wanted = paths.map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }
                for path in wanted where !hooks.contains(where: { $0.path == path }) {
                    throw TrustStoreError(.usage, "'\(path)' is not a hook of this store",
                        hint: "'truststore hooks list' shows the hooks, with paths relative to the store root")
                }
                chosen = hooks.filter { wanted.contains($0.path) }
            }
            if chosen.isEmpty {
                Console.line("no hooks to approve")
                return
            }
            try HookRegistry.approve(chosen, in: store)
            for hook in chosen {
                Console.line("\(hook.approved ? "already approved" : "approved")  \(hook.path)  (sha256 \(hook.sha256.prefix(16)))")
            }
        }
    }
}
