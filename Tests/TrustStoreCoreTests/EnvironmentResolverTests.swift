import Testing
@testable import TrustStoreCore

@Suite("Environment inheritance, in process")
struct EnvironmentResolverTests {
    private func config(_ extends: [String: [String]]) -> StoreConfig {
        StoreConfig(environments: extends.mapValues { StoreConfig.EnvironmentConfig(extends: $0) })
    }

    @Test("lineage is depth-first in extends order, each environment once")
    func lineageOrder() throws {
        let resolver = EnvironmentResolver(config: config(["dev": ["staging", "base"], "staging": ["base"], "base": []]))
        #expect(try resolver.lineage(of: "dev") == ["dev", "staging", "base"])
        #expect(try resolver.lineage(of: "base") == ["base"])
    }

    @Test("a cycle is named from the environment asked for")
    func cycleNamed() {
        let resolver = EnvironmentResolver(config: config(["dev": ["prod"], "prod": ["dev"]]))
        #expect(throws: TrustStoreError.self) { try resolver.lineage(of: "dev") }
        do {
            _ = try resolver.lineage(of: "dev")
        } catch {
            #expect(error.message == "environment inheritance has a cycle: dev -> prod -> dev")
        }
    }
}
