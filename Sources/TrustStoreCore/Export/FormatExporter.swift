/// Renders one selection of certificates (an ``ExportedBundle``, made by ``PEMBundleExporter``) in an
/// ``ExportFormat``: one place that maps each format to the file that writes it (as p11-kit's `trust/` has one
/// file per format).
package enum FormatExporter {
    /// Selects the certificates as ``PEMBundleExporter/export(_:environment:at:includeSystem:systemBundle:commit:)``
    /// does, keeps only those trusted for `purpose` (when given; certificates appended from the system bundle carry
    /// no purposes and are kept), and renders them in `format`.
    /// - Returns: the selection (with `certificates`, `records` and `text` narrowed to `purpose`) and the output.
    /// - Throws: ``TrustStoreError``: as the selection does; rejected when no certificate is trusted for `purpose`
    ///   (an empty output is never written); failure as ``render(_:format:options:store:environment:purposes:)``.
    package static func export(_ store: TrustStore, environment: String, at time: Int64, includeSystem: Bool,
                               systemBundle: String?, commit: String?, format: ExportFormat,
                               options: ExportFormatOptions, purpose: TrustPurpose?)
        throws(TrustStoreError) -> (bundle: ExportedBundle, output: ExportOutput)
    {
        var bundle = try PEMBundleExporter.export(
            store, environment: environment, at: time, includeSystem: includeSystem, systemBundle: systemBundle,
            commit: commit)
        // Each record carries the purposes of its origin file (inherited ones included): one resolution for every
        // format and for the purpose filter.
        let purposes = Dictionary(
            bundle.records.compactMap { r in r.purposes.map { (r.sha256, $0) } }, uniquingKeysWith: { a, _ in a })
        if let purpose {
            let envCount = bundle.records.count - bundle.systemCertificates
            var kept: [ExportRecord] = []
            for (i, record) in bundle.records.enumerated() {
                if i >= envCount || record.purposes?.contains(purpose) ?? true {
                    kept.append(record)
                } else {
                    bundle.omitted.append((BundleEntry(subject: record.subject, sha256: record.sha256),
                                           "not trusted for \(purpose.rawValue)"))
                }
            }
            if kept.count == bundle.systemCertificates {
                throw TrustStoreError(.rejected, "no certificate of '\(environment)' is trusted for "
                    + "\(purpose.rawValue); refusing to write an empty export",
                    hint: "see the purposes with 'truststore list --env \(environment)'")
            }
            bundle.records = kept
            let keep = Set(kept.map(\.sha256))
            bundle.certificates = bundle.certificates.filter { keep.contains($0.sha256) }
            bundle.text = kept.map(\.entry).joined(separator: "\n")
        }
        let output = try render(bundle, format: format, options: options, store: store, environment: environment,
                                purposes: purposes)
        return (bundle, output)
    }

    /// - Parameters:
    ///   - purposes: the purposes of each certificate of the environment by SHA-256 (``PurposeIndex``).
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read a certificate or encode the output, or the
    ///   history cannot be read (`json`).
    package static func render(_ bundle: ExportedBundle, format: ExportFormat, options: ExportFormatOptions,
                               store: TrustStore, environment: String, purposes: [String: Set<TrustPurpose>])
        throws(TrustStoreError) -> ExportOutput
    {
        let records = bundle.records
        switch format {
        case .pemBundle:
            return .file(Array(bundle.text.utf8))
        case .pemDirectory, .derDirectory:
            return .directory(PEMDirectoryExporter.files(records, der: format == .derDirectory))
        case .opensslDirectory:
            let cache = FormatCache(gitDirectory: store.repository.gitDirectory)
            let key = FormatCache.key(["openssl-directory 1", options.trustedCertificate ? "trusted" : "plain"]
                + records.map { record in
                    record.sha256 + (options.trustedCertificate
                        ? " \(record.kind.rawValue) " + (purposes[record.sha256]?.sorted().map(\.rawValue)
                            .joined(separator: ",") ?? "*")
                        : "")
                })
            if let cached = cache.files(for: key), cached.count == records.count { return .directory(cached) }
            let files = try HashedDirectoryExporter.files(
                records, trustedCertificate: options.trustedCertificate, purposes: purposes)
            cache.store(files, for: key)
            return .directory(files)
        case .pkcs7:
            let cache = FormatCache(gitDirectory: store.repository.gitDirectory)
            let key = FormatCache.key(["pkcs7 1", options.pem ? "pem" : "der"] + records.map(\.sha256))
            if let cached = cache.files(for: key), cached.count == 1 { return .file(cached[0].content) }
            let data = try PKCS7Exporter.data(records, pem: options.pem)
            cache.store([ExportFile(name: "pkcs7", content: data)], for: key)
            return .file(data)
        case .java:
            // Without a password the truststore holds nothing but the certificates, so it is cached like pkcs7;
            // with one, its MAC depends on the password, which is never written anywhere.
            guard options.password.isEmpty else {
                return .file(try PKCS12Exporter.data(records, password: options.password))
            }
            let cache = FormatCache(gitDirectory: store.repository.gitDirectory)
            let key = FormatCache.key(["java 1"] + records.map(\.sha256))
            if let cached = cache.files(for: key), cached.count == 1 { return .file(cached[0].content) }
            let data = try PKCS12Exporter.data(records, password: "")
            cache.store([ExportFile(name: "java", content: data)], for: key)
            return .file(data)
        case .json:
            return .file(try JSONManifestExporter.data(
                records, environmentCount: records.count - bundle.systemCertificates, store: store,
                environment: environment, commit: bundle.commit, purposes: purposes))
        }
    }
}
