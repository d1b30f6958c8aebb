import Foundation
import Testing
@testable import KioskDaemon

/// `kioskd --network-policy` (issue 15 item 3): the drop-in that opens kioskd.service's
/// loopback-only IP allow list to the back office and the name servers that resolve it.
@Suite("Network policy drop-in")
struct NetworkPolicyTests {
    func settings(_ url: String) throws -> BackOfficeLinkSettings? {
        try Configuration.parse("[backoffice]\nurl = \"\(url)\"\ntoken_file = \"/etc/kioskd/token\"\n", path: "kioskd.toml").backOffice
    }

    @Test("an address in the URL is allowed as it is; loopback name servers are left out; scoped IPv6 by its address")
    func literalAddress() throws {
        let resolv = "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\nnameserver 10.0.0.2\nsearch example\nnameserver not-an-address\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netpolicy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let resolvPath = directory.appendingPathComponent("resolv.conf").path
        try resolv.write(toFile: resolvPath, atomically: true, encoding: .utf8)

        let policy = try NetworkPolicy.make(for: try settings("https://192.0.2.10:8443/api"), configuration: "kioskd.toml", resolvConf: resolvPath)
        #expect(policy.addresses == ["192.0.2.10"])
        #expect(policy.nameServers == ["10.0.0.2", "fe80::1"])
        let text = policy.dropIn(generatedAt: Date(timeIntervalSince1970: 0))
        let settingLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(settingLines == ["[Service]", "IPAddressAllow=192.0.2.10", "IPAddressAllow=10.0.0.2", "IPAddressAllow=fe80::1"], "\(text)")
        #expect(text.contains("https://192.0.2.10:8443/api") && text.contains("1970-01-01T00:00:00Z"))
    }

    @Test("a host name is resolved now (localhost: both families as the resolver gives them)")
    func hostName() throws {
        let policy = try NetworkPolicy.make(for: try settings("http://localhost:8080"), configuration: "kioskd.toml", resolvConf: "/nonexistent")
        #expect(!policy.addresses.isEmpty && policy.addresses.allSatisfy { $0 == "127.0.0.1" || $0 == "::1" }, "\(policy.addresses)")
        #expect(policy.nameServers.isEmpty)
    }

    @Test("no back office, or a name that does not resolve: a sentence naming what to do")
    func problems() throws {
        #expect(throws: NetworkPolicy.Problem.noBackOffice(configuration: "/etc/kioskd/kioskd.toml")) {
            try NetworkPolicy.make(for: nil, configuration: "/etc/kioskd/kioskd.toml")
        }
        let unresolvable = try settings("https://no-such-host.invalid")
        do {
            _ = try NetworkPolicy.make(for: unresolvable, configuration: "kioskd.toml")
            Issue.record("an .invalid host resolved")
        } catch {
            guard case .unresolvable(let host, _) = error else { Issue.record("\(error)"); return }
            #expect(host == "no-such-host.invalid")
            #expect(error.description.contains("kioskd --network-policy again"), "\(error.description)")
        }
        #expect(NetworkPolicy.Problem.noBackOffice(configuration: "x.toml").description.contains("x.toml has no [backoffice] url"))
    }
}
