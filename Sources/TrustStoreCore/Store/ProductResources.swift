internal import TrustStoreGit

/// The product's own files that `init` copies into a new store: the store template
/// (`stores/template/`) and the stock hooks (`hooks/`).
public struct ProductResources: Sendable {
    /// The directory holding `stores/template/` and `hooks/`.
    public var directory: String

    /// Finds the product's files: `TRUSTSTORE_SHARE_DIR`, else `<bin>/../share/truststore` (an
    /// installed copy, see `make install`), else the nearest directory above the executable that holds
    /// `stores/template/truststore.toml` (a source checkout running `.build/*/truststore`).
    /// - Throws: ``TrustStoreError`` (failure) listing where it looked.
    public static func locate(executable: String, environment: [String: String]) throws(TrustStoreError)
        -> ProductResources
    {
        var tried: [String] = []
        if let dir = environment["TRUSTSTORE_SHARE_DIR"] {
            if isProduct(dir) { return ProductResources(directory: dir) }
            tried.append(dir)
        }
        var dir = executable
        if let slash = dir.lastIndex(of: "/") { dir = String(dir[..<slash]) }
        let installed = TrustStore.normalized(dir + "/../share/truststore")
        if isProduct(installed) { return ProductResources(directory: installed) }
        tried.append(installed)
        while dir.count > 1 {
            if isProduct(dir) { return ProductResources(directory: dir) }
            guard let slash = dir.lastIndex(of: "/") else { break }
            dir = String(dir[..<slash])
        }
        tried.append("the directories above \(executable)")
        throw TrustStoreError(.failure, "cannot find the store template (stores/template/truststore.toml); looked in "
            + tried.joined(separator: ", "), hint: "set TRUSTSTORE_SHARE_DIR to the truststore source or share directory")
    }

    private static func isProduct(_ dir: String) -> Bool {
        FileIO.exists(dir + "/stores/template/" + StoreConfig.fileName)
    }

    /// `stores/template/` of the product.
    public var templateDirectory: String { directory + "/stores/template" }
    /// `hooks/` of the product.
    public var hooksDirectory: String { directory + "/hooks" }
}
