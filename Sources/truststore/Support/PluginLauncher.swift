import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a plugin in place of truststore (`execve`), so its exit status is truststore's.
enum PluginLauncher {
    /// Replaces the process with `plugin`, passing `arguments` and the environment plus `TRUSTSTORE_BIN`,
    /// `TRUSTSTORE_VERSION` and, when a store is found as the built-ins would find it, `TRUSTSTORE_STORE`.
    /// Returns only when the exec fails, with the exit status to use (126, as shells do).
    static func exec(_ plugin: String, arguments: [String]) -> Int32 {
        var environment = ProcessEnvironment.current
        environment["TRUSTSTORE_BIN"] = ProcessEnvironment.executable
        environment["TRUSTSTORE_VERSION"] = Tool.version
        if let store = try? TrustStore.locate(explicit: nil, environment: environment, cwd: ProcessEnvironment.cwd) {
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
}
