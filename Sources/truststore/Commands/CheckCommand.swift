import ArgumentParser
import TrustStoreCore

struct CheckCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report the health of environments: expired, expiring, weak, unchained or related certificates.",
        discussion: """
            Applies the rules of 'add' to what is committed, at --at (default now): expired and not yet valid \
            certificates, weak keys and digests, intermediates without a path to a root of their environment (errors); \
            certificates expiring within --warn-days (warnings); roots expiring before the intermediates below them, \
            several certificates for one subject or key, and weak self-signatures of roots, which nothing relies on \
            (information, listed with -v). A file of the environment that holds no readable certificate or a private \
            key is an error finding. Exit 1 when any finding is an error, so CI \
            and cron can use it; --format json for monitoring.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only this environment (default: all).", valueName: "env"))
    var env: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Warn about certificates expiring within this many days.", valueName: "days"))
    var warnDays: Int = 30

    @Option(help: ArgumentHelp("Check time, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    @Flag(name: .shortAndLong, help: "Also list informational findings (text format; JSON always has them).")
    var verbose = false

    @Argument(help: ArgumentHelp(
        "Check these certificate files on their own instead of the store's environments (no store needed; the "
            + "store's [policy] applies when there is one). For the pre-commit framework.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if !files.isEmpty && env != nil { throw ValidationError("give --env or files, not both") }
        guard warnDays >= 0 else { throw ValidationError("--warn-days must not be negative") }
    }

    func run() throws {
        // The store's environments: as every store command does.
        guard !files.isEmpty else { return try withStore { (store) throws(TrustStoreError) in try run(in: store) } }
        do throws(TrustStoreError) {
            let time = try Timestamp.resolve(at)
            let cwd = ProcessEnvironment.cwd
            let store = try? TrustStore.locate(
                explicit: storeOptions.store, environment: ProcessEnvironment.current, cwd: cwd)
            let policy = store?.config.policy
            // 'check prod' most likely meant the environment, not a file called prod.
            if files.count == 1, let name = files.first, let store, store.config.environments[name] != nil,
               !isRegularFile(absolutePath(name, cwd: cwd))
            {
                throw TrustStoreError(.usage, "'\(name)' is an environment, not a file", hint: "check it with --env \(name)")
            }
            let inputs = files.map { AddInput.file($0, path: absolutePath($0, cwd: cwd)) }
            let report = CheckOperation.checkFiles(inputs, policy: policy ?? StoreConfig.Policy(), warnDays: warnDays,
                                                   time: time)
            try render(report, groups: files)
        } catch {
            throw Console.fail(error)
        }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        let time = try Timestamp.resolve(at)
        let envs = env.map { [$0] } ?? store.config.environmentNames
        let report = try CheckOperation(store: store).run(environments: envs, warnDays: warnDays, time: time)
        try render(report, groups: envs)
    }

    private func render(_ report: CheckReport, groups envs: [String]) throws(TrustStoreError) {
        if format == .json {
            Console.out(try JSONOutput.encode(report))
        } else {
            for name in envs {
                let findings = report.findings.filter { $0.environment == name }
                let count = { (s: Finding.Severity) in findings.filter { $0.severity == s }.count }
                func n(_ value: Int, _ word: String) -> String { "\(value) \(word)\(value == 1 ? "" : "s")" }
                Console.line("\(name): \(n(report.certificates[name] ?? 0, "certificate")), \(n(count(.error), "error")), "
                    + "\(n(count(.warning), "warning")), \(n(count(.info), "note")) (at \(report.at))")
                if !verbose && count(.info) > 0 { Console.line("  (\(n(count(.info), "note")) not shown; -v lists them)") }
                for f in findings.filter({ verbose || $0.severity != .info }).sorted(by: { $0.severity != $1.severity ? $0.severity > $1.severity : $0.subject < $1.subject }) {
                    let what = f.sha256.isEmpty ? "" : "\(f.sha256.prefix(16))  \(f.subject): "
                    Console.line("  \(f.severity.rawValue.uppercased().padding(7)) \(f.rule.padding(19)) \(what)\(f.message)")
                }
            }
        }
        if report.hasError {
            let errors = report.findings.filter { $0.severity == .error }.count
            throw TrustStoreError(.rejected, "\(errors) error finding\(errors == 1 ? "" : "s")")
        }
    }
}
