#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The systemd drop-in that opens kioskd's IP allow list to its back office.
///
/// kioskd.service denies every IP address but loopback (`IPAddressDeny=any`,
/// `IPAddressAllow=localhost`): a compromised daemon in a public place cannot reach anything
/// else on the store's network. systemd takes addresses, not host names, so the back office's
/// addresses are resolved when the drop-in is written (`kioskd --network-policy`, run again
/// after the back office moves), together with the name servers kioskd needs to resolve it
/// itself (those in resolv.conf that are not loopback; systemd-resolved's 127.0.0.53 is).
public struct NetworkPolicy: Sendable, Equatable {
    /// Where the package and docs/OPERATIONS.md put it.
    public static let dropInPath = "/etc/systemd/system/kioskd.service.d/50-backoffice-address.conf"

    public var backOffice: URL
    /// The back office's addresses, as getaddrinfo gave them, sorted.
    public var addresses: [String]
    /// Name servers kioskd must reach to resolve the back office (not loopback), as listed.
    public var nameServers: [String]

    /// Why a drop-in cannot be written, in a sentence a technician can act on.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noBackOffice(configuration: String)
        case unresolvable(host: String, reason: String)

        public var description: String {
            switch self {
            case .noBackOffice(let configuration):
                return "\(configuration) has no [backoffice] url, so kioskd needs no address beyond loopback; set it first (kioskd.toml(5))"
            case .unresolvable(let host, let reason):
                return "cannot resolve the back office host \(host) (\(reason)); check its name and this machine's DNS, then run kioskd --network-policy again"
            }
        }
    }

    /// Resolves `settings.url`'s host now; `resolvConf` is read for name servers.
    public static func make(for settings: BackOfficeLinkSettings?, configuration: String,
                            resolvConf: String = "/etc/resolv.conf") throws(Problem) -> NetworkPolicy {
        guard let settings, let host = settings.url.host, !host.isEmpty else { throw .noBackOffice(configuration: configuration) }
        let addresses = try resolve(host)
        let text = (try? String(contentsOfFile: resolvConf, encoding: .utf8)) ?? ""
        return NetworkPolicy(backOffice: settings.url, addresses: addresses, nameServers: nameServers(inResolvConf: text))
    }

    /// The name servers of a resolv.conf text, in order, loopback ones left out (already allowed).
    public static func nameServers(inResolvConf text: String) -> [String] {
        var servers: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            // A scoped IPv6 address (fe80::1%eth0) is allowed by its address.
            let server = String(words[1].split(separator: "%").first ?? words[1])
            guard isNumericAddress(server), !isLoopback(server), !servers.contains(server) else { continue }
            servers.append(server)
        }
        return servers
    }

    /// The drop-in's text: comments saying where each address comes from, then the list.
    public func dropIn(generatedAt: Date = Date()) -> String {
        let stamp = ISO8601DateFormatter().string(from: generatedAt)
        var lines = [
            "# Written by `kioskd --network-policy` at \(stamp): kioskd.service allows loopback only;",
            "# this opens it to the back office \(backOffice.absoluteString) as resolved then,",
            "# and to the name servers that resolve it. Write it again when either changes.",
            "[Service]",
        ]
        // systemd takes no comment after a value: each source gets its own comment line.
        lines.append("# the back office (\(backOffice.host ?? ""))")
        lines += addresses.map { "IPAddressAllow=\($0)" }
        if !nameServers.isEmpty {
            lines.append("# name servers (/etc/resolv.conf)")
            lines += nameServers.map { "IPAddressAllow=\($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func resolve(_ host: String) throws(Problem) -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw .unresolvable(host: bare, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var found = Set<String>()
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                found.insert(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        guard !found.isEmpty else { throw .unresolvable(host: bare, reason: "no address") }
        return found.sorted()
    }

    static func isNumericAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1"
    }
}
