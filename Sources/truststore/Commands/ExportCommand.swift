import ArgumentParser
import TrustStoreCore

struct ExportCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an environment's PEM bundle (for requests' verify=, curl --cacert, SSL_CERT_FILE).",
        discussion: """
            The bundle holds each certificate of the environment as committed at HEAD, with a certifi-style \
            comment header, ordered by subject and fingerprint: the same store state gives byte-identical output. \
            Certificates expired or not yet valid at --at are left out and named on stderr. An environment with \
            no usable certificate is an error: an empty bundle is never written.

            --format writes the same certificates as pem-directory, openssl-directory (a hashed directory for \
            -CApath / SSL_CERT_DIR), der-directory, pkcs7, java (a PKCS #12 truststore) or json (a manifest with \
            provenance). Directory formats need -o DIR and replace it whole; a directory not written by \
            truststore export is replaced only with --overwrite. Any other NAME runs the plugin truststore-export-NAME \
            from PATH with the environment's PEM bundle on standard input (see the README).

            The store's pre-export hooks run before anything is written and may veto (--no-verify skips them).
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The environment to export.", valueName: "env"))
    var env: String

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Write to this file (atomically), or this directory for a directory format, instead of stdout.",
        valueName: "path"))
    var output: String?

    @Flag(help: "Replace the file given with -o when it exists (or a directory not written by truststore export).")
    var overwrite = false

    @Option(help: ArgumentHelp("Export time, RFC 3339 (default: now): certificates not valid then are left out.",
                               valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp(
        "Export as of this commit, tag or branch (the export time defaults to that commit's time).", valueName: "rev"))
    var rev: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Export from the last commit at or before this time, RFC 3339 (also the default export time).",
        valueName: "time"))
    var asOf: String?

    @Flag(help: "Append the machine's default CA bundle (Debian, Fedora, Alpine paths), without duplicates.")
    var includeSystem = false

    @Option(help: ArgumentHelp("The default bundle to append (implies --include-system).", valueName: "file"))
    var systemBundle: String?

    @Flag(name: .customLong("no-verify"), help: "Skip the store's pre-export hooks.")
    var noVerify = false
    @Option(help: ArgumentHelp(
        "Output format: pem-bundle, pem-directory, openssl-directory, der-directory, pkcs7, java, json.",
        valueName: "format"))
    var format: String = ExportFormat.pemBundle.rawValue

    @Option(help: ArgumentHelp(
        "Keep only certificates trusted for this purpose: server-auth, client-auth, email, code-signing.",
        valueName: "purpose"))
    var purpose: String?

    @Flag(help: "pkcs7: write PEM (-----BEGIN PKCS7-----) instead of DER.")
    var pem = false

    @Option(help: ArgumentHelp("java: read the store password from the first line of this file (default: none).",
                               valueName: "file"))
    var passwordFile: String?

    @Flag(help: "openssl-directory: write TRUSTED CERTIFICATE files carrying each anchor's purposes.")
    var trustedCertificate = false

    func validate() throws {
        if rev != nil && asOf != nil { throw ValidationError("give --rev or --as-of, not both") }
    }

    func run(in store: TrustStore) throws(TrustStoreError) {
        // A format that is not built in is a plugin's: truststore-export-NAME on PATH.
        var plugin: String?
        if ExportFormat(rawValue: self.format) == nil {
            plugin = PluginResolver.exportPlugin(format: self.format,
                                                 path: ProcessEnvironment.current["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        }
        let format = plugin == nil ? try ExportFormat.parse(self.format) : .pemBundle
        try checkFormatOptions(format)
        var commit: String?
        var defaultTime: Int64?
        if let rev {
            let id = try store.resolve(revision: rev)
            commit = id
            defaultTime = try store.time(of: id)
        } else if let asOf {
            let when = try Timestamp.resolve(asOf, option: "--as-of")
            commit = try store.commit(asOf: when)
            defaultTime = when
        }
        let time: Int64
        if let at { time = try Timestamp.resolve(at) } else { time = defaultTime ?? Timestamp.now() }
        let cwd = ProcessEnvironment.cwd
        if let plugin {
            return try exportWithPlugin(plugin, store: store, at: time, commit: commit, cwd: cwd)
        }
        if format != .pemBundle || purpose != nil {
            return try export(store, format: format, at: time, commit: commit, cwd: cwd)
        }
        let bundle = try PEMBundleExporter.export(
            store, environment: env, at: time, includeSystem: includeSystem,
            systemBundle: systemBundle.map { absolutePath($0, cwd: cwd) }, commit: commit)
        try HookRunner.preExport(store, environment: env, pemBundle: bundle.text, noVerify: noVerify)
        for warning in bundle.warnings { Console.error("warning: \(warning)") }
        for (entry, reason) in bundle.omitted {
            Console.error("warning: left out '\(entry.subject)' (\(entry.sha256.prefix(16))): \(reason)")
        }
        if let output {
            let path = absolutePath(output, cwd: cwd)
            try BundleWriter.write(bundle.text, to: path, overwrite: overwrite)
            let count = bundle.certificates.count
            let system = bundle.systemBundle.map { path in
                bundle.systemCertificates == 0
                    ? " (every certificate of \(path) was already in it)"
                    : ", \(bundle.systemCertificates) of them from \(path)"
            } ?? ""
            Console.error("wrote \(count) certificate\(count == 1 ? "" : "s") of '\(env)'\(system) to \(output)")
        } else {
            Console.out(bundle.text)
            if let path = bundle.systemBundle {
                Console.error(bundle.systemCertificates == 0
                    ? "appended nothing: every certificate of \(path) was already in '\(env)'"
                    : "appended \(bundle.systemCertificates) certificate\(bundle.systemCertificates == 1 ? "" : "s") of \(path)")
            }
        }
    }
}
