import Foundation
import Testing
import TestSupport

@Suite("add and export on a generated test PKI")
struct AddExportTests {
    @Test("a root and its intermediate are committed with provenance trailers and exported as a bundle")
    func rootAndIntermediate() throws {
        let store = try TestStore()
        let before = try store.commitCount()
        let add = try store.run([
            "add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "prod", "--at", testTime,
            "--reason", "payments API serves a leaf-only chain", "--source", "ticket SEC-1",
        ])
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 2 certificates"))
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("prod").count == 2)

        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: add"))
        #expect(trailers.contains("Truststore-Environment: prod"))
        #expect(trailers.contains("Truststore-Reason: payments API serves a leaf-only chain"))
        #expect(trailers.contains("Truststore-Source: ticket SEC-1"))
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(rootFP) root CN=Test Root CA") })
        let author = try store.git(["log", "-1", "--format=%an <%ae>"]).stdout
        #expect(author == "Test Author <test.author@example.test>\n")

        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status == 0, "\(export)")
        let fps = try fingerprints(ofBundle: export.stdout)
        #expect(Set(fps) == [rootFP, try fingerprint(ofFile: try TestPKI.pem("intermediate"))])
        #expect(!export.stdoutBytes.contains(0x0D))
        #expect(export.stdout.hasPrefix("# Subject: "))

        let again = try store.run(["export", "prod", "--at", testTime])
        #expect(again.stdoutBytes == export.stdoutBytes, "export must be byte-identical for the same store state")
    }
}
