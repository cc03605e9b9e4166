import Foundation
import Testing
import TestSupport

/// `truststore export --format NAME` on the generated test PKI, each output read back by its real consumer:
/// `openssl verify -CApath`, `openssl x509`, `openssl pkcs7 -print_certs`, Java's `keytool -list`, Python requests
/// with `verify=DIR`, and JSONSerialization.
@Suite("export formats, purposes and directory outputs")
struct ExportFormatTests {
    // MARK: pem-bundle

    @Test("--format pem-bundle is byte-identical to the default export")
    func pemBundleUnchanged() throws {
        let store = try storeWith(["root", "intermediate"])
        let plain = try store.run(["export", "prod", "--at", testTime])
        let named = try store.run(["export", "prod", "--format", "pem-bundle", "--at", testTime])
        #expect(plain.status == 0 && named.status == 0, "\(plain)\n\(named)")
        #expect(named.stdoutBytes == plain.stdoutBytes)
        #expect(!plain.stdoutBytes.isEmpty)
    }

    // MARK: pem-directory and der-directory

    @Test("pem-directory and der-directory write one file per certificate that openssl x509 reads, deterministically")
    func perCertificateDirectories() throws {
        let store = try storeWith(["root", "intermediate", "other-root"])
        let expected = try Set(["root", "intermediate", "other-root"].map { try fingerprint(ofFile: TestPKI.pem($0)) })
        for (format, ext, inform) in [("pem-directory", "pem", "PEM"), ("der-directory", "crt", "DER")] {
            let dir = store.temp.file(format)
            let result = try store.run(["export", "prod", "--format", format, "-o", dir, "--at", testTime])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("wrote 3 certificates of 'prod' as \(format) to \(dir)"), "\(result)")
            let names = try certificateNames(dir)
            #expect(names.count == 3 && names.allSatisfy { $0.hasSuffix("." + ext) }, "\(names)")
            #expect(names.contains { $0.hasPrefix("test-root-ca_") }, "\(names)")
            let read = try Set(names.map { try fingerprint(ofFile: dir + "/" + $0, inform: inform) })
            #expect(read == expected)
            for name in names {
                #expect(name.hasSuffix(String(try fingerprint(ofFile: dir + "/" + name, inform: inform).prefix(16)) + "." + ext))
            }
            let again = store.temp.file(format + "-again")
            #expect(try store.run(["export", "prod", "--format", format, "-o", again, "--at", testTime]).status == 0)
            #expect(try directoryContents(dir) == directoryContents(again), "\(format) must be deterministic")
        }
    }

    // MARK: openssl-directory

    @Test("openssl-directory is a hashed directory that openssl verify -CApath uses; without the intermediate it fails")
    func hashedDirectoryVerifies() throws {
        let store = try storeWith(["root", "intermediate"])
        let dir = store.temp.file("capath")
        let result = try store.run(["export", "prod", "--format", "openssl-directory", "-o", dir, "--at", testTime])
        #expect(result.status == 0, "\(result)")
        let names = try certificateNames(dir)
        let hashes = try Set(["root", "intermediate"].map { try subjectHash(TestPKI.pem($0)) + ".0" })
        #expect(Set(names) == hashes)
        let ok = try verifyWithCApath(dir, leaf: TestPKI.pem("leaf"))
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.contains(": OK"), "\(ok)")
        // The second export comes from the format cache: the same bytes; so does a third after dropping the cache.
        let again = store.temp.file("capath-again")
        #expect(try store.run(["export", "prod", "--format", "openssl-directory", "-o", again, "--at", testTime])
            .status == 0)
        #expect(try directoryContents(again) == directoryContents(dir))
        try FileManager.default.removeItem(atPath: store.root + "/.git/truststore/export-cache")
        let fresh = store.temp.file("capath-fresh")
        #expect(try store.run(["export", "prod", "--format", "openssl-directory", "-o", fresh, "--at", testTime])
            .status == 0)
        #expect(try directoryContents(fresh) == directoryContents(dir))

        let rootOnly = try storeWith(["root"])
        let dir2 = rootOnly.temp.file("capath")
        #expect(try rootOnly.run(["export", "prod", "--format", "openssl-directory", "-o", dir2, "--at", testTime])
            .status == 0)
        let refused = try verifyWithCApath(dir2, leaf: TestPKI.pem("leaf"))
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("unable to get local issuer certificate"), "\(refused)")
    }

    @Test("two roots with one subject get HASH.0 and HASH.1 in fingerprint order, and OpenSSL finds the right one")
    func subjectHashCollision() throws {
        let store = try storeWith(["collision-root-a", "collision-root-b"])
        let dir = store.temp.file("capath")
        let result = try store.run(["export", "prod", "--format", "openssl-directory", "-o", dir, "--at", testTime])
        #expect(result.status == 0, "\(result)")
        let hash = try subjectHash(TestPKI.pem("collision-root-a"))
        #expect(try subjectHash(TestPKI.pem("collision-root-b")) == hash)
        #expect(try certificateNames(dir) == [hash + ".0", hash + ".1"])
        let fps = try ["collision-root-a", "collision-root-b"].map { try fingerprint(ofFile: TestPKI.pem($0)) }.sorted()
        #expect(try fingerprint(ofFile: dir + "/" + hash + ".0") == fps[0])
        #expect(try fingerprint(ofFile: dir + "/" + hash + ".1") == fps[1])
        let ok = try verifyWithCApath(dir, leaf: TestPKI.pem("collision-leaf-b"), untrusted: nil)
        #expect(ok.status == 0, "\(ok)")
    }

    @Test("Python requests accepts a leaf-only server with verify=DIR of an openssl-directory export, and refuses it without the intermediate")
    func requestsWithCApath() throws {
        let full = try storeWith(["root", "intermediate"])
        let dir = full.temp.file("capath")
        #expect(try full.run(["export", "prod", "--format", "openssl-directory", "-o", dir, "--at", testTime]).status == 0)
        let ok = try requestsAgainstLeafOnlyServer(verify: dir)
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout == "200\n", "\(ok)")

        let rootOnly = try storeWith(["root"])
        let dir2 = rootOnly.temp.file("capath")
        #expect(try rootOnly.run(["export", "prod", "--format", "openssl-directory", "-o", dir2, "--at", testTime])
            .status == 0)
        let refused = try requestsAgainstLeafOnlyServer(verify: dir2)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.contains("CERTIFICATE_VERIFY_FAILED"), "\(refused)")
    }

    // MARK: pkcs7

    @Test("pkcs7 writes a DER (or with --pem a PEM) PKCS #7 that openssl pkcs7 -print_certs reads, deterministically")
    func pkcs7() throws {
        let store = try storeWith(["root", "intermediate"])
        let expected = try ["intermediate", "root"].map { try fingerprint(ofFile: TestPKI.pem($0)) }
        for (pem, inform) in [(false, "DER"), (true, "PEM")] {
            let file = store.temp.file("certs-\(inform).p7b")
            let args = ["export", "prod", "--format", "pkcs7", "-o", file, "--at", testTime] + (pem ? ["--pem"] : [])
            let result = try store.run(args)
            #expect(result.status == 0, "\(result)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(pem == bytes.starts(with: Data("-----BEGIN PKCS7-----".utf8)))
            let printed = try openssl(["pkcs7", "-inform", inform, "-in", file, "-print_certs"])
            #expect(printed.status == 0, "\(printed)")
            // Export order: subject (Intermediate < Root), then fingerprint.
            #expect(try fingerprints(ofBundle: printed.stdout) == expected, "\(printed)")
            let again = try store.run(["export", "prod", "--format", "pkcs7", "--at", testTime] + (pem ? ["--pem"] : []))
            #expect(again.status == 0)
            #expect(again.stdoutBytes == bytes, "pkcs7 must be deterministic and the same on stdout and in a file")
        }
    }

    // MARK: java

    @Test("java writes a PKCS #12 truststore that keytool -list reads as trustedCertEntry, deterministically")
    func javaTrustStore() throws {
        let keytool = try #require(Run.which("keytool"), "keytool is needed")
        let store = try storeWith(["root", "intermediate", "rsa-root"])
        let file = store.temp.file("truststore.p12")
        let result = try store.run(["export", "prod", "--format", "java", "-o", file, "--at", testTime])
        #expect(result.status == 0, "\(result)")
        let list = try Run.program(keytool, ["-list", "-keystore", file, "-storetype", "PKCS12", "-storepass", ""],
                                   cwd: "/", environment: ProcessInfo.processInfo.environment)
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("Your keystore contains 3 entries"), "\(list)")
        #expect(list.stdout.components(separatedBy: "trustedCertEntry").count - 1 == 3, "\(list)")
        let listed = Set(keytoolFingerprints(list.stdout))
        #expect(try listed == Set(["root", "intermediate", "rsa-root"].map { try fingerprint(ofFile: TestPKI.pem($0)) }))
        #expect(list.stdout.contains("test-root-ca_"), "aliases are readable: \(list)")

        // The second export comes from the format cache, the third is made afresh: the same bytes.
        let again = store.temp.file("again.p12")
        #expect(try store.run(["export", "prod", "--format", "java", "-o", again, "--at", testTime]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(contentsOf: URL(fileURLWithPath: again)))
        try FileManager.default.removeItem(atPath: store.root + "/.git/truststore/export-cache")
        let fresh = store.temp.file("fresh.p12")
        #expect(try store.run(["export", "prod", "--format", "java", "-o", fresh, "--at", testTime]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(contentsOf: URL(fileURLWithPath: fresh)))
    }

    @Test("java --password-file protects the store with a MAC: keytool accepts the password and refuses another")
    func javaTrustStorePassword() throws {
        let keytool = try #require(Run.which("keytool"), "keytool is needed")
        let store = try storeWith(["root"])
        try "changeit-42\n".write(toFile: store.temp.file("pw"), atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        for name in ["a.p12", "b.p12"] {
            let result = try store.run(["export", "prod", "--format", "java", "-o", store.temp.file(name),
                                        "--password-file", store.temp.file("pw"), "--at", testTime])
            #expect(result.status == 0, "\(result)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: store.temp.file(name))))
        }
        #expect(outputs[0] == outputs[1], "the MAC salt is derived from the content: the output is deterministic")
        let env = ProcessInfo.processInfo.environment
        let good = try Run.program(keytool, ["-list", "-keystore", store.temp.file("a.p12"), "-storetype", "PKCS12",
                                             "-storepass", "changeit-42"], cwd: "/", environment: env)
        #expect(good.status == 0, "\(good)")
        #expect(good.stdout.contains("trustedCertEntry"), "\(good)")
        let bad = try Run.program(keytool, ["-list", "-keystore", store.temp.file("a.p12"), "-storetype", "PKCS12",
                                            "-storepass", "wrong-password"], cwd: "/", environment: env)
        #expect(bad.status != 0, "\(bad)")
        #expect((bad.stdout + bad.stderr).contains("integrity"), "\(bad)")
    }

    // MARK: json

    @Test("json is a manifest with fingerprints, key, validity and the provenance of the adding commit, deterministically")
    func jsonManifest() throws {
        let store = try TestStore()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime,
                                 "--reason", "internal services", "--source", "ticket SEC-7"])
        try #require(add.status == 0, "\(add)")
        let head = try store.head()
        let result = try store.run(["export", "prod", "--format", "json", "--at", testTime])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let manifest = try jsonObject(result.stdout)
        #expect(manifest["environment"] as? String == "prod")
        #expect(manifest["commit"] as? String == head)
        #expect(manifest["format"] as? String == "truststore-manifest")
        let certs = try #require(manifest["certificates"] as? [[String: Any]])
        try #require(certs.count == 1)
        let cert = certs[0]
        #expect(cert["sha256"] as? String == (try fingerprint(ofFile: TestPKI.pem("root"))))
        #expect(cert["subject"] as? String == (try distinguishedName(ofFile: TestPKI.pem("root"))))
        #expect(cert["kind"] as? String == "root")
        #expect(cert["not_before"] as? String == "2024-01-01T00:00:00Z")
        #expect(cert["not_after"] as? String == "2044-01-01T00:00:00Z")
        #expect(cert["source"] as? String == "environment")
        #expect((cert["spki_sha256"] as? String)?.count == 64)
        let key = try #require(cert["key"] as? [String: Any])
        #expect(key["algorithm"] as? String == "EC" && key["bits"] as? Int == 256)
        let provenance = try #require(cert["provenance"] as? [String: Any])
        #expect(provenance["commit"] as? String == head)
        #expect(provenance["reason"] as? String == "internal services")
        #expect(provenance["author"] as? String == "Test Author")
        #expect(provenance["sources"] as? [String] == ["ticket SEC-7"])
        let spki = try openssl(["x509", "-in", try TestPKI.pem("root"), "-noout", "-pubkey"])
        let der = try Run.program("/bin/sh", ["-c", "openssl pkey -pubin -outform DER | openssl dgst -sha256 -r"],
                                  cwd: "/", environment: ProcessInfo.processInfo.environment,
                                  stdin: Data(spki.stdout.utf8))
        #expect(der.stdout.hasPrefix(cert["spki_sha256"] as? String ?? "-"), "\(der)")
        let again = try store.run(["export", "prod", "--format", "json", "--at", testTime])
        #expect(again.stdoutBytes == result.stdoutBytes)
    }

    // MARK: Directory replacement

    @Test("re-exporting into a directory export replaces it whole: a removed certificate's file disappears")
    func staleFilesDisappear() throws {
        let store = try storeWith(["root", "other-root"])
        let dir = store.temp.file("out")
        #expect(try store.run(["export", "prod", "--format", "pem-directory", "-o", dir, "--at", testTime]).status == 0)
        #expect(try certificateNames(dir).count == 2)
        let original = try directoryContents(dir)
        // A file edited in place is written anew (unchanged files are shared with the new directory, not this one).
        let edited = dir + "/" + (try certificateNames(dir).first { $0.hasPrefix("test-root-ca_") } ?? "-")
        try "tampered\n".write(toFile: edited, atomically: false, encoding: .utf8)
        #expect(try store.run(["export", "prod", "--format", "pem-directory", "-o", dir, "--at", testTime]).status == 0)
        #expect(try directoryContents(dir) == original)
        let remove = try store.run(["remove", try fingerprint(ofFile: TestPKI.pem("other-root")), "--env", "prod",
                                    "--reason", "retired", "--at", testTime])
        try #require(remove.status == 0, "\(remove)")
        let again = try store.run(["export", "prod", "--format", "pem-directory", "-o", dir, "--at", testTime])
        #expect(again.status == 0, "\(again)")
        let names = try certificateNames(dir)
        #expect(names.count == 1 && names[0].hasPrefix("test-root-ca_"), "\(names)")
        // No temporary or set-aside directory is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.temp.path).filter { $0.hasPrefix(".out") }
            .isEmpty)
    }

    @Test("a failed export leaves the earlier directory export exactly as it was")
    func failureKeepsOldDirectory() throws {
        let store = try storeWith(["root"])
        let dir = store.temp.file("out")
        #expect(try store.run(["export", "prod", "--format", "openssl-directory", "-o", dir, "--at", testTime]).status == 0)
        let before = try directoryContents(dir)
        // At 2050 the root has expired: nothing to write, so the export is refused.
        let refused = try store.run(["export", "prod", "--format", "openssl-directory", "-o", dir,
                                     "--at", "2050-01-01T00:00:00Z"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("error: no certificate of 'prod' is valid at 2050-01-01T00:00:00Z"), "\(refused)")
        #expect(refused.stdout.isEmpty)
        #expect(try directoryContents(dir) == before)
    }

    @Test("a non-empty directory not written by truststore is replaced only with --overwrite")
    func foreignDirectory() throws {
        let store = try storeWith(["root"])
        let dir = store.temp.file("mine")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "keep me".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try store.run(["export", "prod", "--format", "der-directory", "-o", dir, "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("error: '\(dir)' is a directory not written by truststore export; refusing to replace it"),
                "\(refused)")
        #expect(refused.stderr.contains("hint: pass --overwrite"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["notes.txt"])

        let replaced = try store.run(["export", "prod", "--format", "der-directory", "-o", dir, "--overwrite",
                                      "--at", testTime])
        #expect(replaced.status == 0, "\(replaced)")
        let names = try certificateNames(dir)
        #expect(names.count == 1 && names[0].hasSuffix(".crt"), "\(names)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/notes.txt"))
    }

    // MARK: Usage errors

    @Test("usage errors: unknown format, directory format without -o, format options of another format; nothing is written")
    func usageErrors() throws {
        let store = try storeWith(["root"])
        let unknown = try store.run(["export", "prod", "--format", "jks", "--at", testTime])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("error: unknown export format 'jks'"), "\(unknown)")
        #expect(unknown.stderr.contains(
            "hint: the formats are pem-bundle, pem-directory, openssl-directory, der-directory, pkcs7, java, json"),
            "\(unknown)")

        let noOutput = try store.run(["export", "prod", "--format", "openssl-directory", "--at", testTime])
        #expect(noOutput.status == 64, "\(noOutput)")
        #expect(noOutput.stdout.isEmpty)
        #expect(noOutput.stderr.contains("error: --format openssl-directory writes a directory: give it with -o DIR"),
                "\(noOutput)")

        let pemFlag = try store.run(["export", "prod", "--format", "java", "--pem", "-o", store.temp.file("x"),
                                     "--at", testTime])
        #expect(pemFlag.status == 64, "\(pemFlag)")
        #expect(pemFlag.stderr.contains("error: --pem applies only to --format pkcs7"), "\(pemFlag)")
        #expect(!FileManager.default.fileExists(atPath: store.temp.file("x")))

        let password = try store.run(["export", "prod", "--format", "java", "-o", store.temp.file("t.p12"),
                                      "--password-file", store.temp.file("no-such-file"), "--at", testTime])
        #expect(password.status == 64, "\(password)")
        #expect(password.stderr.contains("error: cannot read the password file '\(store.temp.file("no-such-file"))'"),
                "\(password)")
        #expect(!FileManager.default.fileExists(atPath: store.temp.file("t.p12")))

        let purpose = try store.run(["export", "prod", "--purpose", "web", "--at", testTime])
        #expect(purpose.status == 64, "\(purpose)")
        #expect(purpose.stderr.contains("error: unknown purpose 'web'"), "\(purpose)")
    }

    @Test("a file format does not replace an existing file without --overwrite, and a directory format refuses a file")
    func existingTargets() throws {
        let store = try storeWith(["root"])
        let file = store.temp.file("certs.p7b")
        try "old".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try store.run(["export", "prod", "--format", "pkcs7", "-o", file, "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("error: '\(file)' already exists; refusing to replace it"), "\(refused)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "old")
        let replaced = try store.run(["export", "prod", "--format", "pkcs7", "-o", file, "--overwrite", "--at", testTime])
        #expect(replaced.status == 0, "\(replaced)")
        #expect(try openssl(["pkcs7", "-inform", "DER", "-in", file, "-print_certs", "-noout"]).status == 0)

        let notDir = try store.run(["export", "prod", "--format", "pem-directory", "-o", file, "--overwrite",
                                    "--at", testTime])
        #expect(notDir.status == 1, "\(notDir)")
        #expect(notDir.stderr.contains("error: cannot write to '\(file)': it exists and is not a directory"), "\(notDir)")
    }

    // MARK: Purposes

    @Test("add --purpose records the purposes in the file header and a trailer; export --purpose keeps only matching anchors")
    func purposeFilter() throws {
        let store = try TestStore()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--purpose", "client-auth",
                                 "--at", testTime])
        try #require(add.status == 0, "\(add)")
        #expect(try store.trailers().contains("Truststore-Purpose: client-auth"))
        let file = try #require(try store.certificateFiles("prod").first)
        #expect(try String(contentsOfFile: store.root + "/" + file, encoding: .utf8).contains("\n# Purposes: client-auth\n"))
        let other = try store.run(["add", try TestPKI.pem("other-root"), "--env", "prod", "--at", testTime])
        try #require(other.status == 0, "\(other)")

        let server = try store.run(["export", "prod", "--purpose", "server-auth", "--at", testTime])
        #expect(server.status == 0, "\(server)")
        #expect(try fingerprints(ofBundle: server.stdout) == [try fingerprint(ofFile: TestPKI.pem("other-root"))])
        #expect(server.stderr.contains("left out 'CN=Test Root CA,O=truststore tests'"), "\(server)")
        #expect(server.stderr.contains("not trusted for server-auth"), "\(server)")
        let list = try store.run(["list", "--env", "prod"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.split(separator: "\n").contains { $0.contains("CN=Test Root CA") && $0.hasSuffix("  [client-auth]") },
                "\(list)")
        #expect(list.stdout.split(separator: "\n").contains { $0.contains("CN=Other Root CA") && !$0.contains("[") },
                "\(list)")
        let listJSON = try JSONSerialization.jsonObject(with: Data(try store.run(["list", "--env", "prod", "--format", "json"])
            .stdout.utf8)) as? [[String: Any]]
        #expect(listJSON?.compactMap { $0["purposes"] as? [String] } == [["client-auth"]])
        let show = try store.run(["show", try fingerprint(ofFile: TestPKI.pem("root"))])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("(purposes: client-auth)"), "\(show)")
        let manifest = try jsonObject(try store.run(["export", "prod", "--format", "json", "--at", testTime]).stdout)
        let entries = try #require(manifest["certificates"] as? [[String: Any]])
        #expect(entries.compactMap { $0["purposes"] as? [String] } == [["client-auth"]])

        let client = try store.run(["export", "prod", "--purpose", "client-auth", "--at", testTime])
        #expect(client.status == 0, "\(client)")
        #expect(try Set(fingerprints(ofBundle: client.stdout)).count == 2)

        let only = try TestStore()
        #expect(try only.run(["add", try TestPKI.pem("root"), "--env", "prod", "--purpose", "email", "--at", testTime])
            .status == 0)
        let none = try only.run(["export", "prod", "--purpose", "server-auth", "--at", testTime])
        #expect(none.status == 1, "\(none)")
        #expect(none.stdout.isEmpty)
        #expect(none.stderr.contains("error: no certificate of 'prod' is trusted for server-auth"), "\(none)")

        let unknown = try only.run(["add", try TestPKI.pem("other-root"), "--env", "prod", "--purpose", "web",
                                    "--at", testTime])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("error: unknown purpose 'web'"), "\(unknown)")
    }

    @Test("--trusted-certificate writes TRUSTED CERTIFICATE files: openssl verify -purpose sslserver trusts a server-auth anchor and rejects a client-auth one")
    func trustedCertificates() throws {
        var verdicts: [String: RunResult] = [:]
        for purpose in ["server-auth", "client-auth"] {
            let store = try TestStore()
            let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--purpose", purpose,
                                     "--at", testTime])
            try #require(add.status == 0, "\(add)")
            // The intermediate has no purposes of its own: it must not become an anchor that bypasses its root's.
            let intermediate = try store.run(["add", try TestPKI.pem("intermediate"), "--env", "prod", "--at", testTime])
            try #require(intermediate.status == 0, "\(intermediate)")
            let dir = store.temp.file("capath")
            let result = try store.run(["export", "prod", "--format", "openssl-directory", "--trusted-certificate",
                                        "-o", dir, "--at", testTime])
            #expect(result.status == 0, "\(result)")
            let name = try subjectHash(TestPKI.pem("root")) + ".0"
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(text.contains("-----BEGIN TRUSTED CERTIFICATE-----"))
            #expect(text.contains("# Trusted for: \(purpose)\n"))
            let aux = try openssl(["x509", "-in", dir + "/" + name, "-trustout", "-noout", "-text"])
            #expect(aux.stdout.contains("Trusted Uses:"), "\(aux)")
            #expect(aux.stdout.contains("Rejected Uses:"), "\(aux)")
            let intermediateName = try subjectHash(TestPKI.pem("intermediate")) + ".0"
            let intermediateText = try String(contentsOfFile: dir + "/" + intermediateName, encoding: .utf8)
            #expect(intermediateText.contains("-----BEGIN CERTIFICATE-----"), "an intermediate carries no trust")
            verdicts[purpose] = try verifyWithCApath(dir, leaf: TestPKI.pem("leaf"), purpose: "sslserver")
            let plain = store.temp.file("plain")
            #expect(try store.run(["export", "prod", "--format", "openssl-directory", "-o", plain, "--at", testTime])
                .status == 0)
            #expect(try String(contentsOfFile: plain + "/" + name, encoding: .utf8).contains("-----BEGIN CERTIFICATE-----"),
                    "the plain and the trusted forms are cached apart")
        }
        let trusted = try #require(verdicts["server-auth"])
        #expect(trusted.status == 0, "\(trusted)")
        let rejected = try #require(verdicts["client-auth"])
        #expect(rejected.status != 0, "\(rejected)")
        #expect(rejected.stderr.contains("certificate rejected"), "\(rejected)")

        let store = try storeWith(["root"])
        let plain = store.temp.file("plain")
        #expect(try store.run(["export", "prod", "--format", "openssl-directory", "--trusted-certificate", "-o", plain,
                               "--at", testTime]).status == 0)
        let every = try verifyWithCApath(plain, leaf: TestPKI.pem("leaf"), untrusted: TestPKI.pem("intermediate"),
                                         purpose: "sslserver")
        #expect(every.status == 0, "an anchor without purposes is trusted for every purpose: \(every)")
    }
}

// MARK: - Helpers

/// A store whose prod holds the test PKI certificates `names` (one `add`, at the test time).
private func storeWith(_ names: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> TestStore {
    let store = try TestStore()
    let add = try store.run(["add"] + names.map { try TestPKI.pem($0) } + ["--env", "prod", "--at", testTime])
    try #require(add.status == 0, "add failed: \(add)", sourceLocation: sourceLocation)
    return store
}

/// The file names of a directory export, sorted, without the `.truststore-export` marker.
private func certificateNames(_ dir: String) throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(names.contains(".truststore-export"), "the marker file is missing in \(dir)")
    return names.filter { $0 != ".truststore-export" }.sorted()
}

/// Every file of a directory with its bytes.
private func directoryContents(_ dir: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
        out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    }
    return out
}

private func openssl(_ arguments: [String]) throws -> RunResult {
    try Run.program(Run.which("openssl") ?? "/usr/bin/openssl", arguments, cwd: "/",
                    environment: ProcessInfo.processInfo.environment)
}

/// `openssl x509 -subject_hash`: the 8 hex digits of a hashed directory's names.
private func subjectHash(_ file: String) throws -> String {
    try openssl(["x509", "-in", file, "-noout", "-subject_hash"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// `openssl verify -no-CAfile -no-CAstore -CApath DIR [-purpose P] -attime <test time> LEAF`.
private func verifyWithCApath(_ dir: String, leaf: String, untrusted: String? = nil, purpose: String? = nil) throws
    -> RunResult
{
    var arguments = ["verify", "-no-CAfile", "-no-CAstore", "-CApath", dir, "-attime", "1748736000"]
    if let untrusted { arguments += ["-untrusted", untrusted] }
    if let purpose { arguments += ["-purpose", purpose] }
    return try openssl(arguments + [leaf])
}

/// SHA-256 fingerprints (lowercase hex) in `keytool -list` output.
private func keytoolFingerprints(_ output: String) -> [String] {
    output.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("Certificate fingerprint (SHA-256): ") else { return nil }
        return line.dropFirst("Certificate fingerprint (SHA-256): ".count).filter(\.isHexDigit).lowercased()
    }
}

/// Python requests against a TLS server on 127.0.0.1 (in the same Python process) that presents only the test leaf,
/// with `verify=DIR`. Prints the status code; on a TLS failure prints the error and exits 1. The leaf is valid at
/// the wall clock (2025–2036).
private func requestsAgainstLeafOnlyServer(verify dir: String) throws -> RunResult {
    let script = """
        import http.server, ssl, sys, threading, requests
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args): pass
        server = http.server.HTTPServer(("127.0.0.1", 0), H)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            print(requests.get("https://127.0.0.1:%d/" % server.server_address[1], verify=sys.argv[3], timeout=10).status_code)
        except requests.exceptions.SSLError as error:
            print(error)
            sys.exit(1)
        """
    var env = ProcessInfo.processInfo.environment
    for key in ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy",
                "ALL_PROXY", "all_proxy"]
    {
        env.removeValue(forKey: key)
    }
    env["NO_PROXY"] = "127.0.0.1"
    return try Run.program(
        Run.which("timeout") ?? "/usr/bin/timeout",
        ["60", Run.which("python3") ?? "/usr/bin/python3", "-c", script, try TestPKI.pem("leaf"),
         try TestPKI.key("leaf"), dir], cwd: "/", environment: env)
}
