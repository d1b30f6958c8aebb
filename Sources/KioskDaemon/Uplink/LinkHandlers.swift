import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// The link as the rest of the daemon sees it: the relay (when `[backoffice]` is configured)
/// and its status, shared with the request handlers.
public struct BackOfficeLink: Sendable {
    let relay: OutboxRelay?
    let status: LinkStatus
    let url: String?

    public init() { relay = nil; status = LinkStatus(); url = nil }
    init(relay: OutboxRelay, status: LinkStatus, url: String) { self.relay = relay; self.status = status; self.url = url }
}

/// `status`, `sync.pull`, `outbox.retry`.
struct LinkHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let link: BackOfficeLink
    let logger: Logger

    func handle(_ method: KioskProtocol.Method, data: Data, caller: Caller) async throws -> any Encodable & Sendable {
        switch method {
        case .status:
            let counts: OutboxCounts
            do { counts = try await store.outboxCounts() } catch { throw RPCError.app(.storageUnavailable, error.description) }
            let fmt = Date.ISO8601FormatStyle()
            return KioskStatus(
                kioskID: devices.vault.kioskID, version: kioskdVersion,
                backoffice: .init(configured: link.relay != nil, url: link.url,
                                  lastContactAt: await link.status.lastContactAt?.formatted(fmt),
                                  lastError: await link.status.lastError, lastSyncAt: await link.status.lastSyncAt?.formatted(fmt)),
                outbox: .init(due: counts.due, inFlight: counts.inFlight, delivered: counts.delivered, dead: counts.dead),
                devices: await devices.list().count)
        case .syncPull:
            guard let relay = link.relay else {
                throw RPCError.app(.notProvisioned, "no back office is configured; add a [backoffice] table to kioskd.toml (docs/CONFIGURATION.md)")
            }
            return await relay.pullSync()
        case .outboxRetry:
            let params: OutboxRetryParams = try decodeParams(data)
            let audit = AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue, action: method.rawValue, detail: "")
            do { try await store.retryDeadOutboxEntry(params.id, now: Date(), audit: audit) }
            catch let refusal as PaymentRefusal { throw RPCError(refusal) }
            catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
            await link.status.ring()
            return OKResult()
        default:
            throw RPCError.methodNotFound(method.rawValue)
        }
    }
}
