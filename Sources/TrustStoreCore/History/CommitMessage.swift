package import TrustStoreOpenSSL

/// Commit messages of trust changes: a subject line, a readable body, and provenance as git trailers
/// in the last paragraph, which `git interpret-trailers --parse` and libgit2's `git_message_trailers` read.
///
/// ```
/// prod: add intermediate 'Test Intermediate CA'
///
/// Added to prod:
///   intermediate  CN=Test Intermediate CA,O=Example Org
///                 sha256 3f1c…  expires 2040-01-01
///
/// Truststore-Action: add
/// Truststore-Environment: prod
/// Truststore-Certificate: 3f1c… intermediate CN=Test Intermediate CA,O=Example Org
/// Truststore-Reason: payments API serves a leaf-only chain
/// Truststore-Source: file:intermediate.pem
/// Truststore-Input: intermediate.pem (PEM, 1 certificate)
/// Truststore-Validated-At: 2026-11-29T07:44:37Z
/// ```
package enum CommitMessage {
    package enum Key {
        package static let action = "Truststore-Action"
        package static let environment = "Truststore-Environment"
        package static let certificate = "Truststore-Certificate"
        package static let reason = "Truststore-Reason"
        package static let source = "Truststore-Source"
        package static let input = "Truststore-Input"
        package static let validatedAt = "Truststore-Validated-At"
        package static let forced = "Truststore-Forced"
        package static let noVerify = "Truststore-No-Verify"
        /// `promote`: the environment the certificates were promoted from.
        package static let from = "Truststore-From"
        /// `distrust`: one entry, `sha256 HEX`, `spki-sha256 HEX` or `issuer-serial ISSUER SERIAL`.
        package static let distrust = "Truststore-Distrust"
        /// `distrust --after`: the time after which issued certificates are distrusted (RFC 3339 UTC).
        package static let distrustAfter = "Truststore-Distrust-After"
        package static let purpose = "Truststore-Purpose"
    }

    package static func add(
        environment: String, added: [(info: CertificateInfo, kind: CertificateKind, input: String)], reason: String?,
        source: String?, inputs: [String], validatedAt: Int64, purposes: [TrustPurpose] = []
    ) -> String {
        var trailers: [(String, String)] = [(Key.action, "add"), (Key.environment, environment)]
        trailers += added.map { (Key.certificate, "\($0.info.fingerprint) \($0.kind.rawValue) \($0.info.subject)") }
        if let reason { trailers.append((Key.reason, reason)) }
        if let source {
            trailers.append((Key.source, source))
        } else {
            var files: [String] = []
            for entry in added where !files.contains(entry.input) { files.append(entry.input) }
            trailers += files.map { (Key.source, $0 == "(stdin)" ? "stdin" : "file:\($0)") }
        }
        trailers += inputs.map { (Key.input, $0) }
        trailers.append((Key.validatedAt, Timestamp.format(validatedAt)))
        if !purposes.isEmpty {
            trailers.append((Key.purpose, purposes.sorted().map(\.rawValue).joined(separator: ", ")))
        }
        return build(
            subject: "\(environment): add \(describe(added.map { ($0.info, $0.kind) }))",
            body: "Added to \(environment):\n" + listing(added.map { ($0.info, $0.kind) }), trailers: trailers)
    }

    package static func remove(
        environment: String, removed: [(info: CertificateInfo, kind: CertificateKind)], reason: String,
        forced: [String]
    ) -> String {
        var trailers: [(String, String)] = [(Key.action, "remove"), (Key.environment, environment)]
        trailers += removed.map { (Key.certificate, "\($0.info.fingerprint) \($0.kind.rawValue) \($0.info.subject)") }
        trailers.append((Key.reason, reason))
        trailers += forced.map { (Key.forced, $0) }
        return build(
            subject: "\(environment): remove \(describe(removed))",
            body: "Removed from \(environment):\n" + listing(removed), trailers: trailers)
    }

    /// `prod: promote root 'X' from staging`, with `Truststore-Action: promote`, `Truststore-Environment` the
    /// target and `Truststore-From` the source environment.
    package static func promote(
        from: String, to: String, promoted: [(info: CertificateInfo, kind: CertificateKind)], reason: String?,
        source: String?, validatedAt: Int64
    ) -> String {
        var trailers: [(String, String)] = [(Key.action, "promote"), (Key.environment, to), (Key.from, from)]
        trailers += promoted.map { (Key.certificate, "\($0.info.fingerprint) \($0.kind.rawValue) \($0.info.subject)") }
        if let reason { trailers.append((Key.reason, reason)) }
        if let source { trailers.append((Key.source, source)) }
        trailers.append((Key.validatedAt, Timestamp.format(validatedAt)))
        return build(
            subject: "\(to): promote \(describe(promoted)) from \(from)",
            body: "Promoted from \(from) to \(to):\n" + listing(promoted), trailers: trailers)
    }

    /// `prod: distrust 'X'`, with `Truststore-Action: distrust`, one `Truststore-Distrust` per entry and
    /// `Truststore-Distrust-After` when the entries are distrust-after ones.
    package static func distrust(environment: String, entries: [DistrustEntry], reason: String) -> String {
        var trailers: [(String, String)] = [(Key.action, "distrust"), (Key.environment, environment)]
        trailers += entries.map { (Key.distrust, distrustValue($0)) }
        if let after = entries.first?.after { trailers.append((Key.distrustAfter, after)) }
        trailers.append((Key.reason, reason))
        let names = entries.map { $0.subject.map { "'\($0)'" } ?? $0.label }
        let what = names.count == 1 ? names[0] : "\(names.count) certificates"
        let scope = entries.first?.after.map { " for certificates issued after \($0)" } ?? ""
        let body = "Distrusted in \(environment)\(scope):\n" + entries.map { "  \($0.label)  \($0.subject ?? "")" }
            .joined(separator: "\n")
        return build(subject: "\(environment): distrust \(what)\(scope)", body: body, trailers: trailers)
    }

    /// The value of a `Truststore-Distrust` trailer: `sha256 HEX`, `spki-sha256 HEX` or `issuer-serial ISSUER SERIAL`.
    private static func distrustValue(_ entry: DistrustEntry) -> String {
        switch entry.key {
        case .fingerprint: return "sha256 \(entry.sha256 ?? "")"
        case .spki: return "spki-sha256 \(entry.spkiSHA256 ?? "")"
        case .issuerSerial: return "issuer-serial \(entry.issuer ?? "") \(entry.serial ?? "")"
        }
    }

    /// `prod: undistrust 'X'`, with `Truststore-Action: undistrust` and one `Truststore-Distrust` per entry removed.
    package static func undistrust(environment: String, entries: [DistrustEntry], reason: String) -> String {
        var trailers: [(String, String)] = [(Key.action, "undistrust"), (Key.environment, environment)]
        trailers += entries.map { (Key.distrust, distrustValue($0)) }
        trailers.append((Key.reason, reason))
        let names = entries.map { $0.subject.map { "'\($0)'" } ?? $0.label }
        return build(
            subject: "\(environment): undistrust " + (names.count == 1 ? names[0] : "\(names.count) entries"),
            body: "Distrust entries removed from \(environment):\n"
                + entries.map { "  \($0.label)  \($0.subject ?? "")" }.joined(separator: "\n"),
            trailers: trailers)
    }

    /// `environment 'dev' extends prod`, with `Truststore-Action: env-extend` and one `Truststore-Extends` per parent.
    package static func extend(name: String, parents: [String], reason: String?) -> String {
        var trailers: [(String, String)] = [(Key.action, "env-extend"), (Key.environment, name)]
        trailers += parents.map { ("Truststore-Extends", $0) }
        if let reason { trailers.append((Key.reason, reason)) }
        return build(subject: "environment '\(name)' extends " + parents.joined(separator: ", "),
                     body: "'\(name)' now trusts what " + parents.map { "'\($0)'" }.joined(separator: " and ")
                        + " trust\(parents.count == 1 ? "s" : ""), as well as its own certificates",
                     trailers: trailers)
    }

    package static func environment(action: String, name: String, description: String?, reason: String?) -> String {
        var trailers: [(String, String)] = [(Key.action, action), (Key.environment, name)]
        if let reason { trailers.append((Key.reason, reason)) }
        let verb = action == "env-add" ? "declare environment" : "remove environment"
        let body = description.map { "Description: \($0)" } ?? ""
        return build(subject: "\(verb) '\(name)'", body: body, trailers: trailers)
    }

    package static func initial(environments: [String]) -> String {
        build(
            subject: "init truststore store",
            body: "Environments: " + environments.joined(separator: ", "),
            trailers: [(Key.action, "init")])
    }

    private static func describe(_ certs: [(info: CertificateInfo, kind: CertificateKind)]) -> String {
        if certs.count == 1, let only = certs.first { return "\(only.kind.rawValue) '\(only.info.commonName)'" }
        let roots = certs.filter { $0.kind == .root }.count
        let intermediates = certs.count - roots
        var parts: [String] = []
        if roots > 0 { parts.append("\(roots) root\(roots == 1 ? "" : "s")") }
        if intermediates > 0 { parts.append("\(intermediates) intermediate\(intermediates == 1 ? "" : "s")") }
        return "\(certs.count) certificates (" + parts.joined(separator: ", ") + ")"
    }

    private static func listing(_ certs: [(info: CertificateInfo, kind: CertificateKind)]) -> String {
        certs.map { c in
            let kind = c.kind.rawValue.padding(to: 13)
            return "  \(kind) \(c.info.subject)\n  \(String().padding(to: 13)) sha256 \(c.info.fingerprint.prefix(16))  "
                + "expires \(Timestamp.formatDate(c.info.notAfter))"
        }.joined(separator: "\n")
    }

    /// Joins subject, body and trailers; trailer values are made single-line.
    private static func build(subject: String, body: String, trailers: [(String, String)]) -> String {
        let lines = trailers.map { "\($0.0): \(oneLine($0.1))" }
        var text = oneLine(subject) + "\n\n"
        if !body.isEmpty { text += body + "\n\n" }
        return text + lines.joined(separator: "\n") + "\n"
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.contains(where: \.isNewline) ? String(text.map { $0.isNewline ? " " : $0 }) : text
        return flat.first == " " || flat.last == " " ? flat.trimmingCharacters(in: " ") : flat
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
