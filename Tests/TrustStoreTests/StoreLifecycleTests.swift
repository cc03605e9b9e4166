import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The life of a store through the CLI: `init`, finding the store, environments, the details of `add` and
/// `remove`, the read-only views (`list`, `show`, `log`) and `export -o`. Every successful command is
/// followed by `expectSound()` and a check with the git CLI that history holds what the command claims;
/// every refused command by a snapshot comparison proving nothing changed.
@Suite("store lifecycle: init, discovery, environments, add, remove, list, show, log, export")
struct StoreLifecycleTests {
    // MARK: - init

    @Test("init creates dev, prod and staging: truststore.toml at the root, stores/<env>/.gitkeep, the product's hooks, one commit on main")
    func initDefaults() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.temp.file("store")
        let result = try sandbox.truststore(["init", dir])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("initialised a truststore store in \(dir)"), "\(result)")
        let envLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("environments: ") }
        let announced = envLine.map { Set($0.dropFirst("environments: ".count).components(separatedBy: ", ")) }
        #expect(announced == ["dev", "prod", "staging"], "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")

        let repo = sandbox.repo(dir)
        try repo.expectSound()
        #expect(try repo.commitCount() == 1)
        #expect(try repo.git(["symbolic-ref", "--short", "HEAD"]).stdout == "main\n")
        #expect(try repo.trailers() == ["Truststore-Action: init"])

        // The configuration at the root declares exactly the three default environments.
        let tracked = Set(try repo.lines(["ls-files"]))
        #expect(tracked.contains("truststore.toml"), "\(tracked)")
        let config = try repo.git(["show", "HEAD:truststore.toml"]).stdout
        #expect(environmentHeaders(config) == ["dev", "prod", "staging"], "\(config)")

        // One folder per environment, holding only .gitkeep.
        #expect(try repo.lines(["ls-files", "stores/"]) == [
            "stores/dev/.gitkeep", "stores/prod/.gitkeep", "stores/staging/.gitkeep",
        ])

        // hooks/ is the product's hooks folder, file for file, byte for byte, with the execute bits.
        let productHooks = Paths.packageRoot + "/hooks"
        let hookFiles = try regularFiles(under: productHooks)
        #expect(!hookFiles.isEmpty)
        #expect(try repo.lines(["ls-files", "hooks/"]) == hookFiles.map { "hooks/" + $0 }.sorted())
        let modes = try repo.lines(["ls-files", "-s", "hooks/"])
        for file in hookFiles {
            let committed = try repo.git(["show", "HEAD:hooks/\(file)"]).stdoutBytes
            let original = try Data(contentsOf: URL(fileURLWithPath: productHooks + "/" + file))
            #expect(committed == original, "hooks/\(file) differs from the product's copy")
            let executable = FileManager.default.isExecutableFile(atPath: productHooks + "/" + file)
            let mode = modes.first { $0.hasSuffix("\thooks/\(file)") }?.prefix(6)
            #expect(mode == (executable ? "100755" : "100644"), "mode of hooks/\(file): \(modes)")
        }

        // What the first commit holds is what the work tree holds.
        let stat = try repo.git(["show", "--stat", "--format=", "HEAD"]).stdout
        #expect(stat.contains("truststore.toml") && stat.contains("stores/prod/.gitkeep"), "\(stat)")
        #expect(FileManager.default.fileExists(atPath: dir + "/truststore.toml"))
        #expect(FileManager.default.fileExists(atPath: dir + "/stores/staging/.gitkeep"))

        // The tool sees the same three environments.
        let list = try sandbox.truststore(["env", "list"], cwd: dir)
        #expect(list.status == 0, "\(list)")
        #expect(Set(list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
            == ["dev", "prod", "staging"], "\(list)")
        try repo.expectSound()
    }

    @Test("init DIR --env a --env b declares exactly a and b")
    func initWithEnvironments() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.temp.file("custom")
        let result = try sandbox.truststore(["init", dir, "--env", "a", "--env", "b"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("environments: a, b"), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")

        let repo = sandbox.repo(dir)
        try repo.expectSound()
        #expect(try repo.commitCount() == 1)
        #expect(try repo.lines(["ls-files", "stores/"]) == ["stores/a/.gitkeep", "stores/b/.gitkeep"])
        #expect(environmentHeaders(try repo.git(["show", "HEAD:truststore.toml"]).stdout) == ["a", "b"])

        let list = try sandbox.truststore(["env", "list"], cwd: dir)
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            == ["a", "b"], "\(list)")
        let prod = try sandbox.truststore(["list", "--env", "prod"], cwd: dir)
        #expect(prod.status == 64, "prod is not declared in this store: \(prod)")
    }

    @Test("init refuses an existing git repository (exit 2) and leaves it untouched, whether given as DIR or as the current directory")
    func initRefusesExistingRepository() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.temp.file("project")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let repo = sandbox.repo(dir)
        try #require(try repo.git(["init", "-q"]).status == 0)
        try "hello\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        try #require(try repo.git(["add", "notes.txt"]).status == 0)
        try #require(try repo.git(["-c", "user.name=Bob", "-c", "user.email=bob@example.test", "commit", "-q", "-m", "notes"])
            .status == 0)
        try "draft\n".write(toFile: dir + "/draft.txt", atomically: true, encoding: .utf8)
        let before = try repo.snapshot()

        let explicit = try sandbox.truststore(["init", dir])
        #expect(explicit.status == 2, "\(explicit)")
        #expect(explicit.stderr.contains("already a git repository"), "\(explicit)")
        #expect(explicit.stdout.isEmpty, "\(explicit)")
        #expect(try repo.snapshot() == before, "init must not touch an existing repository")

        let here = try sandbox.truststore(["init"], cwd: dir)
        #expect(here.status == 2, "\(here)")
        #expect(here.stderr.contains("already a git repository"), "\(here)")
        #expect(here.stdout.isEmpty, "\(here)")
        #expect(try repo.snapshot() == before, "init must not touch an existing repository")
        #expect(!FileManager.default.fileExists(atPath: dir + "/truststore.toml"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/stores"))
        #expect(try repo.commitCount() == 1)

        // A store is a git repository too: a second init over it is refused the same way.
        let store = try TestStore()
        let storeBefore = try store.snapshot()
        let again = try store.run(["init", store.root], cwd: store.temp.path)
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr.contains("already a git repository"), "\(again)")
        #expect(try store.snapshot() == storeBefore)
        try store.expectSound()
    }

    @Test("init with an invalid environment name is a usage error (exit 64) and creates nothing")
    func initInvalidEnvironmentName() throws {
        let sandbox = try Sandbox()
        for name in ["Prod", "../escape", "qa env", ""] {
            let dir = sandbox.temp.file("bad-\(UUID().uuidString)")
            let result = try sandbox.truststore(["init", dir, "--env", "dev", "--env", name])
            #expect(result.status == 64, "--env '\(name)': \(result)")
            #expect(result.stderr.contains("invalid environment name"), "--env '\(name)': \(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: dir), "a usage error must create nothing (\(name))")
        }
    }

    // MARK: - Finding the store

    @Test("commands find the store from a subdirectory such as stores/prod, and relative FILE paths are read from there")
    func discoveryFromSubdirectory() throws {
        let store = try TestStore()
        let sub = store.root + "/stores/prod"
        try FileManager.default.copyItem(atPath: try TestPKI.pem("root"), toPath: store.temp.file("root-copy.pem"))

        let before = try store.commitCount()
        let add = try store.run(["add", "../../../root-copy.pem", "--env", "prod", "--at", testTime], cwd: sub)
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 1 certificate"), "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        #expect(try store.certificateFiles("prod") == ["stores/prod/test-root-ca_\(rootFP.prefix(16)).pem"])
        #expect(try store.trailers().contains("Truststore-Input: ../../../root-copy.pem (PEM, 1 certificate)"))

        let list = try store.run(["list", "--format", "json"], cwd: sub)
        #expect(list.status == 0, "\(list)")
        #expect(try jsonArray(list.stdout).compactMap { $0["sha256"] as? String } == [rootFP])
        let log = try store.run(["log", "--format", "json"], cwd: store.root + "/stores/dev")
        #expect(log.status == 0, "\(log)")
        #expect(try jsonArray(log.stdout).count == 1)
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
    }

    @Test("--store DIR (absolute or relative) and TRUSTSTORE_DIR open the store from anywhere; --store wins over TRUSTSTORE_DIR")
    func discoveryByOptionAndVariable() throws {
        let store = try TestStore()
        let outside = store.home
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))

        var before = try store.commitCount()
        let add = try store.run(
            ["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime, "--store", store.root], cwd: outside)
        #expect(add.status == 0, "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("prod").count == 1)

        let relative = try store.run(["list", "--env", "prod", "--store", "../store"], cwd: outside)
        #expect(relative.status == 0, "\(relative)")
        #expect(relative.stdout.contains(String(rootFP.prefix(16))), "\(relative)")

        before = try store.commitCount()
        let viaVariable = try store.run(
            ["add", try TestPKI.pem("other-root"), "--env", "dev", "--at", testTime], cwd: outside,
            environment: ["TRUSTSTORE_DIR": store.root])
        #expect(viaVariable.status == 0, "\(viaVariable)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("dev").count == 1)
        #expect(try store.trailers().contains("Truststore-Environment: dev"))

        let listVariable = try store.run(["list", "--env", "dev"], cwd: outside, environment: ["TRUSTSTORE_DIR": store.root])
        #expect(listVariable.status == 0, "\(listVariable)")
        #expect(listVariable.stdout.contains("CN=Other Root CA"), "\(listVariable)")

        let both = try store.run(
            ["list", "--env", "prod", "--store", store.root], cwd: outside,
            environment: ["TRUSTSTORE_DIR": store.temp.file("no-such-store")])
        #expect(both.status == 0, "--store must win over TRUSTSTORE_DIR: \(both)")
        #expect(both.stdout.contains(String(rootFP.prefix(16))), "\(both)")
        try store.expectSound()
    }

    @Test("outside any store commands fail with exit 2 and say how to create one or point at one")
    func discoveryOutsideAnyStore() throws {
        let store = try TestStore()
        let outside = store.home
        let before = try store.snapshot()
        for arguments in [["list"], ["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime], ["log"],
                          ["export", "prod", "--at", testTime]]
        {
            let result = try store.run(arguments, cwd: outside)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result)")
            #expect(result.stderr.contains("not inside a truststore store"), "\(arguments): \(result)")
            #expect(result.stderr.contains("truststore init"), "\(arguments): \(result)")
            #expect(result.stderr.contains("--store") && result.stderr.contains("TRUSTSTORE_DIR"), "\(arguments): \(result)")
        }
        let bogus = store.temp.file("no-such-store")
        let viaVariable = try store.run(["list"], cwd: outside, environment: ["TRUSTSTORE_DIR": bogus])
        #expect(viaVariable.status == 2, "\(viaVariable)")
        #expect(viaVariable.stdout.isEmpty, "\(viaVariable)")
        #expect(viaVariable.stderr.contains("not a truststore store") && viaVariable.stderr.contains("truststore init"),
                "\(viaVariable)")
        let viaOption = try store.run(["list", "--store", outside], cwd: store.root)
        #expect(viaOption.status == 2, "\(viaOption)")
        #expect(viaOption.stderr.contains("not a truststore store"), "\(viaOption)")
        #expect(try store.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: outside + "/.git"))
    }

    // MARK: - Environments

    @Test("an unknown --env is a usage error (exit 64) that suggests the closest name and lists the known environments")
    func unknownEnvironmentSuggestion() throws {
        let store = try TestStore()
        let before = try store.snapshot()
        for arguments in [["add", try TestPKI.pem("root"), "--env", "prdo", "--at", testTime],
                          ["list", "--env", "prdo"], ["log", "--env", "prdo"], ["export", "prdo", "--at", testTime],
                          ["remove", "abcdef12", "--env", "prdo", "--reason", "x"]]
        {
            let result = try store.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result)")
            #expect(result.stderr.contains("unknown environment 'prdo'"), "\(arguments): \(result)")
            #expect(result.stderr.contains("did you mean 'prod'?"), "\(arguments): \(result)")
            let known = result.stderr.split(separator: "\n").first { $0.contains("known environments:") } ?? ""
            #expect(known.contains("dev") && known.contains("prod") && known.contains("staging"), "\(arguments): \(result)")
        }
        #expect(try store.snapshot() == before)
    }

    @Test("env add qa declares it in one commit; env list shows it and add --env qa works; declaring it again is a usage error")
    func environmentAdd() throws {
        let store = try TestStore()
        var before = try store.commitCount()
        let declare = try store.run(["env", "add", "qa"])
        #expect(declare.status == 0, "\(declare)")
        #expect(declare.stdout.contains("declared environment 'qa'"), "\(declare)")
        #expect(declare.stderr.isEmpty, "\(declare)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(Set(try store.nameStatus()) == ["M\ttruststore.toml", "A\tstores/qa/.gitkeep"])
        #expect(environmentHeaders(try store.git(["show", "HEAD:truststore.toml"]).stdout) == ["dev", "prod", "qa", "staging"])
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: env-add"), "\(trailers)")
        #expect(trailers.contains("Truststore-Environment: qa"), "\(trailers)")

        let list = try store.run(["env", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("qa ") }, "env list must show qa: \(list)")

        before = try store.commitCount()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "qa", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("qa: added 1 certificate"), "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("qa").count == 1)
        #expect(try store.trailers().contains("Truststore-Environment: qa"))

        let snapshot = try store.snapshot()
        for name in ["qa", "prod"] {
            let again = try store.run(["env", "add", name])
            #expect(again.status == 64, "env add \(name): \(again)")
            #expect(again.stderr.contains("'\(name)' already exists"), "\(again)")
            #expect(again.stdout.isEmpty, "\(again)")
        }
        let invalid = try store.run(["env", "add", "Bad"])
        #expect(invalid.status == 64, "\(invalid)")
        #expect(try store.snapshot() == snapshot)
    }

    @Test("env remove refuses an environment that holds certificates (exit 1, store unchanged); --force removes its files and config entry in one commit")
    func environmentRemove() throws {
        let store = try TestStore()
        try #require(try store.run(["env", "add", "qa", "--description", "quality assurance"]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        try #require(try store.run(["add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "qa",
                                    "--at", testTime]).status == 0)
        let files = try store.certificateFiles("qa")
        #expect(files.count == 2)

        let snapshot = try store.snapshot()
        let refused = try store.run(["env", "remove", "qa"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("still holds 2 certificates"), "\(refused)")
        #expect(refused.stderr.contains("--force"), "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(try store.snapshot() == snapshot)

        let before = try store.commitCount()
        let forced = try store.run(["env", "remove", "qa", "--force", "--reason", "qa is retired"])
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stdout.contains("removed environment 'qa'"), "\(forced)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.git(["ls-files", "stores/qa/"]).stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: store.root + "/stores/qa/" + (files.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "")))
        #expect(Set(try store.nameStatus()) == Set(["M\ttruststore.toml", "D\tstores/qa/.gitkeep"] + files.map { "D\t" + $0 }))
        #expect(environmentHeaders(try store.git(["show", "HEAD:truststore.toml"]).stdout) == ["dev", "prod", "staging"])
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: env-remove"), "\(trailers)")
        #expect(trailers.contains("Truststore-Environment: qa"), "\(trailers)")
        #expect(trailers.contains("Truststore-Reason: qa is retired"), "\(trailers)")

        let list = try store.run(["env", "list"])
        #expect(!list.stdout.split(separator: "\n").contains { $0.hasPrefix("qa ") }, "\(list)")
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "qa", "--at", testTime])
        #expect(add.status == 64, "qa is gone: \(add)")
        // The certificates' removal is part of the history.
        let log = try store.run(["log", rootFP, "--format", "json"])
        #expect(log.status == 0, "\(log)")
        #expect(try jsonArray(log.stdout).compactMap { $0["action"] as? String } == ["remove", "add"], "\(log)")

        // An empty environment goes without --force.
        let empty = try store.run(["env", "remove", "staging"])
        #expect(empty.status == 0, "\(empty)")
        try store.expectSound()
        #expect(try store.git(["ls-files", "stores/staging/"]).stdout.isEmpty)
        #expect(environmentHeaders(try store.git(["show", "HEAD:truststore.toml"]).stdout) == ["dev", "prod"])
    }

    // MARK: - add

    @Test("several files in one add make exactly one commit that lists each certificate, input and source")
    func addSeveralFilesOneCommit() throws {
        let store = try TestStore()
        let names = ["root", "intermediate", "chain-a", "chain-b"]
        let paths = try names.map { try TestPKI.pem($0) }
        let fps = try paths.map { try fingerprint(ofFile: $0) }
        let before = try store.commitCount()
        let add = try store.run(["add"] + paths + ["--env", "prod", "--at", testTime, "--reason", "four at once"])
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 4 certificates"), "\(add)")
        for fp in fps { #expect(add.stdout.contains(String(fp.prefix(16))), "\(add)") }
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        let stored = try store.certificateFiles("prod")
        #expect(stored.count == 4)
        #expect(Set(try store.nameStatus()) == Set(stored.map { "A\t" + $0 }))
        #expect(fps.allSatisfy { fp in stored.contains { $0.contains(fp.prefix(16)) } }, "\(stored)")
        let trailers = try store.trailers()
        #expect(trailers.filter { $0.hasPrefix("Truststore-Certificate: ") }.count == 4, "\(trailers)")
        for (fp, path) in zip(fps, paths) {
            #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(fp) ") }, "\(trailers)")
            #expect(trailers.contains("Truststore-Input: \(path) (PEM, 1 certificate)"), "\(trailers)")
            #expect(trailers.contains("Truststore-Source: file:\(path)"), "\(trailers)")
        }
        #expect(trailers.contains("Truststore-Action: add"))
        #expect(trailers.contains("Truststore-Reason: four at once"))
        #expect(trailers.contains("Truststore-Validated-At: 2025-06-01T00:00:00Z"))
        #expect(try store.git(["log", "-1", "--format=%s"]).stdout == "prod: add 4 certificates (1 root, 3 intermediates)\n")
    }

    @Test("add - reads standard input and records (stdin) as the input")
    func addFromStandardInput() throws {
        let store = try TestStore()
        let pem = try Data(contentsOf: URL(fileURLWithPath: try TestPKI.pem("root")))
        let before = try store.commitCount()
        let add = try store.run(["add", "-", "--env", "prod", "--at", testTime], stdin: pem)
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 1 certificate"), "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("prod").count == 1)
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Input: (stdin) (PEM, 1 certificate)"), "\(trailers)")
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(rootFP) root ") }, "\(trailers)")
    }

    @Test("adding an exact duplicate, in any encoding, exits 0 saying nothing to add and makes no commit")
    func addDuplicateNoCommit() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime]).status == 0)
        let snapshot = try store.snapshot()
        let again = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("nothing to add"), "\(again)")
        #expect(again.stderr.contains("already in 'prod'"), "\(again)")
        #expect(try store.snapshot() == snapshot, "a duplicate must not make a commit")

        // The same certificate as DER is the same certificate.
        let der = store.temp.file("root.der")
        let convert = try Run.program(Run.which("openssl") ?? "/usr/bin/openssl",
                                      ["x509", "-in", try TestPKI.pem("root"), "-outform", "DER", "-out", der],
                                      cwd: store.temp.path, environment: ProcessInfo.processInfo.environment)
        try #require(convert.status == 0, "\(convert)")
        let derAgain = try store.run(["add", der, "--env", "prod", "--at", testTime])
        #expect(derAgain.status == 0, "\(derAgain)")
        #expect(derAgain.stdout.contains("nothing to add"), "\(derAgain)")
        #expect(try store.snapshot() == snapshot)
        try store.expectSound()
    }

    @Test("a nonexistent or unreadable input fails naming it and nothing of the invocation is stored")
    func addUnreadableInput() throws {
        let store = try TestStore()
        let snapshot = try store.snapshot()
        let missing = store.temp.file("missing.pem")
        let directory = store.temp.file("a-directory.pem")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for bad in [missing, directory] {
            for inputs in [[bad], [try TestPKI.pem("root"), bad]] {
                let add = try store.run(["add"] + inputs + ["--env", "prod", "--at", testTime])
                #expect(add.status != 0, "\(inputs): \(add)")
                #expect(add.stderr.contains(bad), "the error must name '\(bad)': \(add)")
                #expect(!add.stdout.contains("added"), "\(add)")
                #expect(try store.snapshot() == snapshot, "\(inputs): the store must be unchanged")
            }
        }
        if getuid() != 0 {
            let locked = store.temp.file("locked.pem")
            try FileManager.default.copyItem(atPath: try TestPKI.pem("root"), toPath: locked)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)
            let add = try store.run(["add", locked, "--env", "prod", "--at", testTime])
            #expect(add.status != 0, "\(add)")
            #expect(add.stderr.contains(locked), "\(add)")
            #expect(try store.snapshot() == snapshot)
        }
        try store.expectSound()
    }

    @Test("a valid root with a non-CA certificate is refused atomically (exit 1); --skip-invalid commits only the root and lists the skipped one with its reason")
    func addAtomicAndSkipInvalid() throws {
        let store = try TestStore()
        let root = try TestPKI.pem("root")
        let leaf = try TestPKI.pem("leaf")
        let rootFP = try fingerprint(ofFile: root)
        let snapshot = try store.snapshot()
        let refused = try store.run(["add", root, leaf, "--env", "prod", "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("error: cannot add '\(leaf)'"), "\(refused)")
        #expect(refused.stderr.contains("CN=service.test") && refused.stderr.contains("not a CA certificate"), "\(refused)")
        #expect(refused.stderr.contains("nothing was added to 'prod'"), "\(refused)")
        #expect(!refused.stdout.contains("added"), "\(refused)")
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        let before = try store.commitCount()
        let skipped = try store.run(["add", root, leaf, "--env", "prod", "--at", testTime, "--skip-invalid"])
        #expect(skipped.status == 0, "\(skipped)")
        #expect(skipped.stdout.contains("prod: added 1 certificate"), "\(skipped)")
        #expect(skipped.stdout.contains("skipped 1 invalid"), "\(skipped)")
        let skipLine = skipped.stderr.split(separator: "\n").first { $0.contains(leaf) } ?? ""
        #expect(skipLine.contains("skipped") && skipLine.contains("CN=service.test") && skipLine.contains("not a CA certificate"),
                "\(skipped)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.nameStatus() == ["A\tstores/prod/test-root-ca_\(rootFP.prefix(16)).pem"])
        let trailers = try store.trailers()
        #expect(trailers.filter { $0.hasPrefix("Truststore-Certificate: ") } == [
            "Truststore-Certificate: \(rootFP) root CN=Test Root CA,O=truststore tests",
        ])
        #expect(!trailers.contains { $0.contains("service.test") }, "\(trailers)")
    }

    @Test("--author wins over TRUSTSTORE_AUTHOR")
    func authorExplicit() throws {
        let store = try TestStore()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime,
                                 "--author", "Ann <ann@example.test>"])
        #expect(add.status == 0, "\(add)")
        try store.expectSound()
        #expect(try store.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).stdout
            == "Ann <ann@example.test>|Ann <ann@example.test>\n")
        let log = try jsonArray(try store.run(["log", "--format", "json"]).stdout)
        #expect(log.first?["author"] as? String == "Ann", "\(log)")
    }

    @Test("without TRUSTSTORE_AUTHOR the store's git user.name and user.email are the author")
    func authorFromGitConfig() throws {
        let store = try TestStore()
        store.environment.removeValue(forKey: "TRUSTSTORE_AUTHOR")
        // The user's global configuration (HOME/.gitconfig) is used...
        try "[user]\n\tname = Gina Global\n\temail = gina@example.test\n"
            .write(toFile: store.home + "/.gitconfig", atomically: true, encoding: .utf8)
        let global = try store.run(["add", try TestPKI.pem("other-root"), "--env", "dev", "--at", testTime])
        #expect(global.status == 0, "\(global)")
        try store.expectSound()
        #expect(try store.git(["log", "-1", "--format=%an <%ae>"]).stdout == "Gina Global <gina@example.test>\n")
        // ...and the store's own configuration wins over it.
        try #require(try store.git(["config", "user.name", "Carol Config"]).status == 0)
        try #require(try store.git(["config", "user.email", "carol@example.test"]).status == 0)
        let before = try store.commitCount()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).stdout
            == "Carol Config <carol@example.test>|Carol Config <carol@example.test>\n")
    }

    @Test("with no author configured anywhere the commit still succeeds as $USER@hostname")
    func authorFallback() throws {
        let store = try TestStore()
        store.environment.removeValue(forKey: "TRUSTSTORE_AUTHOR")
        store.environment["USER"] = "tester"
        store.environment["LOGNAME"] = "tester"
        for key in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
                    "XDG_CONFIG_HOME"]
        {
            store.environment.removeValue(forKey: key)
        }
        let host = hostName()
        let before = try store.commitCount()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 1 certificate"), "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.git(["log", "-1", "--format=%an <%ae>"]).stdout == "tester <tester@\(host)>\n")
    }

    @Test("what the user has staged in the index stays staged and out of truststore's commit; unstaged edits stay too")
    func addLeavesUserIndexAlone() throws {
        let store = try TestStore()
        let readme = try store.git(["show", "HEAD:README.md"]).stdout
        try "unrelated work\n".write(toFile: store.root + "/notes.txt", atomically: true, encoding: .utf8)
        try (readme + "a staged edit\n").write(toFile: store.root + "/README.md", atomically: true, encoding: .utf8)
        try #require(try store.git(["add", "notes.txt", "README.md"]).status == 0)
        let config = store.root + "/truststore.toml"
        let configText = try String(contentsOfFile: config, encoding: .utf8)
        try (configText + "# an unstaged edit\n").write(toFile: config, atomically: true, encoding: .utf8)

        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let stored = "stores/prod/test-root-ca_\(rootFP.prefix(16)).pem"
        let before = try store.commitCount()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(try store.commitCount() == before + 1)

        // The commit holds the certificate and nothing of the user's work.
        #expect(try store.nameStatus() == ["A\t\(stored)"])
        let tree = try store.git(["ls-tree", "-r", "--name-only", "HEAD"]).stdout
        #expect(!tree.contains("notes.txt"), "\(tree)")
        #expect(try store.git(["show", "HEAD:README.md"]).stdout == readme)

        // The user's staged changes are still staged, the unstaged edit is still there, and the new certificate
        // is in the index and the work tree exactly as committed.
        let status = try store.git(["status", "--porcelain", "--untracked-files=all"]).stdout
        #expect(Set(status.split(separator: "\n").map(String.init)) == ["A  notes.txt", "M  README.md", " M truststore.toml"],
                "\(status)")
        #expect(try store.git(["diff", "--cached", "--name-only", "--", "stores/"]).stdout.isEmpty)
        #expect(try store.git(["diff", "--name-only", "--", "stores/"]).stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: store.root + "/" + stored))
        #expect(try store.git(["fsck", "--strict", "--no-dangling"]).status == 0)

        // The user commits their own work; the store is sound.
        try #require(try store.git(["-c", "user.name=U", "-c", "user.email=u@example.test", "commit", "-q", "-am", "mine"])
            .status == 0)
        try store.expectSound()
        #expect(try store.commitCount() == before + 2)
    }

    @Test("env add and env remove never throw away the user's uncommitted edits of truststore.toml, staged or not")
    func environmentCommandsKeepConfigEdits() throws {
        let store = try TestStore()
        let config = store.root + "/truststore.toml"
        let original = try String(contentsOfFile: config, encoding: .utf8)

        // A staged edit: it must still be staged (and in the work tree) afterwards, whatever env add does.
        try (original + "# staged note of the user\n").write(toFile: config, atomically: true, encoding: .utf8)
        try #require(try store.git(["add", "truststore.toml"]).status == 0)
        let staged = try store.run(["env", "add", "qa"])
        let indexConfig = try store.git(["show", ":truststore.toml"]).stdout
        let workConfig = try String(contentsOfFile: config, encoding: .utf8)
        #expect(indexConfig.contains("# staged note of the user"), "env add (exit \(staged.status)) dropped the staged edit from the index:\n\(indexConfig)")
        #expect(workConfig.contains("# staged note of the user"), "env add (exit \(staged.status)) dropped the edit from the work tree:\n\(workConfig)")
        if staged.status == 0 {
            #expect(environmentHeaders(try store.git(["show", "HEAD:truststore.toml"]).stdout).contains("qa"))
            #expect(!(try store.git(["show", "HEAD:truststore.toml"]).stdout.contains("# staged note")), "the staged edit must not be committed")
        }

        // An unstaged edit: it must still be in the work tree afterwards.
        try #require(try store.git(["reset", "-q", "--hard"]).status == 0)
        let current = try String(contentsOfFile: config, encoding: .utf8)
        try (current + "# unstaged note of the user\n").write(toFile: config, atomically: true, encoding: .utf8)
        let unstaged = try store.run(["env", "remove", "staging"])
        let after = try String(contentsOfFile: config, encoding: .utf8)
        #expect(after.contains("# unstaged note of the user"), "env remove (exit \(unstaged.status)) dropped the unstaged edit:\n\(after)")
        #expect(try store.git(["fsck", "--strict", "--no-dangling"]).status == 0)
    }

    @Test("the stored file is one canonical PEM block with a comment header, named with the first 16 hex digits of the fingerprint")
    func storedFileFormat() throws {
        let store = try TestStore()
        // A bundle with CRLF line endings and text around the block is stored canonically.
        let original = try String(contentsOfFile: try TestPKI.pem("chain-a"), encoding: .utf8)
        let messy = store.temp.file("messy.pem")
        try ("some text before\r\n" + original.replacingOccurrences(of: "\n", with: "\r\n") + "trailing junk\r\n")
            .write(toFile: messy, atomically: true, encoding: .utf8)
        let fp = try fingerprint(ofFile: try TestPKI.pem("chain-a"))
        let add = try store.run(["add", try TestPKI.pem("root"), messy, "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        try store.expectSound()

        let files = try store.certificateFiles("prod")
        let path = try #require(files.first { $0.contains(String(fp.prefix(16))) }, "\(files)")
        #expect(path == "stores/prod/chain-a-ca_\(fp.prefix(16)).pem")
        let committed = try store.git(["show", "HEAD:\(path)"]).stdout
        let onDisk = try String(contentsOfFile: store.root + "/" + path, encoding: .utf8)
        #expect(committed == onDisk)
        #expect(!committed.contains("\r"))
        #expect(!committed.contains("text before") && !committed.contains("junk"))

        let lines = committed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let begin = try #require(lines.firstIndex(of: "-----BEGIN CERTIFICATE-----"))
        #expect(lines[..<begin].allSatisfy { $0.hasPrefix("# ") }, "header lines: \(lines[..<begin])")
        let header = lines[..<begin].joined(separator: "\n")
        for field in ["# Subject: CN=Chain A CA,O=truststore tests", "# Issuer: CN=Test Root CA,O=truststore tests",
                      "# Kind: intermediate", "# Serial: ", "# Not before: 2024-01-01T00:00:00Z",
                      "# Not after: 2040-01-01T00:00:00Z", "# Key: EC 256", "# Signature: ecdsa-with-SHA256"]
        {
            #expect(header.contains(field), "missing \(field) in:\n\(header)")
        }
        #expect(header.contains("# SHA-256: " + colonHex(fp)), "\(header)")
        #expect(committed.components(separatedBy: "-----BEGIN").count == 2, "exactly one PEM block")
        #expect(committed.hasSuffix("-----END CERTIFICATE-----\n"))
        let body = lines[(begin + 1)...].prefix { $0 != "-----END CERTIFICATE-----" }
        #expect(body.dropLast().allSatisfy { $0.count == 64 } && (body.last?.count ?? 0) <= 64, "canonical 64-column base64")
        #expect(try fingerprint(ofFile: store.root + "/" + path) == fp)
        let originalBody = original.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined(separator: "\n")
        #expect(body.joined(separator: "\n") == originalBody)
    }

    // MARK: - remove

    @Test("remove by full fingerprint, by a unique 8-digit prefix and by a certificate file, each one commit with its trailers")
    func removeBySelectors() throws {
        let store = try TestStore()
        let names = ["root", "other-root", "rsa-root"]
        let fps = try names.map { try fingerprint(ofFile: try TestPKI.pem($0)) }
        try #require(try store.run(["add"] + names.map { try TestPKI.pem($0) } + ["--env", "prod", "--at", testTime]).status == 0)
        let files = try store.certificateFiles("prod")
        func file(_ fp: String) -> String { files.first { $0.contains(fp.prefix(16)) } ?? "missing" }

        let selectors = [fps[0], String(fps[1].prefix(8)), try TestPKI.pem("rsa-root")]
        for (n, selector) in selectors.enumerated() {
            let before = try store.commitCount()
            let reason = "retire \(names[n])"
            let remove = try store.run(["remove", selector, "--env", "prod", "--reason", reason, "--at", testTime])
            #expect(remove.status == 0, "\(selector): \(remove)")
            #expect(remove.stdout.contains("removed root") && remove.stdout.contains(String(fps[n].prefix(16))), "\(remove)")
            #expect(remove.stdout.contains("prod: removed 1 certificate"), "\(remove)")
            try store.expectSound()
            #expect(try store.commitCount() == before + 1)
            #expect(try store.nameStatus() == ["D\t\(file(fps[n]))"])
            #expect(try store.certificateFiles("prod").count == 2 - n)
            let trailers = try store.trailers()
            #expect(trailers.contains("Truststore-Action: remove"), "\(trailers)")
            #expect(trailers.contains("Truststore-Environment: prod"), "\(trailers)")
            #expect(trailers.contains("Truststore-Reason: \(reason)"), "\(trailers)")
            #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(fps[n]) root ") }, "\(trailers)")
            #expect(!trailers.contains { $0.hasPrefix("Truststore-Forced") }, "\(trailers)")
        }
    }

    @Test("an unknown or ambiguous fingerprint prefix is refused (exit 1) naming the problem; the store is unchanged")
    func removeUnknownOrAmbiguous() throws {
        let store = try TestStore()
        let twins = try twinRoots(in: store.temp.file("twins"))
        try #require(try store.run(["add", twins.first, twins.second, try TestPKI.pem("root"), "--env", "prod",
                                    "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        try #require(try store.run(["add", try TestPKI.pem("other-root"), "--env", "dev", "--at", testTime]).status == 0)
        let otherFP = try fingerprint(ofFile: try TestPKI.pem("other-root"))
        let snapshot = try store.snapshot()

        var unknown = "deadbeef"
        while rootFP.hasPrefix(unknown) || twins.fingerprints.contains(where: { $0.hasPrefix(unknown) }) { unknown = "0badc0de" }
        let none = try store.run(["remove", unknown, "--env", "prod", "--reason", "x"])
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("no certificate matching '\(unknown)'"), "\(none)")
        #expect(none.stdout.isEmpty, "\(none)")

        // other-root is in dev, not prod.
        let elsewhere = try store.run(["remove", String(otherFP.prefix(8)), "--env", "prod", "--reason", "x"])
        #expect(elsewhere.status == 1, "\(elsewhere)")
        #expect(elsewhere.stderr.contains("no certificate matching"), "\(elsewhere)")

        let ambiguous = try store.run(["remove", twins.prefix, "--env", "prod", "--reason", "x"])
        #expect(ambiguous.status == 1, "\(ambiguous)")
        #expect(ambiguous.stderr.contains("'\(twins.prefix)' is ambiguous"), "\(ambiguous)")
        for fp in twins.fingerprints { #expect(ambiguous.stderr.contains(String(fp.prefix(16))), "\(ambiguous)") }
        #expect(ambiguous.stdout.isEmpty, "\(ambiguous)")
        #expect(try store.snapshot() == snapshot)

        // Enough digits make it unique again.
        let unique = try store.run(["remove", String(twins.fingerprints[0].prefix(12)), "--env", "prod", "--reason", "x"])
        #expect(unique.status == 0, "\(unique)")
        try store.expectSound()
        #expect(try store.certificateFiles("prod").count == 2)
    }

    @Test("removing a root that intermediates chain to is refused (exit 1) naming exactly those intermediates; --force commits it with Truststore-Forced trailers")
    func removeRootWithIntermediates() throws {
        let store = try TestStore()
        let dependants = ["intermediate", "chain-a", "chain-b"]
        try #require(try store.run(["add"] + (["root"] + dependants + ["other-root", "other-intermediate"]).map { try TestPKI.pem($0) }
            + ["--env", "prod", "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let dependantFPs = try dependants.map { try fingerprint(ofFile: try TestPKI.pem($0)) }
        let subjects = ["CN=Test Intermediate CA,O=truststore tests", "CN=Chain A CA,O=truststore tests",
                        "CN=Chain B CA,O=truststore tests"]
        let snapshot = try store.snapshot()

        let refused = try store.run(["remove", rootFP, "--env", "prod", "--reason", "compromised", "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        for (subject, fp) in zip(subjects, dependantFPs) {
            #expect(refused.stderr.contains("'\(subject)' (\(fp.prefix(16))) would lose its path"), "\(refused)")
        }
        #expect(!refused.stderr.contains("Other Intermediate CA"), "only intermediates under the root are named: \(refused)")
        #expect(refused.stderr.contains("3 intermediates would be left without a path"), "\(refused)")
        #expect(refused.stderr.contains("--force"), "\(refused)")
        #expect(try store.snapshot() == snapshot)

        // Removing chain-a alone names chain-b only.
        let chainA = try store.run(["remove", try TestPKI.pem("chain-a"), "--env", "prod", "--reason", "x", "--at", testTime])
        #expect(chainA.status == 1, "\(chainA)")
        #expect(chainA.stderr.contains("'CN=Chain B CA,O=truststore tests'"), "\(chainA)")
        #expect(!chainA.stderr.contains("Test Intermediate CA"), "\(chainA)")
        #expect(try store.snapshot() == snapshot)

        let before = try store.commitCount()
        let forced = try store.run(["remove", rootFP, "--env", "prod", "--reason", "compromised", "--force", "--at", testTime])
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stdout.contains("prod: removed 1 certificate"), "\(forced)")
        for subject in subjects { #expect(forced.stderr.contains("warning: intermediate '\(subject)'"), "\(forced)") }
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.nameStatus() == ["D\tstores/prod/test-root-ca_\(rootFP.prefix(16)).pem"])
        #expect(try store.certificateFiles("prod").count == 5)
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: remove"))
        #expect(trailers.contains("Truststore-Reason: compromised"))
        let forcedTrailers = trailers.filter { $0.hasPrefix("Truststore-Forced: ") }
        #expect(forcedTrailers.count == 3, "\(trailers)")
        for (subject, fp) in zip(subjects, dependantFPs) {
            #expect(forcedTrailers.contains { $0.contains(fp) && $0.contains(subject) }, "\(forcedTrailers)")
        }
    }

    @Test("remove without --reason is a usage error (exit 64) and changes nothing")
    func removeRequiresReason() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let snapshot = try store.snapshot()
        let result = try store.run(["remove", rootFP, "--env", "prod", "--at", testTime])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--reason"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(try store.snapshot() == snapshot)
    }

    @Test("remove with an empty or blank --reason is refused like a missing one (exit 64) and changes nothing")
    func removeRejectsEmptyReason() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let snapshot = try store.snapshot()
        for reason in ["", "   "] {
            let result = try store.run(["remove", rootFP, "--env", "prod", "--reason", reason, "--at", testTime])
            #expect(result.status == 64, "--reason '\(reason)' records no reason: \(result)")
            #expect(result.stderr.contains("--reason") || result.stderr.contains("reason"), "\(result)")
            #expect(try store.snapshot() == snapshot, "--reason '\(reason)': the store must be unchanged")
            if try store.snapshot() != snapshot {
                // Put the certificate back so the second case starts from the same state.
                try #require(try store.git(["reset", "-q", "--hard", "HEAD~1"]).status == 0)
            }
        }
    }

    // MARK: - list, show, log

    @Test("list prints each environment's certificates as text and as JSON with sha256, subject, kind, environment and notAfter")
    func listTextAndJSON() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "prod",
                                    "--at", testTime]).status == 0)
        try #require(try store.run(["add", try TestPKI.pem("other-root"), "--env", "dev", "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let intFP = try fingerprint(ofFile: try TestPKI.pem("intermediate"))
        let otherFP = try fingerprint(ofFile: try TestPKI.pem("other-root"))
        let snapshot = try store.snapshot()

        let json = try store.run(["list", "--format", "json"])
        #expect(json.status == 0, "\(json)")
        #expect(json.stderr.isEmpty, "\(json)")
        let rows = try jsonArray(json.stdout)
        let byFP = Dictionary(rows.compactMap { row in (row["sha256"] as? String).map { ($0, row) } }, uniquingKeysWith: { a, _ in a })
        #expect(rows.count == 3 && Set(byFP.keys) == [rootFP, intFP, otherFP], "\(json)")
        #expect(byFP[rootFP]?["subject"] as? String == "CN=Test Root CA,O=truststore tests")
        #expect(byFP[rootFP]?["kind"] as? String == "root")
        #expect(byFP[rootFP]?["environment"] as? String == "prod")
        #expect(byFP[rootFP]?["notAfter"] as? String == "2044-01-01T00:00:00Z")
        #expect(byFP[intFP]?["kind"] as? String == "intermediate")
        #expect(byFP[intFP]?["notAfter"] as? String == "2040-01-01T00:00:00Z")
        #expect(byFP[otherFP]?["environment"] as? String == "dev")

        let text = try store.run(["list"])
        #expect(text.status == 0, "\(text)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(text)")
        for (env, kind, fp, subject, expiry) in [("prod", "root", rootFP, "CN=Test Root CA,O=truststore tests", "2044-01-01"),
                                                 ("prod", "intermediate", intFP, "CN=Test Intermediate CA,O=truststore tests", "2040-01-01"),
                                                 ("dev", "root", otherFP, "CN=Other Root CA,O=truststore tests", "2044-01-01")]
        {
            let line = lines.first { $0.contains(String(fp.prefix(16))) } ?? ""
            #expect(line.hasPrefix(env + " ") && line.contains(" \(kind) ") && line.contains(subject) && line.contains(expiry),
                    "\(text)")
        }

        let dev = try store.run(["list", "--env", "dev", "--format", "json"])
        #expect(dev.status == 0, "\(dev)")
        #expect(try jsonArray(dev.stdout).compactMap { $0["sha256"] as? String } == [otherFP])
        let empty = try store.run(["list", "--env", "staging"])
        #expect(empty.status == 0, "\(empty)")
        #expect(empty.stdout.isEmpty, "\(empty)")
        #expect(empty.stderr.contains("no certificates in 'staging'"), "\(empty)")
        let emptyJSON = try store.run(["list", "--env", "staging", "--format", "json"])
        #expect(try jsonArray(emptyJSON.stdout).isEmpty, "\(emptyJSON)")
        #expect(try store.snapshot() == snapshot)
        try store.expectSound()
    }

    @Test("show prints a certificate's fields, where it is trusted, and its provenance with reason, source and commit, as text and JSON")
    func showFieldsAndProvenance() throws {
        let store = try TestStore()
        let root = try TestPKI.pem("root")
        let rootFP = try fingerprint(ofFile: root)
        try #require(try store.run(["add", root, "--env", "prod", "--at", testTime, "--reason", "payments API",
                                    "--source", "https://pki.example.test/root.pem"]).status == 0)
        let prodCommit = try store.head()
        try #require(try store.run(["add", root, "--env", "dev", "--at", testTime, "--reason", "dev mirror"]).status == 0)
        let devCommit = try store.head()
        let snapshot = try store.snapshot()

        let show = try store.run(["show", String(rootFP.prefix(10))])
        #expect(show.status == 0, "\(show)")
        #expect(show.stderr.isEmpty, "\(show)")
        let out = show.stdout
        for phrase in ["Subject:", "CN=Test Root CA,O=truststore tests", "Issuer:", "Kind:", "root", "Not after:",
                       "2044-01-01T00:00:00Z", "SHA-256:", rootFP, "Key:", "EC 256", "Basic constraints:", "CA:TRUE",
                       "Trusted in:", "Provenance:"]
        {
            #expect(out.contains(phrase), "missing \(phrase) in:\n\(out)")
        }
        let path = "stores/prod/test-root-ca_\(rootFP.prefix(16)).pem"
        let trusted = out.components(separatedBy: "Trusted in:").last?.components(separatedBy: "Provenance:").first ?? ""
        #expect(trusted.contains("prod") && trusted.contains(path), "\(out)")
        #expect(trusted.contains("dev") && trusted.contains("stores/dev/"), "\(out)")
        #expect(!trusted.contains("staging"), "\(out)")
        let provenance = out.components(separatedBy: "Provenance:").last ?? ""
        #expect(provenance.contains("add prod") && provenance.contains(String(prodCommit.prefix(12))), "\(out)")
        #expect(provenance.contains("add dev") && provenance.contains(String(devCommit.prefix(12))), "\(out)")
        #expect(provenance.contains("reason: payments API") && provenance.contains("reason: dev mirror"), "\(out)")
        #expect(provenance.contains("source: https://pki.example.test/root.pem"), "\(out)")
        #expect(provenance.contains("Test Author <test.author@example.test>"), "\(out)")

        let json = try store.run(["show", root, "--format", "json"])
        #expect(json.status == 0, "\(json)")
        let details = try jsonArray(json.stdout)
        #expect(details.count == 1, "\(json)")
        let detail = details.first ?? [:]
        #expect(detail["sha256"] as? String == rootFP)
        #expect(detail["subject"] as? String == "CN=Test Root CA,O=truststore tests")
        #expect((detail["environments"] as? [String: Any]).map { Set($0.keys) } == ["dev", "prod"], "\(json)")
        let history = detail["history"] as? [[String: Any]] ?? []
        #expect(history.compactMap { $0["commit"] as? String } == [devCommit, prodCommit], "\(json)")
        #expect(history.compactMap { $0["reason"] as? String } == ["dev mirror", "payments API"], "\(json)")
        #expect(history.last?["sources"] as? [String] == ["https://pki.example.test/root.pem"], "\(json)")

        let unknown = try store.run(["show", "deadbeefdeadbeef"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stdout.isEmpty, "\(unknown)")
        #expect(unknown.stderr.contains("no certificate matching"), "\(unknown)")
        #expect(try store.snapshot() == snapshot)
        try store.expectSound()
    }

    @Test("log groups changes by commit with their reason, filters by --env and by certificate, and prints JSON with commit, author, action, environment, sha256 and reason")
    func logTextFiltersAndJSON() throws {
        let store = try TestStore()
        let pem = { (name: String) throws -> String in try TestPKI.pem(name) }
        let rootFP = try fingerprint(ofFile: try pem("root"))
        let intFP = try fingerprint(ofFile: try pem("intermediate"))
        let chainFP = try fingerprint(ofFile: try pem("chain-a"))
        let otherFP = try fingerprint(ofFile: try pem("other-root"))
        try #require(try store.run(["add", try pem("root"), "--env", "prod", "--at", testTime, "--reason", "reason one"]).status == 0)
        let c1 = try store.head()
        try #require(try store.run(["add", try pem("intermediate"), try pem("chain-a"), "--env", "prod", "--at", testTime,
                                    "--reason", "reason two"]).status == 0)
        let c2 = try store.head()
        try #require(try store.run(["add", try pem("other-root"), "--env", "dev", "--at", testTime, "--reason", "reason three",
                                    "--author", "Ann <ann@example.test>"]).status == 0)
        let c3 = try store.head()
        try #require(try store.run(["remove", chainFP, "--env", "prod", "--at", testTime, "--reason", "reason four"]).status == 0)
        let c4 = try store.head()
        let snapshot = try store.snapshot()

        let text = try store.run(["log"])
        #expect(text.status == 0, "\(text)")
        let groups = text.stdout.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }
            .filter { !$0.isEmpty }
        #expect(groups.count == 4, "one group per trust commit, newest first:\n\(text.stdout)")
        let expected: [(String, String, [(String, String, String)])] = [
            (c4, "reason four", [("remove", "prod", chainFP)]),
            (c3, "reason three", [("add", "dev", otherFP)]),
            (c2, "reason two", [("add", "prod", intFP), ("add", "prod", chainFP)]),
            (c1, "reason one", [("add", "prod", rootFP)]),
        ]
        for (group, (commit, reason, changes)) in zip(groups, expected) {
            let lines = group.split(separator: "\n").map(String.init)
            #expect(lines.first?.contains(String(commit.prefix(12))) == true, "\(group)")
            #expect(lines.contains("    reason: \(reason)"), "\(group)")
            let changeLines = lines.filter { $0.hasPrefix("    add ") || $0.hasPrefix("    remove ") }
            #expect(changeLines.count == changes.count, "\(group)")
            for (action, env, fp) in changes {
                #expect(changeLines.contains { $0.hasPrefix("    \(action) ") && $0.contains(" \(env) ") && $0.contains(String(fp.prefix(16))) },
                        "\(group)")
            }
        }
        #expect(groups.dropFirst().first?.contains("Ann <ann@example.test>") == true, "\(text.stdout)")

        let dev = try store.run(["log", "--env", "dev", "--format", "json"])
        #expect(dev.status == 0, "\(dev)")
        let devEntries = try jsonArray(dev.stdout)
        #expect(devEntries.compactMap { $0["sha256"] as? String } == [otherFP], "\(dev)")
        let devText = try store.run(["log", "--env", "dev"])
        #expect(devText.stdout.contains("reason three") && !devText.stdout.contains("reason one"), "\(devText)")

        let chain = try store.run(["log", String(chainFP.prefix(8)), "--format", "json"])
        #expect(chain.status == 0, "\(chain)")
        let chainEntries = try jsonArray(chain.stdout)
        #expect(chainEntries.compactMap { $0["action"] as? String } == ["remove", "add"], "\(chain)")
        #expect(chainEntries.compactMap { $0["commit"] as? String } == [c4, c2], "\(chain)")
        let byFile = try store.run(["log", try pem("root")])
        #expect(byFile.status == 0, "\(byFile)")
        #expect(byFile.stdout.contains(String(rootFP.prefix(16))) && !byFile.stdout.contains(String(intFP.prefix(16))), "\(byFile)")

        let json = try store.run(["log", "--format", "json"])
        #expect(json.status == 0, "\(json)")
        let entries = try jsonArray(json.stdout)
        #expect(entries.count == 5, "\(json)")
        let first = entries.first ?? [:]
        #expect(first["commit"] as? String == c4)
        #expect(first["author"] as? String == "Test Author")
        #expect(first["action"] as? String == "remove")
        #expect(first["environment"] as? String == "prod")
        #expect(first["sha256"] as? String == chainFP)
        #expect(first["reason"] as? String == "reason four")
        let ann = entries.first { $0["sha256"] as? String == otherFP } ?? [:]
        #expect(ann["author"] as? String == "Ann" && ann["commit"] as? String == c3, "\(ann)")
        #expect(Set(entries.compactMap { $0["commit"] as? String }) == [c1, c2, c3, c4])
        #expect(try store.snapshot() == snapshot)
        try store.expectSound()
    }

    @Test("a certificate committed with plain git is an add by its git author with no reason recorded; show finds it, export includes it, and a plain git rm is a remove")
    func plainGitCommits() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("other-root"), "--env", "prod", "--at", testTime,
                                    "--reason", "tooling"]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        try FileManager.default.copyItem(atPath: try TestPKI.pem("root"), toPath: store.root + "/stores/prod/by-hand.pem")
        // Not trusted while it is only in the work tree.
        let uncommitted = try store.run(["list", "--env", "prod", "--format", "json"])
        #expect(try jsonArray(uncommitted.stdout).compactMap { $0["sha256"] as? String }
            == [try fingerprint(ofFile: try TestPKI.pem("other-root"))], "\(uncommitted)")
        let uncommittedExport = try store.run(["export", "prod", "--at", testTime])
        #expect(try fingerprints(ofBundle: uncommittedExport.stdout) == [try fingerprint(ofFile: try TestPKI.pem("other-root"))])
        try #require(try store.git(["add", "stores/prod/by-hand.pem"]).status == 0)
        let bob = ["-c", "user.name=Bob", "-c", "user.email=bob@example.test"]
        try #require(try store.git(bob + ["commit", "-q", "-m", "add our root by hand"]).status == 0)
        let handCommit = try store.head()
        try store.expectSound()

        let text = try store.run(["log"])
        #expect(text.status == 0, "\(text)")
        let newest = text.stdout.components(separatedBy: "\n\n").first ?? ""
        #expect(newest.contains(String(handCommit.prefix(12))) && newest.contains("Bob <bob@example.test>"), "\(text)")
        #expect(newest.contains("reason: (none recorded)"), "\(text)")
        #expect(newest.contains("    add ") && newest.contains(" prod ") && newest.contains(String(rootFP.prefix(16))), "\(text)")

        let json = try jsonArray(try store.run(["log", "--format", "json"]).stdout)
        let entry = json.first ?? [:]
        #expect(entry["commit"] as? String == handCommit)
        #expect(entry["author"] as? String == "Bob")
        #expect(entry["action"] as? String == "add")
        #expect(entry["environment"] as? String == "prod")
        #expect(entry["sha256"] as? String == rootFP)
        #expect(entry["reason"] == nil || entry["reason"] is NSNull, "\(entry)")

        let show = try store.run(["show", rootFP])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("stores/prod/by-hand.pem"), "\(show)")
        #expect(show.stdout.contains("by Bob <bob@example.test>") && show.stdout.contains(String(handCommit.prefix(12))), "\(show)")
        #expect(show.stdout.contains("reason: (none recorded)"), "\(show)")

        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status == 0, "\(export)")
        #expect(Set(try fingerprints(ofBundle: export.stdout)) == [rootFP, try fingerprint(ofFile: try TestPKI.pem("other-root"))])

        let list = try jsonArray(try store.run(["list", "--env", "prod", "--format", "json"]).stdout)
        #expect(list.contains { $0["sha256"] as? String == rootFP && $0["kind"] as? String == "root" }, "\(list)")

        try #require(try store.git(["rm", "-q", "stores/prod/by-hand.pem"]).status == 0)
        try #require(try store.git(bob + ["commit", "-q", "-m", "drop it again"]).status == 0)
        let rmCommit = try store.head()
        try store.expectSound()
        let after = try jsonArray(try store.run(["log", "--format", "json"]).stdout)
        let removal = after.first ?? [:]
        #expect(removal["commit"] as? String == rmCommit)
        #expect(removal["action"] as? String == "remove")
        #expect(removal["author"] as? String == "Bob")
        #expect(removal["sha256"] as? String == rootFP)
        let afterText = try store.run(["log", rootFP])
        #expect(afterText.stdout.components(separatedBy: "\n\n").first?.contains("    remove ") == true, "\(afterText)")
        let gone = try store.run(["show", rootFP])
        #expect(gone.status == 1, "no longer trusted anywhere: \(gone)")
        let exportAfter = try store.run(["export", "prod", "--at", testTime])
        #expect(try fingerprints(ofBundle: exportAfter.stdout) == [try fingerprint(ofFile: try TestPKI.pem("other-root"))])
        try store.expectSound()
    }

    // MARK: - export -o

    @Test("export -o writes the bundle atomically, refuses to replace an existing file without --overwrite and replaces it with --overwrite")
    func exportToFile() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "prod",
                                    "--at", testTime]).status == 0)
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let intFP = try fingerprint(ofFile: try TestPKI.pem("intermediate"))
        let outDir = store.temp.file("out")
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let snapshot = try store.snapshot()

        let written = try store.run(["export", "prod", "-o", "ca.pem", "--at", testTime, "--store", store.root], cwd: outDir)
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout.isEmpty, "\(written)")
        #expect(written.stderr.contains("wrote 2 certificates of 'prod' to ca.pem"), "\(written)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == ["ca.pem"], "no temporary file left behind")
        let file = outDir + "/ca.pem"
        let first = try Data(contentsOf: URL(fileURLWithPath: file))
        let stdout = try store.run(["export", "prod", "--at", testTime])
        #expect(first == stdout.stdoutBytes, "the file holds exactly what stdout gets")
        #expect(Set(try fingerprints(ofBundle: String(decoding: first, as: UTF8.self))) == [rootFP, intFP])
        #expect(try store.snapshot() == snapshot, "export changes nothing in the store")

        try #require(try store.run(["add", try TestPKI.pem("other-root"), "--env", "prod", "--at", testTime]).status == 0)
        let refused = try store.run(["export", "prod", "-o", file, "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains(file) && refused.stderr.contains("already exists"), "\(refused)")
        #expect(refused.stderr.contains("--overwrite"), "\(refused)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == first, "the existing file must be unchanged")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == ["ca.pem"])

        let replaced = try store.run(["export", "prod", "-o", file, "--overwrite", "--at", testTime])
        #expect(replaced.status == 0, "\(replaced)")
        #expect(replaced.stdout.isEmpty, "\(replaced)")
        let second = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(Set(try fingerprints(ofBundle: String(decoding: second, as: UTF8.self)))
            == [rootFP, intFP, try fingerprint(ofFile: try TestPKI.pem("other-root"))])
        #expect(second == (try store.run(["export", "prod", "--at", testTime])).stdoutBytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == ["ca.pem"], "no temporary file left behind")
        try store.expectSound()
    }

    @Test("exporting an empty environment fails with exit 1, prints nothing on stdout and creates no file")
    func exportEmptyEnvironment() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime]).status == 0)
        let snapshot = try store.snapshot()
        let stdout = try store.run(["export", "staging", "--at", testTime])
        #expect(stdout.status == 1, "\(stdout)")
        #expect(stdout.stdoutBytes.isEmpty, "\(stdout)")
        #expect(stdout.stderr.contains("'staging' holds no certificates") && stdout.stderr.contains("empty bundle"), "\(stdout)")

        let outDir = store.temp.file("out")
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let file = try store.run(["export", "staging", "-o", outDir + "/ca.pem", "--at", testTime])
        #expect(file.status == 1, "\(file)")
        #expect(file.stdout.isEmpty, "\(file)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir).isEmpty, "no file may be created")
        let overwrite = try store.run(["export", "staging", "-o", outDir + "/ca.pem", "--overwrite", "--at", testTime])
        #expect(overwrite.status == 1, "\(overwrite)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir).isEmpty, "no file may be created")
        #expect(try store.snapshot() == snapshot)
        try store.expectSound()
    }

    @Test("the same store state exports byte-identical bundles, also after deleting .git/truststore/export-cache")
    func exportDeterministic() throws {
        let store = try TestStore()
        try #require(try store.run(["add"] + ["root", "intermediate", "chain-a", "chain-b", "rsa-root", "other-root"]
            .map { try TestPKI.pem($0) } + ["--env", "prod", "--at", testTime]).status == 0)
        let first = try store.run(["export", "prod", "--at", testTime])
        #expect(first.status == 0, "\(first)")
        #expect(try fingerprints(ofBundle: first.stdout).count == 6)
        let cache = store.root + "/.git/truststore/export-cache"
        #expect(FileManager.default.fileExists(atPath: cache), "the export keeps its cache in .git/truststore/export-cache")

        let second = try store.run(["export", "prod", "--at", testTime])
        #expect(second.stdoutBytes == first.stdoutBytes)
        try FileManager.default.removeItem(atPath: cache)
        let third = try store.run(["export", "prod", "--at", testTime])
        #expect(third.status == 0, "\(third)")
        #expect(third.stdoutBytes == first.stdoutBytes, "deleting the cache must not change the bundle")

        let outDir = store.temp.file("out")
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: cache)
        let toFile = try store.run(["export", "prod", "-o", outDir + "/a.pem", "--at", testTime])
        #expect(toFile.status == 0, "\(toFile)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outDir + "/a.pem")) == first.stdoutBytes)

        // Certificates come ordered by subject, whatever the order they were added in.
        let subjects = first.stdout.split(separator: "\n").filter { $0.hasPrefix("# Subject: ") }.map(String.init)
        #expect(subjects == subjects.sorted(), "\(subjects)")
        try store.expectSound()
    }
}

// MARK: - Helpers of these tests

/// A temporary folder with an empty HOME and the base environment, for commands run outside a `TestStore`
/// (`init` into a folder of its own, git repositories that are not stores).
private struct Sandbox {
    let temp: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        temp = try TemporaryDirectory()
        let home = temp.file("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        environment = Run.baseEnvironment(home: home)
    }

    /// Runs `truststore ARGS` in `cwd` (default: the sandbox folder, which is in no store).
    func truststore(_ arguments: [String], cwd: String? = nil) throws -> RunResult {
        try Run.program(Run.truststore, arguments, cwd: cwd ?? temp.path, environment: environment)
    }

    func repo(_ dir: String) -> GitFolder { GitFolder(dir: dir, environment: environment) }
}

/// The git CLI in one folder.
private struct GitFolder {
    let dir: String
    let environment: [String: String]

    @discardableResult
    func git(_ arguments: [String]) throws -> RunResult {
        try Run.program(Run.which("git") ?? "/usr/bin/git", arguments, cwd: dir, environment: environment)
    }

    func lines(_ arguments: [String]) throws -> [String] {
        try git(arguments).stdout.split(separator: "\n").map(String.init)
    }

    func commitCount() throws -> Int {
        Int(try git(["rev-list", "--count", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func trailers() throws -> [String] {
        let message = try git(["log", "-1", "--format=%B"]).stdout
        return try Run.program(Run.which("git") ?? "/usr/bin/git", ["interpret-trailers", "--parse"], cwd: dir,
                               environment: environment, stdin: Data(message.utf8))
            .stdout.split(separator: "\n").map(String.init)
    }

    /// HEAD, refs, config, index, status and every file outside `.git` with its content.
    func snapshot() throws -> String {
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".git") }.sorted()
        let contents = files.map { path in
            "\(path): \((try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + path)))?.base64EncodedString() ?? "dir")"
        }
        return [
            try git(["rev-parse", "HEAD"]).stdout, try git(["show-ref"]).stdout,
            (try? String(contentsOfFile: dir + "/.git/config", encoding: .utf8)) ?? "",
            try git(["ls-files", "--stage"]).stdout, try git(["status", "--porcelain", "--untracked-files=all"]).stdout,
        ].joined(separator: "\n====\n") + contents.joined(separator: "\n")
    }

    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try git(["fsck", "--strict", "--no-dangling"])
        #expect(fsck.status == 0, "git fsck failed: \(fsck)", sourceLocation: sourceLocation)
        let status = try git(["status", "--porcelain", "--untracked-files=all"])
        #expect(status.stdout.isEmpty, "work tree not clean: \(status.stdout)", sourceLocation: sourceLocation)
    }
}

extension TestStore {
    /// `git show --name-status` of HEAD: one `STATUS<TAB>PATH` line per file the commit changed.
    fileprivate func nameStatus(_ revision: String = "HEAD") throws -> [String] {
        try git(["show", "--name-status", "--format=", "--no-renames", revision]).stdout.split(separator: "\n")
            .map(String.init)
    }
}

/// The environment names of the `[environments.NAME]` tables of a `truststore.toml`, sorted.
private func environmentHeaders(_ toml: String) -> [String] {
    toml.split(separator: "\n").compactMap { line -> String? in
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("[environments."), text.hasSuffix("]") else { return nil }
        return String(text.dropFirst("[environments.".count).dropLast())
    }.sorted()
}

/// Regular files under `dir`, relative to it, sorted.
private func regularFiles(under dir: String) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: dir).filter { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }.sorted()
}

/// Parses a JSON array of objects printed by a command (`--format json`).
private func jsonArray(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [[String: Any]], "not a JSON array of objects: \(text)", sourceLocation: sourceLocation)
}

/// `AB:CD:…` form of a lowercase hex fingerprint.
private func colonHex(_ hex: String) -> String {
    var pairs: [String] = []
    var rest = Substring(hex.uppercased())
    while !rest.isEmpty {
        pairs.append(String(rest.prefix(2)))
        rest = rest.dropFirst(2)
    }
    return pairs.joined(separator: ":")
}

/// The machine's host name, as `gethostname(2)` gives it.
private func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    _ = gethostname(&buffer, buffer.count - 1)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Two self-signed roots with the same subject and key whose SHA-256 fingerprints share their first 6 hex digits
/// (the shortest prefix a CERT argument may be): generated by varying the serial number until two collide, which
/// takes a few thousand signatures (about a second).
private func twinRoots(in dir: String) throws -> (first: String, second: String, prefix: String, fingerprints: [String]) {
    let script = """
        import datetime, hashlib, pathlib, sys
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
        out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "truststore tests"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "Twin Root CA")])
        utc = datetime.timezone.utc
        base = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=utc))
                .not_valid_after(datetime.datetime(2044, 1, 1, tzinfo=utc))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False), critical=True))
        seen = {}
        serial = 0x5000
        while True:
            serial += 1
            cert = base.serial_number(serial).sign(key, hashes.SHA256())
            prefix = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()[:6]
            if prefix in seen:
                (out / "twin-1.pem").write_bytes(seen[prefix].public_bytes(serialization.Encoding.PEM))
                (out / "twin-2.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
                print(prefix)
                break
            seen[prefix] = cert
        """
    let result = try Run.program(Run.which("python3") ?? "/usr/bin/python3", ["-c", script, dir], cwd: "/",
                                 environment: ProcessInfo.processInfo.environment)
    guard result.status == 0 else { throw TestFailure("generating twin roots failed: \(result)") }
    let first = dir + "/twin-1.pem"
    let second = dir + "/twin-2.pem"
    let fps = [try fingerprint(ofFile: first), try fingerprint(ofFile: second)]
    let prefix = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard fps.allSatisfy({ $0.hasPrefix(prefix) }), fps[0] != fps[1] else {
        throw TestFailure("twin roots do not share the prefix \(prefix): \(fps)")
    }
    return (first, second, prefix, fps)
}
