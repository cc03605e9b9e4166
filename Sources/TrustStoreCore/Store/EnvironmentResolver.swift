/// Environment inheritance and distrust, resolved from one configuration (`truststore.toml` at a commit).
///
/// An environment with `extends = ["prod"]` trusts its own certificates and then those of every environment
/// it extends, transitively, depth-first in the order given, each environment once. Distrust entries are
/// inherited the same way: an entry recorded in `prod` also applies to `dev`, and one recorded in `dev`
/// applies to what `dev` inherits from `prod`. Distrust always wins over trust.
package struct EnvironmentResolver: Sendable {
    package var config: StoreConfig

    package init(config: StoreConfig) {
        self.config = config
    }

    /// `environment` followed by the environments it inherits from, depth-first in `extends` order, each once.
    /// - Throws: ``TrustStoreError`` (failure) when an `extends` names an unknown environment or the
    ///   inheritance has a cycle, naming it (`dev -> prod -> dev`).
    package func lineage(of environment: String) throws(TrustStoreError) -> [String] {
        var out: [String] = []
        var stack: [String] = []
        try visit(environment, stack: &stack, out: &out)
        return out
    }

    private func visit(_ name: String, stack: inout [String], out: inout [String]) throws(TrustStoreError) {
        if let start = stack.firstIndex(of: name) {
            let cycle = (stack[start...] + [name]).joined(separator: " -> ")
            throw TrustStoreError(.failure, "environment inheritance has a cycle: \(cycle)",
                hint: "fix 'extends' in \(StoreConfig.fileName) and commit it")
        }
        guard let env = config.environments[name] else {
            let parent = stack.last ?? name
            var hint = "known environments: " + config.environmentNames.joined(separator: ", ")
            if let close = Suggestion.closest(to: name, among: config.environmentNames) {
                hint = "did you mean '\(close)'? " + hint
            }
            throw TrustStoreError(.failure, "environment '\(parent)' extends unknown environment '\(name)'", hint: hint)
        }
        if out.contains(name) { return }
        out.append(name)
        stack.append(name)
        for parent in env.extends { try visit(parent, stack: &stack, out: &out) }
        stack.removeLast()
    }

    /// Checks every environment's `extends` (unknown names, cycles).
    /// - Throws: ``TrustStoreError`` (failure) as ``lineage(of:)``.
    package func validate() throws(TrustStoreError) {
        for name in config.environmentNames { _ = try lineage(of: name) }
    }

    /// The distrust entries that apply to `environment`: its own, then those of the environments it inherits
    /// from, in ``lineage(of:)`` order.
    package func distrust(for environment: String) throws(TrustStoreError) -> [AppliedDistrust] {
        try lineage(of: environment).flatMap { name in
            (config.environments[name]?.distrust ?? []).map { AppliedDistrust(environment: name, entry: $0) }
        }
    }

    /// The environments that extend `environment` directly.
    package func children(of environment: String) -> [String] {
        config.environmentNames.filter { config.environments[$0]?.extends.contains(environment) == true }
    }
}
