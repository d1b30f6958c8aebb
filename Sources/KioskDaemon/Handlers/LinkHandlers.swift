import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// `status`, `sync.pull`, `outbox.retry`.
struct LinkHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let link: BackOfficeLink
    let logger: Logger

    func register(in table: inout HandlerTable) {
        table.on(Methods.status) { _, _ in try await StatusReport(store: store, devices: devices, link: link).make() }
        table.on(Methods.syncPull) { _, _ in
            guard let relay = link.relay else {
                throw RPCError.app(.notProvisioned, "no back office is configured; add a [backoffice] table to kioskd.toml (docs/CONFIGURATION.md)")
            }
            return await relay.pullSync()
        }
        table.on(Methods.outboxRetry) { params, call in
            do { try await store.retryDeadOutboxEntry(params.id, now: Date(), audit: call.audit()) }
            catch let refusal as PaymentRefusal { throw RPCError(refusal) }
            catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
            await link.status.ring()
            return OKResult()
        }
    }
}
