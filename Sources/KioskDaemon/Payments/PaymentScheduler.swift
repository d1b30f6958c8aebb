import Foundation
import KioskStore
import Logging
import ServiceLifecycle

/// Makes scheduled payments pending on their day (in their branch's zone): at start-up, then
/// every `interval`. Their outbox entries were written at submit with that day as the next
/// attempt time, so the relay sends them then without any further write.
struct PaymentScheduler: Service {
    let store: KioskStore
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do throws(StoreError) {
                    let promoted = try await store.promoteDueScheduledPayments(now: Date())
                    if !promoted.isEmpty { logger.notice("scheduled payments are now pending", metadata: ["payments": "\(promoted.joined(separator: ","))"]) }
                } catch {
                    logger.warning("scheduled payments could not be checked", metadata: ["error": "\(error.description)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
