import Foundation
import KioskProtocol

/// The one place roles, sessions and permissions are checked, from each method's declared
/// ``MethodAccess``. Handlers never check them again.
struct AccessGate: Sendable {
    let sessions: SessionRegistry
    let roles: RoleTable

    /// The role check, before the params are even decoded: a caller without the role learns
    /// nothing about what the method would have made of them.
    func admit<M: RPCMethod>(_ method: M, _ caller: Caller) throws {
        guard method.access.admits(caller.role) else { throw denied(method) }
    }

    /// The session check, with the params (which may name an account).
    func open<M: RPCMethod>(_ method: M, params: M.Params, caller: Caller, connection: ConnectionID, request: Data) async throws -> Call {
        let asked = (params as? any NamesAccount)?.account
        func call(_ session: Session?, _ account: String?) -> Call {
            Call(method: method.name, caller: caller, connection: connection, session: session, account: account, request: request)
        }
        switch method.access.session {
        case .none:
            return call(nil, nil)
        case .signedIn(let permissions):
            let session = try await signedIn(connection, asked: asked, permissions: permissions)
            return call(session, session.account)
        case .customer(let permissions):
            // The front always acts as its session; staff for the account they name, or as
            // their own session when they name none (a technician walking the customer's path).
            let ownSession = asked == nil ? await sessions.hasSession(connection) : false
            if caller.role == .front || ownSession {
                let session = try await signedIn(connection, asked: asked, permissions: permissions)
                return call(session, session.account)
            }
            if asked == nil, M.Params.self is any NamesAccount.Type, !(M.Params.self is any StaffMayOmitAccount.Type) {
                throw RPCError.app(.notSignedIn, "sign in first, or name the account: params.account is the account number")
            }
            return call(nil, asked)
        }
    }

    private func signedIn(_ connection: ConnectionID, asked: String?, permissions: [ContactPermission]) async throws -> Session {
        let session = try await sessions.currentAsStored(connection)
        if let asked, asked != session.account {
            throw RPCError.app(.permissionDenied, "permission denied: this session is for another account; sign out, then sign in to that account")
        }
        if let first = permissions.first, !permissions.contains(where: session.allows) {
            throw RPCError.app(.permissionDenied, first.refusal)
        }
        return session
    }

    private func denied<M: RPCMethod>(_ method: M) -> RPCError {
        let (needs, group) = switch method.access.lowestRole {
        case .technician: ("the technician role", roles.groupName(for: .technician))
        default: ("the manager or technician role", roles.groupName(for: .manager))
        }
        return RPCError.app(.permissionDenied, "permission denied: \(method.name) needs \(needs); add the user to group \(group)")
    }
}
