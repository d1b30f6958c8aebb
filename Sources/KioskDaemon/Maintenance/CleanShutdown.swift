import Foundation
import KioskStore
import Logging
import ServiceLifecycle

/// The file a clean stop leaves in the data directory (`clean-shutdown`), taken away at the
/// next start. Its absence at start means the last run ended some other way (killed, crashed,
/// power cut) or never ran: the store is then checked before it opens.
struct CleanShutdownMark: Sendable {
    let path: String

    init(dataDirectory: String) { path = dataDirectory + "/clean-shutdown" }

    /// Whether the last run stopped cleanly; removes the mark, so a crash from now on is
    /// noticed at the next start.
    func take() -> Bool {
        unlink(path) == 0
    }

    /// Leaves the mark after a clean stop. A failure costs only a slower next start.
    func leave() {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// The integrity check of a store opened without one (``KioskStore/IntegrityCheck/later``):
/// runs once, right after start-up; a damaged file stops the daemon as it would have at open.
struct IntegrityCheckService: Service {
    let store: KioskStore
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        do throws(StoreError) {
            try await store.checkIntegrity()
        } catch {
            logger.critical("the database failed its integrity check; stopping", metadata: ["reason": "\(error.description)"])
            throw DaemonError.storage(error.description)
        }
        logger.info("integrity check passed", metadata: ["seconds": "\(clock.now - start)"])
        // Done: keep the group running (a service that returns would stop it).
        try? await gracefulShutdown()
    }
}
