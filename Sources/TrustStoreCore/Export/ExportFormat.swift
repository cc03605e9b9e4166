/// The output formats of `truststore export --format NAME`.
///
/// Every format is written from the same selection of certificates (``PEMBundleExporter``: the environment at the
/// export commit, without those outside their validity period at the export time, ordered by subject then SHA-256
/// fingerprint), and every format is deterministic: the same selection gives the same bytes.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// One PEM bundle with certifi-style comment headers (the default).
    case pemBundle = "pem-bundle"
    /// A directory of one PEM file per certificate, `<name>_<first 16 hex of SHA-256>.pem`.
    case pemDirectory = "pem-directory"
    /// A hashed directory for OpenSSL's `-CApath` / `SSL_CERT_DIR`: `HASH.N` files as `openssl rehash` names them.
    case opensslDirectory = "openssl-directory"
    /// A directory of one DER file per certificate, `<name>_<first 16 hex of SHA-256>.crt`.
    case derDirectory = "der-directory"
    /// A certificates-only PKCS #7 SignedData (DER; PEM with `--pem`).
    case pkcs7
    /// A PKCS #12 truststore for Java (`keytool`, `javax.net.ssl.trustStore`), one trusted entry per certificate.
    case java
    /// A JSON manifest of the exported certificates with their provenance, for inventory and audit tools.
    case json

    /// The format named `name` on the command line.
    /// - Throws: ``TrustStoreError`` (usage) for an unknown name, listing the built-in formats.
    public static func parse(_ name: String) throws(TrustStoreError) -> ExportFormat {
        guard let format = ExportFormat(rawValue: name) else {
            throw TrustStoreError(.usage, "unknown export format '\(name)'",
                                  hint: "the formats are " + allCases.map(\.rawValue).joined(separator: ", ")
                                      + "; another format NAME needs the plugin truststore-export-NAME on PATH")
        }
        return format
    }

    /// Whether the output is a directory (written whole, see ``DirectoryWriter``), so `-o DIR` is required.
    public var writesDirectory: Bool {
        switch self {
        case .pemDirectory, .opensslDirectory, .derDirectory: return true
        case .pemBundle, .pkcs7, .java, .json: return false
        }
    }
}

/// Options of the non-default export formats.
public struct ExportFormatOptions: Sendable {
    /// `pkcs7`: the PEM form (`-----BEGIN PKCS7-----`) instead of DER.
    public var pem = false
    /// `java`: the store password (UTF-8); empty for a store without a password (and without a MAC).
    public var password = ""
    /// `openssl-directory`: `TRUSTED CERTIFICATE` blocks carrying each anchor's purposes as trust and the others as
    /// reject bits.
    public var trustedCertificate = false

    public init(pem: Bool = false, password: String = "", trustedCertificate: Bool = false) {
        self.pem = pem
        self.password = password
        self.trustedCertificate = trustedCertificate
    }
}

/// What an export writes: the bytes of one file, or the files of one directory.
public enum ExportOutput: Sendable {
    case file([UInt8])
    case directory([ExportFile])
}

/// One file of a directory export.
public struct ExportFile: Sendable, Equatable {
    /// A plain file name (no `/`).
    public var name: String
    public var content: [UInt8]
}
