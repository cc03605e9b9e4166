import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// `export --format NAME` for the formats other than the default PEM bundle, and `--purpose`.
extension ExportCommand {
    /// Usage errors of format-specific options, before anything is read.
    func checkFormatOptions(_ format: ExportFormat) throws(TrustStoreError) {
        func only(_ flag: String, _ given: Bool, _ allowed: ExportFormat) throws(TrustStoreError) {
            if given && format != allowed {
                throw TrustStoreError(.usage, "\(flag) applies only to --format \(allowed.rawValue)")
            }
        }
        try only("--pem", pem, .pkcs7)
        try only("--password-file", passwordFile != nil, .java)
        try only("--trusted-certificate", trustedCertificate, .opensslDirectory)
        if format.writesDirectory && output == nil {
            throw TrustStoreError(.usage, "--format \(format.rawValue) writes a directory: give it with -o DIR")
        }
        if output == nil && (format == .java || (format == .pkcs7 && !pem)) && isatty(1) == 1 {
            throw TrustStoreError(.usage, "--format \(format.rawValue) is binary; refusing to write it to a terminal",
                                  hint: "give a file with -o FILE, or redirect standard output")
        }
    }

    func export(_ store: TrustStore, format: ExportFormat, at time: Int64, commit: String?, cwd: String)
        throws(TrustStoreError)
    {
        let purpose = try purpose.map { name throws(TrustStoreError) in try TrustPurpose.parse(name) }
        var options = ExportFormatOptions(pem: pem, trustedCertificate: trustedCertificate)
        if let passwordFile { options.password = try readPassword(absolutePath(passwordFile, cwd: cwd)) }
        let (bundle, output) = try FormatExporter.export(
            store, environment: env, at: time, includeSystem: includeSystem,
            systemBundle: systemBundle.map { absolutePath($0, cwd: cwd) }, commit: commit, format: format,
            options: options, purpose: purpose)
        try HookRunner.preExport(store, environment: env, pemBundle: bundle.text, noVerify: noVerify)
        // The manifest is not a trust list, so the bundle's "replaces the default roots" warning does not apply.
        for warning in bundle.warnings
        where format != .json || bundle.systemBundle != nil || !warning.hasPrefix("this bundle holds only") {
            Console.error("warning: \(warning)")
        }
        for (entry, reason) in bundle.omitted {
            Console.error("warning: left out '\(entry.subject)' (\(entry.sha256.prefix(16))): \(reason)")
        }
        let count = bundle.certificates.count
        let what = "\(count) certificate\(count == 1 ? "" : "s") of '\(env)'"
        switch output {
        case .file(let bytes):
            if let path = self.output {
                try BundleWriter.write(bytes: bytes, to: absolutePath(path, cwd: cwd), overwrite: overwrite)
                Console.error("wrote \(what) as \(format.rawValue) to \(path)")
            } else {
                Self.writeOut(bytes)
            }
        case .directory(let files):
            let path = self.output ?? ""
            let marker = "truststore export \(env) --format \(format.rawValue)\ncommit \(bundle.commit)\n"
            try DirectoryWriter.write(files, to: absolutePath(path, cwd: cwd), markerText: marker, overwrite: overwrite)
            Console.error("wrote \(what) as \(format.rawValue) to \(path)")
        }
    }

    /// `--format NAME` for a format that is not built in: the certificates selected as for `pem-bundle` (and
    /// `--purpose`), through the `pre-export` hooks, handed as a PEM bundle on standard input to the plugin
    /// `truststore-export-NAME`, which runs in place of truststore (its exit status is the command's). Its argument
    /// is the environment; its environment adds `TRUSTSTORE_ENV`, `TRUSTSTORE_EXPORT_FORMAT`,
    /// `TRUSTSTORE_EXPORT_OUTPUT` (the absolute `-o` path, or empty for standard output),
    /// `TRUSTSTORE_EXPORT_OVERWRITE` (`1` with `--overwrite`), `TRUSTSTORE_EXPORT_COMMIT` and `TRUSTSTORE_EXPORT_TIME`
    /// (seconds since the epoch, UTC), besides those every plugin gets.
    func exportWithPlugin(_ plugin: String, store: TrustStore, at time: Int64, commit: String?, cwd: String)
        throws(TrustStoreError)
    {
        if pem || passwordFile != nil || trustedCertificate {
            throw TrustStoreError(.usage, "--pem, --password-file and --trusted-certificate apply to built-in formats, "
                + "not to the plugin '\(plugin)'")
        }
        let purpose = try purpose.map { name throws(TrustStoreError) in try TrustPurpose.parse(name) }
        let (bundle, _) = try FormatExporter.export(
            store, environment: env, at: time, includeSystem: includeSystem,
            systemBundle: systemBundle.map { absolutePath($0, cwd: cwd) }, commit: commit, format: .pemBundle,
            options: ExportFormatOptions(pem: false, trustedCertificate: false), purpose: purpose)
        try HookRunner.preExport(store, environment: env, pemBundle: bundle.text, noVerify: noVerify)
        for warning in bundle.warnings { Console.error("warning: \(warning)") }
        for (entry, reason) in bundle.omitted {
            Console.error("warning: left out '\(entry.subject)' (\(entry.sha256.prefix(16))): \(reason)")
        }
        // The process is replaced: say now what StoreCommand would say after run(in:).
        for line in store.hookOutput { Console.error(line) }
        for warning in store.warnings { Console.error("warning: \(warning)") }
        let status = PluginLauncher.execExport(plugin, environmentName: env, stdin: bundle.text, extraEnvironment: [
            "TRUSTSTORE_STORE": store.root,
            "TRUSTSTORE_ENV": env,
            "TRUSTSTORE_EXPORT_FORMAT": format,
            "TRUSTSTORE_EXPORT_OUTPUT": output.map { absolutePath($0, cwd: cwd) } ?? "",
            "TRUSTSTORE_EXPORT_OVERWRITE": overwrite ? "1" : "",
            "TRUSTSTORE_EXPORT_COMMIT": bundle.commit,
            "TRUSTSTORE_EXPORT_TIME": String(time),
        ])
        throw TrustStoreError(status == ExitStatus.failure ? .failure : .rejected, "")
    }

    /// The first line of `path`, without its line ending.
    private func readPassword(_ path: String) throws(TrustStoreError) -> String {
        guard let bytes = try? readFile(path) else {
            throw TrustStoreError(.usage, "cannot read the password file '\(path)'")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingSuffix("\r")
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw TrustStoreError(.usage, "") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw TrustStoreError(.usage, "") }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// Writes bytes to standard output as they are (binary formats).
    private static func writeOut(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
