#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProtocol

/// Maps a peer's groups to a role. Default-deny: a peer in none of the groups gets no role.
/// uid 0 is always a technician (root can read the database anyway).
public struct RoleTable: Sendable, Equatable {
    /// The roles a group can grant.
    public enum Assignable: String, CaseIterable, Sendable { case technician, manager, front }

    /// A group as written in the config: a name resolved at each connection, or a numeric gid.
    public enum GroupRef: Sendable, Equatable, CustomStringConvertible {
        case name(String)
        case gid(UInt32)
        public var description: String {
            switch self { case .name(let n): return n; case .gid(let g): return String(g) }
        }
    }

    public var groups: [Assignable: [GroupRef]] = [
        .technician: [.name("kiosk-tech")],
        .manager: [.name("kiosk-manager")],
        .front: [.name("kiosk-front")],
    ]

    public init() {}

    /// The highest role any of the peer's groups grants, or nil (refused).
    public func role(for peer: PeerIdentity) -> Role? {
        if peer.uid == 0 { return .technician }
        for (assignable, role) in [(Assignable.technician, Role.technician), (.manager, .manager), (.front, .front)] {
            let gids = (groups[assignable] ?? []).compactMap(RoleTable.resolve)
            if gids.contains(where: peer.groups.contains) { return role }
        }
        return nil
    }

    /// The first configured group name of a role, for "add your user to group …" messages.
    public func groupName(for role: Assignable) -> String {
        groups[role]?.first.map(\.description) ?? "kiosk-\(role.rawValue)"
    }

    static func resolve(_ ref: GroupRef) -> UInt32? {
        switch ref {
        case .gid(let gid): return gid
        case .name(let name): return groupID(named: name)
        }
    }
}

/// Looks a group name up in the system's group database.
func groupID(named name: String) -> UInt32? {
    var group = Glibc.group()
    var result: UnsafeMutablePointer<Glibc.group>? = nil
    var buffer = [CChar](repeating: 0, count: 16_384)
    guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
    return group.gr_gid
}

/// Who is on the other end of a connection, from the kernel (SO_PEERCRED), never from the peer's words.
public struct PeerIdentity: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    /// The primary gid from SO_PEERCRED plus the supplementary groups of the uid's user.
    public var groups: Set<UInt32>
    public var userName: String

    /// Resolves a peer's user name and supplementary groups from its uid and primary gid.
    public static func resolve(pid: Int32, uid: UInt32, gid: UInt32) -> PeerIdentity {
        var groups: Set<UInt32> = [gid]
        var name = "uid \(uid)"
        var passwd = Glibc.passwd()
        var result: UnsafeMutablePointer<Glibc.passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 16_384)
        if getpwuid_r(uid, &passwd, &buffer, buffer.count, &result) == 0, result != nil, let pwName = passwd.pw_name {
            name = String(cString: pwName)
            var count: Int32 = 64
            var list = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(pwName, gid, &list, &count) == -1, count > 64 {
                list = [gid_t](repeating: 0, count: Int(count))
                _ = getgrouplist(pwName, gid, &list, &count)
            }
            groups.formUnion(list.prefix(Int(max(0, count))))
        }
        return PeerIdentity(pid: pid, uid: uid, groups: groups, userName: name)
    }
}
