import ArgumentParser
import TrustStoreCore

/// Options every command that works on an existing store accepts.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store's directory. Default: $TRUSTSTORE_DIR, else the nearest store above the current directory.",
        valueName: "dir"))
    var store: String?
}

/// A command that needs an open store: `run()` finds and opens it (like git's RUN_SETUP), then calls
/// `run(in:)`; a ``TrustStoreError`` becomes its message on stderr and its exit status.
protocol StoreCommand: ParsableCommand {
    var storeOptions: StoreOptions { get }
    func run(in store: TrustStore) throws(TrustStoreError)
}

extension StoreCommand {
    func run() throws {
        try withStore { (store) throws(TrustStoreError) in try run(in: store) }
    }

    /// Finds and opens the store, runs `body` with it, then prints what hooks said and the store's warnings;
    /// a ``TrustStoreError`` becomes its message on stderr and its exit status.
    func withStore(_ body: (TrustStore) throws(TrustStoreError) -> Void) throws {
        var opened: TrustStore?
        defer {
            for line in opened?.hookOutput ?? [] { Console.error(line) }
            for warning in opened?.warnings ?? [] { Console.error("warning: \(warning)") }
        }
        do {
            let store = try TrustStore.locate(
                explicit: storeOptions.store, environment: ProcessEnvironment.current, cwd: ProcessEnvironment.cwd)
            opened = store
            try body(store)
        } catch {
            throw Console.fail(error)
        }
    }
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options of every command that commits: `--no-verify` and `--reviewed-by`, recorded as trailers.
struct CommitFlags: ParsableArguments {
    @Flag(name: .customLong("no-verify"), help: ArgumentHelp(
        "Skip the store's pre-commit hooks (recorded in the commit as 'Truststore-No-Verify: true')."))
    var noVerify = false

    @Option(name: .customLong("reviewed-by"), help: ArgumentHelp(
        "A reviewer of the change, recorded as a 'Reviewed-by:' trailer (repeatable).", valueName: "Name <email>"))
    var reviewedBy: [String] = []

    func validate() throws {
        for reviewer in reviewedBy {
            do {
                _ = try Author.parse(reviewer, source: "--reviewed-by")
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    var options: CommitOptions { CommitOptions(noVerify: noVerify, reviewedBy: reviewedBy) }
}
