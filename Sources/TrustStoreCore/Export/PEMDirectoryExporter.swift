/// `export --format pem-directory` and `der-directory`: one file per certificate, named
/// `<readable name>_<first 16 hex of SHA-256>.pem` (the record's comment header and PEM block) or `.crt` (DER), as
/// p11-kit's `trust extract --format=pem-directory` does (without the hash links; see ``HashedDirectoryExporter``).
enum PEMDirectoryExporter {
    static func files(_ records: [ExportRecord], der: Bool) -> [ExportFile] {
        records.map { record in
            der ? ExportFile(name: record.fileStem + ".crt", content: record.der)
                : ExportFile(name: record.fileStem + ".pem", content: Array(record.entry.utf8))
        }
    }
}
