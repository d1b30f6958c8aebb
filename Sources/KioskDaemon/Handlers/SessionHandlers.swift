import Foundation
import KioskProtocol
import KioskStore

/// `hello`, the customer's sign-in and sign-out, and provisioning the back office's key.
struct SessionHandlers: Sendable {
    let sessions: SessionRegistry
    let devices: DeviceManager
    let version: String

    func register(in table: inout HandlerTable) {
        table.on(Methods.hello) { _, call in
            HelloResult(server: "kioskd", version: version, protocol: protocolVersion, role: call.caller.role,
                        capabilities: Methods.all.filter { $0.access.admits(call.caller.role) }.map { $0.name })
        }
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
