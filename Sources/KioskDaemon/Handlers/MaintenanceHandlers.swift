#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskJSON
import KioskProtocol
import KioskStore
import KioskSystem
import Logging

/// `backup.create`, `backup.read`, `backup.finish` and `diagnose` (issue 15 items 7 and 8).
struct MaintenanceHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let link: BackOfficeLink
    let snapshots: BackupSnapshots
    /// The configuration kioskd runs with (nil in tests that build a router without one).
    let configuration: Configuration?
    let logger: Logger

    func register(in table: inout HandlerTable) {
        let fmt = Date.ISO8601FormatStyle()
        table.on(Methods.backupCreate) { _, call in
            let snapshot = try await snapshots.create(from: store, uid: call.caller.peer.uid)
            let id = BackupSnapshots.id(of: snapshot)
            do {
                try await store.appendAudit(call.audit("backup \(id): a copy of \(snapshot.bytes) bytes made for reading over the socket"))
            } catch {
                _ = try? await snapshots.finish(id, uid: call.caller.peer.uid)
                throw RPCError.app(.storageUnavailable, "\(error)")
            }
            logger.info("backup copy made", metadata: ["backup": "\(id)", "bytes": "\(snapshot.bytes)", "uid": "\(call.caller.peer.uid)"])
            return BackupCreateResult(backup: id, bytes: snapshot.bytes, sha256: snapshot.sha256, createdAt: snapshot.createdAt.formatted(fmt),
                                      chunkBytes: BackupTransfer.chunkBytes, integrity: snapshot.integrity.joined(separator: "; "))
        }
        table.on(Methods.backupRead) { params, call in
            try await snapshots.read(params.backup, offset: params.offset, uid: call.caller.peer.uid)
        }
        table.on(Methods.backupFinish) { params, call in
            let snapshot = try await snapshots.finish(params.backup, uid: call.caller.peer.uid)
            guard params.saved == true else { return OKResult() }
            let id = BackupSnapshots.id(of: snapshot)
            let record = BackupRecord(kind: .backup, at: snapshot.createdAt, bytes: snapshot.bytes, sha256: snapshot.sha256,
                                      uid: call.caller.peer.uid, userName: call.caller.peer.userName)
            do {
                try await store.recordBackup(record, audit: call.audit("backup \(id) saved by the client: \(snapshot.bytes) bytes, sha256 \(snapshot.sha256.prefix(16))…"))
            } catch { throw RPCError.app(.storageUnavailable, "\(error)") }
            return OKResult()
        }
        table.on(Methods.diagnose) { _, _ in
            let status = try await StatusReport(store: store, devices: devices, link: link).make()
            let present = await devices.list()
            var descriptors: [String: JSONValue] = [:]
            for device in present {
                do { descriptors[device.id] = try JSONValue(encoding: try await devices.describe(device.id)) } catch {
                    descriptors[device.id] = .object(["error": .string(Self.sentence(error))])
                }
            }
            let integrity: [String]
            let outbox: (counts: [String: Int], oldestUndelivered: String?, lastErrors: [String])
            do {
                integrity = try await store.integrityCheck()
                outbox = try await store.outboxSummary()
            } catch { throw RPCError.app(.storageUnavailable, "\(error)") }
            // The back office's and the network's sentences, each screened as every reply is.
            let errors = outbox.lastErrors.map { CardDataPattern.appears(in: $0) ? "(withheld: it looked like card data)" : String($0.prefix(300)) }
            return DiagnoseResult(
                generatedAt: Date().formatted(fmt), kioskID: devices.vault.kioskID, version: kioskdVersion, os: Self.operatingSystem(),
                config: configuration.map(EffectiveConfiguration.json) ?? .null, status: status, devices: present, descriptors: descriptors,
                integrity: integrity,
                outbox: OutboxSummary(counts: outbox.counts, oldestUndeliveredAt: outbox.oldestUndelivered, lastErrors: errors))
        }
    }

    static func sentence(_ error: any Error) -> String {
        if let rpc = error as? RPCError { return rpc.message }
        return String(describing: error)
    }

    /// /etc/os-release's PRETTY_NAME and uname's system, release and machine.
    static func operatingSystem() -> [String: String] {
        var os: [String: String] = [:]
        os["pretty_name"] = HostFacts.osName()
        os["kernel"] = HostFacts.kernel()
        return os
    }
}
