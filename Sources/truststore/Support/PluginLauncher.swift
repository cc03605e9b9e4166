import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a plugin in place of truststore (`execve`), so its exit status is truststore's.
enum PluginLauncher {
    /// Replaces the process with `plugin`, passing `arguments` and the environment plus `TRUSTSTORE_BIN`,
    /// `TRUSTSTORE_VERSION` and, when a store is found as the built-ins would find it, `TRUSTSTORE_STORE`.
    /// Returns only when the exec fails, with the exit status to use (126, as shells do).
    static func exec(_ plugin: String, arguments: [String], extraEnvironment: [String: String] = [:]) -> Int32 {
        var environment = ProcessEnvironment.current.merging(extraEnvironment) { _, new in new }
        environment["TRUSTSTORE_BIN"] = ProcessEnvironment.executable
        environment["TRUSTSTORE_VERSION"] = Tool.version
        if environment["TRUSTSTORE_STORE"] == nil,
           let store = try? TrustStore.locate(explicit: nil, environment: environment, cwd: ProcessEnvironment.cwd) {
            environment["TRUSTSTORE_STORE"] = store.root
        }
        let argv = [plugin] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvp: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        execve(plugin, &cArgv, &cEnvp)
        let reason = String(cString: strerror(errno))
        cArgv.forEach { free($0) }
        cEnvp.forEach { free($0) }
        Console.error("error: cannot run plugin '\(plugin)': \(reason)")
        return 126
    }

    /// Runs an export plugin in place of truststore (`truststore export ENV --format NAME`): `text` (the
    /// environment's PEM bundle) becomes its standard input through an unlinked temporary file, so it can be read
    /// at any pace and more than once; its arguments are the environment name; `extraEnvironment` adds
    /// `TRUSTSTORE_ENV`, `TRUSTSTORE_EXPORT_FORMAT`, `TRUSTSTORE_EXPORT_OUTPUT`… Returns only when it fails.
    static func execExport(_ plugin: String, environmentName: String, stdin text: String,
                           extraEnvironment: [String: String]) -> Int32
    {
        var template = Array("/tmp/truststore-export-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            Console.error("error: cannot create a temporary file for plugin '\(plugin)': \(String(cString: strerror(errno)))")
            return ExitStatus.failure
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        guard Console.write(fd, text) else {
            Console.error("error: cannot write the input of plugin '\(plugin)': \(String(cString: strerror(errno)))")
            return ExitStatus.failure
        }
        lseek(fd, 0, SEEK_SET)
        dup2(fd, 0)
        close(fd)
        return exec(plugin, arguments: [environmentName], extraEnvironment: extraEnvironment)
    }
}
