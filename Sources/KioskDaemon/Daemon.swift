import Foundation
import KioskCore
import KioskStore
import KioskSystem
import Logging
import ServiceLifecycle

/// The version printed by `kioskd --version` and returned by `hello`.
public let kioskdVersion = KioskpayVersion.current

/// kioskd as a whole: opens the store, serves the socket, talks to systemd, shuts down cleanly.
public struct Daemon: Sendable {
    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the store or fails with one sentence.
    ///
    /// The whole-file integrity check runs before opening only when the last run did not stop
    /// cleanly (a crash, a power cut, a first start): then nothing is served from a file that
    /// may be damaged. After a clean stop it runs once the daemon is serving (``run(store:)``),
    /// and a failure stops the daemon just the same (exit 74), so start-up does not read every
    /// page of a big database before READY.
    public func openStore() throws(DaemonError) -> KioskStore {
        // KioskStore.init asserts synchronous=FULL on the writer (GRDB resets WAL writers to NORMAL).
        let stoppedCleanly = CleanShutdownMark(dataDirectory: configuration.dataDirectory).take()
        do throws(StoreError) {
            return try KioskStore(directory: configuration.dataDirectory, integrity: stoppedCleanly ? .later : .atOpen)
        } catch {
            throw .storage(error.description)
        }
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(store: KioskStore) async throws {
        try await serve(store: store, checkIntegrity: store.integrity == .later)
        CleanShutdownMark(dataDirectory: configuration.dataDirectory).leave()
        logger.info("stopped")
    }

    private func serve(store: KioskStore, checkIntegrity: Bool) async throws {
        let notifier = SystemdNotifier()
        let accounts = (try? await store.accountCount()) ?? 0
        logger.info("store open", metadata: ["path": "\(store.path)", "accounts": "\(accounts)", "synchronous": "FULL"])
        let vault = CaptureVault(store: store, kioskID: configuration.kioskID, logger: logger)
        try await vault.start(demo: configuration.demoSealingKey, dataDirectory: configuration.dataDirectory)
        let devices = DeviceManager(store: store, vault: vault, logger: logger, allowEmulated: configuration.allowEmulatedDevices)
        await devices.start()
        // A receipt still "printing" was cut off when kioskd last stopped: the manager sees it and reprints it.
        if let cut = try? await store.interruptReceipts(now: Date()), cut > 0 {
            logger.warning("receipts cut off by the last stop; kioskctl receipt list --failed shows them", metadata: ["receipts": "\(cut)"])
        }
        if configuration.emulatedDevices {
            await devices.attachEmulatedDevices(printerOutput: configuration.dataDirectory + "/" + EmulatedPrinter.outputName)
        }
        let sessions = SessionRegistry(store: store, policy: configuration.sessions, logger: logger)
        var link = BackOfficeLink()
        var relayService: OutboxRelay?
        if let settings = configuration.backOffice {
            do {
                let client = try BackOfficeClient(settings: settings, kioskID: configuration.kioskID)
                let relay = OutboxRelay(client: client, store: store, devices: devices, status: link.status, logger: logger)
                link = BackOfficeLink(relay: relay, status: link.status, url: settings.url.absoluteString)
                relayService = relay
                logger.info("back-office link configured", metadata: ["url": "\(settings.url.absoluteString)"])
            } catch {
                // The kiosk still takes payments: the outbox keeps them until the link works.
                logger.error("the back-office link cannot start; payments stay in the outbox", metadata: ["error": "\(error.description)"])
            }
        }
        // Backup copies a client never finished (kioskctl killed, a crash) are deleted now and every minute.
        let snapshots = BackupSnapshots(dataDirectory: configuration.dataDirectory, logger: logger)
        await snapshots.sweep()
        let router = RequestRouter(store: store, devices: devices, sessions: sessions, link: link, roles: configuration.roles,
                                   logger: logger, version: kioskdVersion, configuration: configuration, snapshots: snapshots)
        let server = SocketServer(
            path: configuration.socketPath, group: configuration.socketGroup, router: router, roles: configuration.roles,
            logger: logger,
            onReady: { notifier.notify("READY=1\nSTATUS=serving on \(configuration.socketPath)") })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server),
            .init(service: PaymentScheduler(store: store, logger: logger, kioskID: devices.vault.kioskID), successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
            .init(service: SnapshotSweeper(snapshots: snapshots), successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
        ]
        if configuration.usb, case (var usb, let events)? = USBTransport.make(devices: devices, logger: logger) {
            usb.events = events
            // A transport that stops (or fails) leaves the daemon running without USB.
            services.append(.init(service: usb, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        if let relayService {
            services.append(.init(service: relayService, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        if checkIntegrity { services.append(.init(service: IntegrityCheckService(store: store, logger: logger))) }
        // Last, so it is the first to hear of a graceful shutdown (services stop in reverse order).
        services.append(.init(service: SystemdService(notifier: notifier)))
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                           cancellationSignals: [], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}

/// systemd's view of the daemon's life. While the daemon runs it pets the watchdog at half
/// `$WATCHDOG_USEC` (when the unit has `WatchdogSec=`); when a graceful shutdown begins (SIGTERM,
/// SIGINT) it says `STOPPING=1` at once and returns normally, so the group goes on stopping the
/// other services in order and kioskd exits 0: `systemctl stop` leaves the unit inactive, not
/// failed. (It used to let the sleep's CancellationError escape, which failed the whole group:
/// exit 1, "Error: CancellationError()", and no STOPPING=1.)
struct SystemdService: Service {
    let notifier: SystemdNotifier

    func run() async {
        if let interval = notifier.watchdogInterval {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    notifier.notify("WATCHDOG=1")
                    try? await Task.sleep(for: interval)
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        notifier.notify("STOPPING=1")
    }
}

/// Deletes backup copies no client finished, once a minute (BackupSnapshots.sweep).
struct SnapshotSweeper: Service {
    let snapshots: BackupSnapshots

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                await snapshots.sweep()
            }
        }
    }
}
