import Foundation
import KioskProtocol
import KioskStore

/// `status` as one value: what `status` answers and `diagnose` carries.
struct StatusReport: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let link: BackOfficeLink

    func make() async throws -> KioskStatus {
        let counts: OutboxCounts
        let allowed: Set<String>
        let size: StoreSize
        let last: BackupRecord?
        let failedReceipts: Int
        do {
            failedReceipts = try await store.failedReceiptCount()
            counts = try await store.outboxCounts()
            allowed = try await store.allowedDeviceIDs()
            size = try await store.size()
            last = try await store.lastBackup()
        } catch { throw RPCError.app(.storageUnavailable, "\(error)") }
        let fmt = Date.ISO8601FormatStyle()
        let present = await devices.list()
        let keys = await devices.vault.status()
        let key: KioskStatus.KeyState
        if let installed = keys.backofficeKey {
            key = .init(state: "backoffice", keyID: installed.keyID, fingerprint: installed.fingerprint)
        } else if let demo = keys.demoKey {
            key = .init(state: "demo", keyID: demo.keyID, fingerprint: demo.fingerprint)
        } else {
            key = .init(state: "none", keyID: nil, fingerprint: nil)
        }
        return KioskStatus(
            kioskID: devices.vault.kioskID, version: kioskdVersion,
            backoffice: .init(configured: link.relay != nil, url: link.url,
                              lastContactAt: await link.status.lastContactAt?.formatted(fmt),
                              lastError: await link.status.lastError, lastSyncAt: await link.status.lastSyncAt?.formatted(fmt)),
            outbox: .init(due: counts.due, held: counts.held, inFlight: counts.inFlight, delivered: counts.delivered, dead: counts.dead),
            devices: present.count,
            key: key,
            // The allow list, plus devices used without one (the demo's emulated devices).
            deviceAccess: .init(allowed: allowed.union(present.filter(\.allowed).map(\.id)).sorted(), seen: present.map(\.id).sorted()),
            database: DatabaseSize(bytes: size.bytes, walBytes: size.walBytes, pageSize: size.pageSize, pages: size.pages, freePages: size.freePages),
            lastBackup: last.map { LastBackup(at: $0.at.formatted(fmt), bytes: $0.bytes, sha256: $0.sha256, user: $0.userName, uid: $0.uid) },
            printers: await devices.printerStates(), receipts: ReceiptCounts(failed: failedReceipts))
    }
}
