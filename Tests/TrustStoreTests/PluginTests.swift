import Foundation
import Testing
import TestSupport

/// `truststore NAME` runs `truststore-NAME` from PATH when NAME is not built in, as git does.
@Suite("plugins: lookup on PATH, built-ins first, exit status, environment, truststore-pin")
struct PluginTests {
    /// A folder holding executable shell plugins, put in front of PATH.
    private final class PluginFolder: @unchecked Sendable {
        let temp: TemporaryDirectory
        var path: String { temp.path }

        init() throws { temp = try TemporaryDirectory("plugins") }

        func add(_ name: String, script: String, executable: Bool = true) throws {
            let file = temp.file("truststore-" + name)
            try ("#!/bin/sh\n" + script + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: file)
        }
    }

    private func pathWith(_ folders: String...) -> [String: String] {
        ["PATH": (folders + [ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]).joined(separator: ":")]
    }

    @Test("a plugin on PATH runs with its arguments, TRUSTSTORE_STORE, TRUSTSTORE_BIN and TRUSTSTORE_VERSION, and its exit status passes through")
    func pluginRuns() throws {
        let store = try TestStore()
        let plugins = try PluginFolder()
        try plugins.add("hello", script: """
            echo "args:$*"
            echo "store:$TRUSTSTORE_STORE"
            echo "bin:$TRUSTSTORE_BIN"
            echo "version:$TRUSTSTORE_VERSION"
            exit 7
            """)
        let result = try store.run(["hello", "a", "b c"], environment: pathWith(plugins.path))
        #expect(result.status == 7, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "args:a b c")
        #expect(lines.contains("store:" + URL(fileURLWithPath: store.root).resolvingSymlinksInPath().path)
                    || lines.contains("store:" + store.root), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("bin:/") && $0.hasSuffix("/truststore") }, "\(lines)")
        #expect(lines.contains("version:0.1.0"))
    }

    @Test("the first truststore-NAME in PATH order wins; a file without the execute bit is no plugin")
    func pathOrder() throws {
        let store = try TestStore()
        let first = try PluginFolder()
        let second = try PluginFolder()
        try first.add("which", script: "echo first")
        try second.add("which", script: "echo second")
        #expect(try store.run(["which"], environment: pathWith(first.path, second.path)).stdout == "first\n")
        #expect(try store.run(["which"], environment: pathWith(second.path, first.path)).stdout == "second\n")

        try first.add("inert", script: "echo should not run", executable: false)
        let inert = try store.run(["inert"], environment: pathWith(first.path))
        #expect(inert.status == 64, "\(inert)")
        #expect(inert.stdout.isEmpty)
    }

    @Test("a built-in command always wins over a plugin of the same name")
    func builtinShadowsPlugin() throws {
        let store = try TestStore()
        let plugins = try PluginFolder()
        try plugins.add("list", script: "echo plugin; exit 3")
        let result = try store.run(["list", "--env", "prod"], environment: pathWith(plugins.path))
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("plugin"), "\(result)")
    }

    @Test("an unknown command exits 64 with a did-you-mean among built-ins and plugins")
    func unknownCommand() throws {
        let store = try TestStore()
        let typo = try store.run(["lsit"])
        #expect(typo.status == 64, "\(typo)")
        #expect(typo.stderr.contains("'lsit' is not a truststore command"), "\(typo)")
        #expect(typo.stderr.contains("did you mean 'list'?"), "\(typo)")
        let plugins = try PluginFolder()
        try plugins.add("rotate", script: "exit 0")
        let pluginTypo = try store.run(["rotat"], environment: pathWith(plugins.path))
        #expect(pluginTypo.status == 64)
        #expect(pluginTypo.stderr.contains("did you mean 'rotate'?"), "\(pluginTypo)")
    }

    @Test("with an empty PATH no plugin is found (exit 64, no crash) and built-in commands still run")
    func emptyPath() throws {
        let store = try TestStore()
        let plugins = try PluginFolder()
        try plugins.add("hello", script: "exit 0")
        let unknown = try store.run(["hello"], environment: ["PATH": ""])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("'hello' is not a truststore command, and no 'truststore-hello' plugin is on PATH"),
                "\(unknown)")
        let builtin = try store.run(["env", "list"], environment: ["PATH": ""])
        #expect(builtin.status == 0, "\(builtin)")
        #expect(builtin.stdout.contains("prod"), "\(builtin)")
        let help = try store.run(["help"], environment: ["PATH": ""])
        #expect(help.stdout.contains("PLUGINS: none found on PATH"), "\(help)")
    }

    @Test("export --format NAME runs truststore-export-NAME with the environment's PEM bundle on stdin; built-in formats win; its status passes through")
    func exportFormatPlugin() throws {
        let store = try TestStore()
        let root = try TestPKI.pem("root")
        let intermediate = try TestPKI.pem("intermediate")
        try #require(try store.run(["add", root, intermediate, "--env", "prod", "--at", testTime]).status == 0)
        let plugins = try PluginFolder()
        let received = store.temp.file("received.pem")
        try plugins.add("export-k8s", script: """
            cat > '\(received)'
            echo "args:$*"
            echo "env:$TRUSTSTORE_ENV format:$TRUSTSTORE_EXPORT_FORMAT output:$TRUSTSTORE_EXPORT_OUTPUT"
            echo "time:$TRUSTSTORE_EXPORT_TIME commit:$TRUSTSTORE_EXPORT_COMMIT"
            exit 5
            """)
        // A plugin named after a built-in format never runs.
        try plugins.add("export-json", script: "echo hijacked; exit 9")
        let out = store.temp.file("cm.yaml")
        let result = try store.run(["export", "prod", "--format", "k8s", "-o", out, "--at", testTime],
                                   environment: pathWith(plugins.path))
        #expect(result.status == 5, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["args:prod", "env:prod format:k8s output:\(out)",
                          "time:1748736000 commit:\(try store.head())"], "\(result)")
        let bundle = try String(contentsOfFile: received, encoding: .utf8)
        #expect(Set(try fingerprints(ofBundle: bundle)) == [try fingerprint(ofFile: root), try fingerprint(ofFile: intermediate)])
        let plain = try store.run(["export", "prod", "--at", testTime])
        #expect(bundle == plain.stdout, "the plugin gets exactly the pem-bundle export")

        let json = try store.run(["export", "prod", "--format", "json", "--at", testTime], environment: pathWith(plugins.path))
        #expect(json.status == 0, "\(json)")
        #expect(!json.stdout.contains("hijacked"))

        let unknown = try store.run(["export", "prod", "--format", "nope", "--at", testTime], environment: pathWith(plugins.path))
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("error: unknown export format 'nope'"), "\(unknown)")
        #expect(unknown.stderr.contains("another format NAME needs the plugin truststore-export-NAME on PATH"), "\(unknown)")
    }

    @Test("truststore help lists the plugins found on PATH")
    func helpListsPlugins() throws {
        let store = try TestStore()
        let plugins = try PluginFolder()
        try plugins.add("audit", script: "exit 0")
        let help = try store.run(["help"], environment: pathWith(plugins.path))
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("SUBCOMMANDS:"), "\(help)")
        #expect(help.stdout.contains("PLUGINS:"), "\(help)")
        #expect(help.stdout.contains("audit") && help.stdout.contains(plugins.path + "/truststore-audit"), "\(help)")
    }

    /// RFC 7469 pin of a certificate file computed with the openssl CLI.
    private func opensslPin(_ file: String) throws -> String {
        let script = "openssl x509 -in '\(file)' -pubkey -noout | openssl pkey -pubin -outform der"
            + " | openssl dgst -sha256 -binary | base64"
        let r = try Run.program("/bin/sh", ["-c", script], cwd: "/", environment: ProcessInfo.processInfo.environment)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("truststore pin prints RFC 7469 SPKI pins of an environment and of a file, equal to openssl's")
    func pinPlugin() throws {
        let store = try TestStore()
        try store.run(["add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "prod", "--at", testTime])
        let buildDir = URL(fileURLWithPath: Run.truststore).deletingLastPathComponent().path
        let env = pathWith(buildDir)
        let rootPin = try opensslPin(try TestPKI.pem("root"))
        let intermediatePin = try opensslPin(try TestPKI.pem("intermediate"))

        let byEnv = try store.run(["pin", "prod"], environment: env)
        #expect(byEnv.status == 0, "\(byEnv)")
        #expect(byEnv.stdout.contains("pin-sha256=\"\(rootPin)\""), "\(byEnv)")
        #expect(byEnv.stdout.contains("pin-sha256=\"\(intermediatePin)\""), "\(byEnv)")
        #expect(byEnv.stdout.split(separator: "\n").count == 2)

        let byFile = try store.run(["pin", "--file", try TestPKI.pem("root")], environment: env)
        #expect(byFile.status == 0, "\(byFile)")
        #expect(byFile.stdout.hasPrefix("pin-sha256=\"\(rootPin)\""), "\(byFile)")

        let keyFile = try store.run(["pin", "--file", try TestPKI.key("root")], environment: env)
        #expect(keyFile.status == 1, "\(keyFile)")
        #expect(keyFile.stderr.contains("private key"), "\(keyFile)")
        #expect(!keyFile.stdout.contains("PRIVATE"), "\(keyFile)")

        let unknown = try store.run(["pin", "prdo"], environment: env)
        #expect(unknown.status == 64, "\(unknown)")
    }
}
