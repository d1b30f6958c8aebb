import Foundation
import KioskProtocol
import KioskStore

/// `hello`, the customer's sign-in and sign-out, and provisioning the back office's key.
struct SessionHandlers: Sendable {
    let sessions: SessionRegistry
    let devices: DeviceManager
    let version: String

    /// What `hello` answers `role`.
    static func hello(role: Role, version: String) -> HelloResult {
        HelloResult(server: "kioskd", version: version, protocol: protocolVersion, role: role,
                    capabilities: Methods.all.filter { $0.access.admits(role) }.map { $0.name })
    }

    func register(in table: inout HandlerTable) {
        // Each role's answer is fixed for the daemon's life: built and encoded once, not per
        // hello (a front says hello on every reconnect; staff scripts on every call).
        let hellos = Dictionary(uniqueKeysWithValues: Role.allCases.map { role in
            (role, try! EncodedResult(Self.hello(role: role, version: version)))  // strings and arrays only: cannot fail
        })
        table.onEncoded(Methods.hello) { _, call in hellos[call.caller.role]! }
        table.on(Methods.sessionBegin) { params, call in try await sessions.begin(params, connection: call.connection) }
        table.on(Methods.sessionEnd) { _, call in
            await sessions.end(call.connection)
            return OKResult()
        }
        table.on(Methods.provisionBackofficeKey) { params, call in
            try await devices.vault.install(fileContents: Data(params.publicKey.utf8), audit: call.audit("back-office public key"))
        }
        table.on(Methods.provisionStatus) { _, _ in await devices.vault.status() }
    }
}
