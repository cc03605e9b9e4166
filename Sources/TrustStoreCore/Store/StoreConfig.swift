import TOMLKit

/// The store's configuration, `truststore.toml` at the store root, read and written with TOMLKit
/// (toml++). Keys missing from the file take the defaults below.
///
/// ```toml
/// version = 1
/// [policy]
/// min_rsa_bits = 2048
/// min_ec_bits = 256
/// min_signature_security_bits = 112
/// allow_x509_v1_roots = true
/// [environments.prod]
/// description = "production services"
/// [environments.dev]
/// description = "developer machines"
/// extends = ["prod"]            # dev trusts what prod trusts, plus its own certificates
/// [[environments.prod.distrust]] # see DistrustEntry
/// spki_sha256 = "…"
/// reason = "CA compromised"
/// ```
public struct StoreConfig: Codable, Sendable, Equatable {
    /// The file name of the configuration at the store root.
    public static let fileName = "truststore.toml"

    public var version: Int
    public var policy: Policy
    /// Declared environments by name. An environment not declared here does not exist.
    public var environments: [String: EnvironmentConfig]
    /// The `[hooks]` table: time limit and per-hook settings (see ``HooksConfig``).
    public var hooks: HooksConfig

    /// Validation limits applied by `add` (and by `remove`'s path check).
    public struct Policy: Codable, Sendable, Equatable {
        /// Minimum RSA (and DSA) key size in bits; 2048 matches OpenSSL security level 2.
        public var minRSABits: Int
        /// Minimum elliptic-curve key size in bits.
        public var minECBits: Int
        /// Minimum security bits of a signature that is relied upon (not a root's self-signature), as
        /// OpenSSL rates it with `X509_get_signature_info`: 112 excludes MD5 and SHA-1.
        public var minSignatureSecurityBits: Int
        /// Accept self-signed X.509 v1 roots (which carry no basicConstraints) with a warning.
        public var allowX509V1Roots: Bool
        /// OpenSSL security level for path validation (`X509_VERIFY_PARAM_set_auth_level`).
        public var securityLevel: Int

        public init() {
            minRSABits = 2048
            minECBits = 256
            minSignatureSecurityBits = 112
            allowX509V1Roots = true
            securityLevel = 2
        }

        enum CodingKeys: String, CodingKey {
            case minRSABits = "min_rsa_bits"
            case minECBits = "min_ec_bits"
            case minSignatureSecurityBits = "min_signature_security_bits"
            case allowX509V1Roots = "allow_x509_v1_roots"
            case securityLevel = "security_level"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Policy()
            minRSABits = try c.decodeIfPresent(Int.self, forKey: .minRSABits) ?? d.minRSABits
            minECBits = try c.decodeIfPresent(Int.self, forKey: .minECBits) ?? d.minECBits
            minSignatureSecurityBits =
                try c.decodeIfPresent(Int.self, forKey: .minSignatureSecurityBits) ?? d.minSignatureSecurityBits
            allowX509V1Roots = try c.decodeIfPresent(Bool.self, forKey: .allowX509V1Roots) ?? d.allowX509V1Roots
            securityLevel = try c.decodeIfPresent(Int.self, forKey: .securityLevel) ?? d.securityLevel
        }
    }

    /// One declared environment. Always encoded with its `description` key (possibly empty), since an empty
    /// TOML table would be dropped and the environment with it.
    public struct EnvironmentConfig: Codable, Sendable, Equatable {
        public var description: String?
        /// Exports always append the machine's default bundle (`export --include-system`).
        public var includeSystem: Bool
        /// Environments whose trust this one inherits, in order (see ``EnvironmentResolver``).
        public var extends: [String]
        /// Distrust entries recorded for this environment (and inherited by the environments extending it).
        public var distrust: [DistrustEntry]

        public init(description: String? = nil, includeSystem: Bool = false, extends: [String] = [],
                    distrust: [DistrustEntry] = [])
        {
            self.description = description
            self.includeSystem = includeSystem
            self.extends = extends
            self.distrust = distrust
        }

        enum CodingKeys: String, CodingKey {
            case description
            case includeSystem = "include_system"
            case extends
            case distrust
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let text = try c.decodeIfPresent(String.self, forKey: .description)
            description = text?.isEmpty == true ? nil : text
            includeSystem = try c.decodeIfPresent(Bool.self, forKey: .includeSystem) ?? false
            extends = try c.decodeIfPresent([String].self, forKey: .extends) ?? []
            distrust = try c.decodeIfPresent([DistrustEntry].self, forKey: .distrust) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(description ?? "", forKey: .description)
            if includeSystem { try c.encode(true, forKey: .includeSystem) }
            if !extends.isEmpty { try c.encode(extends, forKey: .extends) }
            if !distrust.isEmpty { try c.encode(distrust, forKey: .distrust) }
        }
    }

    public init(environments: [String: EnvironmentConfig]) {
        version = 1
        policy = Policy()
        self.environments = environments
        hooks = HooksConfig()
    }

    enum CodingKeys: String, CodingKey {
        case version, policy, environments, hooks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        policy = try c.decodeIfPresent(Policy.self, forKey: .policy) ?? Policy()
        environments = try c.decodeIfPresent([String: EnvironmentConfig].self, forKey: .environments) ?? [:]
        hooks = try c.decodeIfPresent(HooksConfig.self, forKey: .hooks) ?? HooksConfig()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(policy, forKey: .policy)
        try c.encode(environments, forKey: .environments)
        if hooks != HooksConfig() { try c.encode(hooks, forKey: .hooks) }
    }

    /// Environment names in sorted order.
    public var environmentNames: [String] { environments.keys.sorted() }

    /// Parses TOML text.
    /// - Throws: ``TrustStoreError`` (failure) quoting TOMLKit's parse error and `source`.
    public static func parse(_ text: String, source: String) throws(TrustStoreError) -> StoreConfig {
        do {
            return try TOMLDecoder().decode(StoreConfig.self, from: text)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(source)': \(error)")
        }
    }

    /// The configuration as TOML text (tables in sorted key order, so the output is deterministic),
    /// preceded by a short comment.
    public func rendered() throws(TrustStoreError) -> String {
        let body: String
        do {
            body = try TOMLEncoder().encode(self)
        } catch {
            throw TrustStoreError(.failure, "cannot write the store configuration: \(error)")
        }
        return """
            # truststore store configuration. Environments are declared here; manage them with
            # 'truststore env add|remove'. Policy limits apply to every 'truststore add'.

            """ + body + (body.hasSuffix("\n") ? "" : "\n")
    }
}
