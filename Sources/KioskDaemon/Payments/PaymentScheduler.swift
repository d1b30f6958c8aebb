import Foundation
import KioskStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Makes scheduled payments pending on their day (in their branch's zone): at start-up, when
/// the next scheduled day begins, and at least every `interval` (so a payment scheduled for
/// today's end while it slept, or a wall clock set forward, which the sleep's monotonic clock
/// does not see, is noticed within it; a check is one read of the payment table). Their outbox
/// entries were written at submit with that day as the next attempt time, so the relay sends
/// them then without any further write. A payment whose day passed while the kiosk was off
/// runs once, at start-up, and is logged and audited as late.
///
/// Autopay runs here too: once at the start of each branch day for every account with rules
/// (`autopay_day` records the day run, so a restart, a clock jump or days off run it once).
struct PaymentScheduler: Service {
    let store: KioskStore
    let logger: Logger
    /// This kiosk's id, in whose name autopay makes payments.
    var kioskID: String
    var interval: Duration = .seconds(5)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var wait = interval
                do throws(StoreError) {
                    let made = try await store.runAutopayForNewDays(now: Date(), kioskID: kioskID)
                    for p in made {
                        logger.notice("autopay made a payment", metadata: ["payment": "\(p.id)", "account": "\(p.account)", "rule": "\(p.rule)",
                                                                           "amount": "\(p.amount)", "state": "\(p.state.rawValue)"])
                    }
                    let promoted = try await store.promoteDueScheduledPayments(now: Date())
                    for p in promoted where p.late {
                        logger.notice("a scheduled payment ran late: its day passed while the kiosk was off or its clock was behind",
                                      metadata: ["payment": "\(p.id)", "pay_on": "\(p.payOn?.description ?? "")", "ran_on": "\(p.ranOn)"])
                    }
                    if !promoted.isEmpty { logger.notice("scheduled payments are now pending", metadata: ["payments": "\(promoted.map(\.id).joined(separator: ","))"]) }
                    if let next = try await store.nextScheduledStart() {
                        // A moment after the day begins, so that "today" is that day.
                        let seconds = next.timeIntervalSinceNow + 0.25
                        if seconds > 0, seconds < 5 { wait = .milliseconds(max(250, Int(seconds * 1000))) }
                    }
                } catch {
                    logger.warning("scheduled payments could not be checked", metadata: ["error": "\(error.description)"])
                }
                try await Self.sleep(min(wait, interval))
            }
        }
    }

    /// A sleep on NIO's event loop timer (the daemon's own clock for timeouts), ended early by
    /// cancellation (a graceful shutdown). Not `Task.sleep`: Dispatch's timers never fire when
    /// libfaketime moves the wall clock, and the scheduler's tests move it across midnights.
    static func sleep(_ duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        let timer = MultiThreadedEventLoopGroup.singleton.next()
            .scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {}
        try await withTaskCancellationHandler {
            try await timer.futureResult.get()
        } onCancel: {
            timer.cancel()
        }
    }
}
