import ArgumentParser
import FoundationEssentials
import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// The plugin `truststore-pin`, run as `truststore pin`: RFC 7469 SPKI pins for certificate pinning.
@main
struct PinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truststore pin",
        abstract: "Print RFC 7469 SPKI pins (base64 SHA-256 of the SubjectPublicKeyInfo) of an environment or a file.",
        discussion: """
            One line per certificate: pin-sha256="BASE64", the first 16 hex digits of the certificate's SHA-256, \
            and its subject. With ENV the store is $TRUSTSTORE_STORE (set by truststore), --store, $TRUSTSTORE_DIR, \
            or the nearest store above the current directory.
            """)

    @Argument(help: ArgumentHelp("The environment whose certificates to pin.", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("Pin the certificates of this file instead (PEM, DER or PKCS #7).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("The store's directory.", valueName: "dir"))
    var store: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if env == nil && file == nil { throw ValidationError("give an environment, or a certificate file with --file") }
        if env != nil && file != nil { throw ValidationError("give an environment or --file, not both") }
    }

    func run() throws {
        do throws(TrustStoreError) {
            let environment = ProcessInfo.processInfo.environment
            let cwd = FileManager.default.currentDirectoryPath
            let pins: [SPKIPin]
            if let file {
                let path = absolutePath(file, cwd: cwd)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw TrustStoreError(.rejected, "cannot read '\(file)'")
                }
                pins = try SPKIPin.pins(ofInput: [UInt8](data), name: file)
            } else {
                let located = try TrustStore.locate(
                    explicit: store ?? environment["TRUSTSTORE_STORE"], environment: environment, cwd: cwd)
                pins = try SPKIPin.pins(of: env ?? "", in: located)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: (try? encoder.encode(pins)) ?? Data(), as: UTF8.self))
            } else {
                for p in pins { print("pin-sha256=\"\(p.pin)\"  \(p.sha256.prefix(16))  \(p.subject)") }
            }
        } catch {
            var text = "error: \(error.message)\n" + (error.hint.map { "hint: \($0)\n" } ?? "")
            text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
            throw ExitCode(error.exitStatus)
        }
    }
}
