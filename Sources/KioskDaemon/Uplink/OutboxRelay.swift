import Foundation
import KioskBackOfficeContract
import KioskCore
import KioskProtocol
import KioskStore
import Logging
import NIOHTTP1
import ServiceLifecycle

/// What `kioskctl status` shows about the link.
actor LinkStatus {
    private(set) var lastContactAt: Date?
    private(set) var lastError: String?
    private(set) var lastSyncAt: Date?
    private var doorbell: AsyncStream<Void>.Continuation?

    func contact() { lastContactAt = Date(); lastError = nil }
    func failed(_ error: String) { lastError = error }
    func synced() { lastSyncAt = Date() }

    /// The relay's doorbell: a new outbox entry (or a manager's retry) rings it.
    func setDoorbell(_ continuation: AsyncStream<Void>.Continuation) { doorbell = continuation }
    func ring() { doorbell?.yield() }
}

/// Drains the outbox to the back office, one entry at a time in order, with the entry's own
/// idempotency key on every attempt; polls the status of delivered payments; pulls sync
/// documents; sends heartbeats. Everything it learns is written through the same store
/// functions local post-processing uses.
struct OutboxRelay: Service {
    let client: BackOfficeClient
    let store: KioskStore
    let devices: DeviceManager
    let status: LinkStatus
    let logger: Logger

    func run() async throws {
        let reset = (try? await store.resetInFlightOutbox()) ?? 0
        if reset > 0 { logger.notice("outbox entries left in flight by a stop are due again (same keys)", metadata: ["entries": "\(reset)"]) }
        // One wake-up stream for the sender: rings (new entries) and a slow tick (entries whose
        // retry time has come). The tick follows the backoff base, at most once a second, so
        // an idle kiosk wakes once a second, not in a tight poll.
        let (bell, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await status.setDoorbell(continuation)
        let tick = Duration.seconds(min(max(client.settings.backoffBaseSeconds / 2, 0.05), 1))
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await drain(bell) }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        continuation.yield()
                    }
                }
                group.addTask { await every(.seconds(client.settings.statusPollSeconds)) { await pollOutcomes() } }
                group.addTask { await every(.seconds(client.settings.syncIntervalSeconds)) { _ = await pullSync() } }
                group.addTask { await every(.seconds(client.settings.heartbeatSeconds)) { await heartbeat() } }
                await group.waitForAll()
            }
        }
        await client.shutdown()
    }

    private func every(_ interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled {
            await body()
            try? await Task.sleep(for: interval)
        }
    }

    // MARK: Outbox

    private func drain(_ bell: AsyncStream<Void>) async {
        var wake = bell.makeAsyncIterator()
        repeat {
            do {
                while let entry = try await store.takeDueOutboxEntry(now: Date()) {
                    await deliver(entry)
                    if Task.isCancelled { return }
                }
            } catch {
                logger.error("the outbox cannot be read", metadata: ["error": "\(error.description)"])
            }
        } while await wake.next() != nil && !Task.isCancelled
    }

    private func deliver(_ entry: OutboxItem) async {
        var headers = ["Idempotency-Key": entry.idempotencyKey]
        // Each topic has its path; the topics sharing …/notifications name themselves in a header.
        let topic = OutboxTopic(rawValue: entry.topic) ?? .notification
        let path = topic.path
        if topic.kioskTopic != nil { headers[OutboxTopic.kioskTopicHeader] = entry.topic }
        let outcome = await client.send(.POST, path, body: Data(entry.payload.utf8), headers: headers)
        do {
            switch outcome {
            case .answered(_, let body, _):
                try await store.markOutboxDelivered(entry.id)
                await status.contact()
                logger.info("outbox entry delivered", metadata: ["entry": "\(entry.id)", "topic": "\(entry.topic)", "attempt": "\(entry.attempts)"])
                if entry.topic == OutboxTopic.payment.rawValue, let payment = entry.payment { await applyStatus(body, payment: payment) }
                if topic == .paymentMethod { await applyMethodStatus(body, entry: entry.id, delivered: true) }
                if topic == .document { await applyDocumentStatus(body) }
            case .retry(let why) where entry.attempts < client.settings.maxAttempts:
                let delay = client.settings.backoff(afterAttempt: entry.attempts)
                try await store.markOutboxRetry(entry.id, next: Date().addingTimeInterval(delay), error: why)
                await status.failed(why)
                logger.warning("outbox entry not delivered; will retry with the same key",
                               metadata: ["entry": "\(entry.id)", "attempt": "\(entry.attempts)", "retry_in_s": "\(String(format: "%.2f", delay))", "error": "\(why)"])
            case .retry(let why), .refused(let why):
                try await store.markOutboxDead(entry.id, error: why)
                if topic == .paymentMethod {
                    // A save that can never be delivered is shown as failed, not "being saved" forever.
                    _ = try await store.applyPaymentMethodAnswer(entry: entry.id, status: "failed", token: nil,
                                                                 error: "the back office could not be told; please ask staff", delivered: false, now: Date())
                }
                await status.failed(why)
                logger.error("outbox entry is dead: a manager must look at it (kioskctl outbox list --state dead)",
                             metadata: ["entry": "\(entry.id)", "topic": "\(entry.topic)", "attempts": "\(entry.attempts)", "error": "\(why)"])
            }
        } catch {
            logger.error("the outbox cannot be written", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
        }
    }

    // MARK: Outcomes

    private func pollOutcomes() async {
        await pollDocuments()
        guard let waiting = try? await store.paymentsAwaitingOutcome(), !waiting.isEmpty else { return }
        for payment in waiting {
            if Task.isCancelled { return }
            guard case .answered(_, let body, _) = await client.send(.GET, "payments/\(payment)") else { continue }
            await status.contact()
            await applyStatus(body, payment: payment)
        }
    }

    /// Documents the back office has and has not reported on: their delivery report is
    /// polled (`GET …/documents/{id}`) as a payment's status is.
    private func pollDocuments() async {
        guard let waiting = try? await store.documentsAwaitingOutcome(), !waiting.isEmpty else { return }
        for document in waiting {
            if Task.isCancelled { return }
            guard case .answered(_, let body, _) = await client.send(.GET, "\(OutboxTopic.document.path)/\(document)") else { continue }
            await status.contact()
            await applyDocumentStatus(body)
        }
    }

    private func applyDocumentStatus(_ body: Data) async {
        guard let answer = try? BackOfficeJSON.decode(DocumentStatusBody.self, from: body),
              DocumentStatusBody.states.contains(answer.state) else { return }
        do {
            if try await store.applyDocumentStatus(answer, now: Date()) {
                logger.info("document status from the back office", metadata: ["document": "\(answer.document)", "state": "\(answer.state)"])
            }
        } catch {
            logger.warning("a document status could not be stored", metadata: ["document": "\(answer.document)", "error": "\(error)"])
        }
    }

    private func applyStatus(_ body: Data, payment: String) async {
        guard let answer = try? BackOfficeJSON.decode(PaymentStatusBody.self, from: body),
              ["processed", "rejected", "deleted"].contains(answer.status) else { return }
        let state = answer.status
        do {
            if try await store.applyBackOfficeOutcome(payment: payment, status: state, reason: answer.reason,
                                                      message: answer.message, now: Date()) {
                logger.notice("payment outcome from the back office", metadata: ["payment": "\(payment)", "state": "\(state)"])
            }
        } catch {
            logger.warning("a back-office outcome could not be applied", metadata: ["payment": "\(payment)", "error": "\(error)"])
        }
    }

    /// The back office's answer to a payment-method change: the token (active) or why not.
    private func applyMethodStatus(_ body: Data, entry: Int64, delivered: Bool) async {
        let answer = try? BackOfficeJSON.decode(PaymentMethodStatusBody.self, from: body)
        do {
            _ = try await store.applyPaymentMethodAnswer(entry: entry, status: answer?.status ?? "failed", token: answer?.token,
                                                         error: answer == nil ? "the back office's answer could not be read" : answer?.error,
                                                         delivered: delivered, now: Date())
            logger.info("payment method answer applied", metadata: ["entry": "\(entry)", "status": "\(answer?.status ?? "unreadable")"])
        } catch {
            logger.warning("a payment-method answer could not be applied", metadata: ["entry": "\(entry)", "error": "\(error)"])
        }
    }

    // MARK: Sync and heartbeat

    /// Pulls the newest sync document after the stored cursor and applies it as `sync.apply`
    /// would. Returns what happened, for `sync.pull`.
    func pullSync() async -> SyncPullResult {
        let cursor = (try? await store.linkState("sync_cursor")) ?? "0"
        let cursorHeader = SyncPull.cursorHeader.lowercased()
        switch await client.send(.GET, SyncPull.path(since: cursor)) {
        case .answered(204, _, _):
            await status.contact(); await status.synced()
            return SyncPullResult(outcome: "up_to_date", cursor: Int(cursor) ?? 0, applied: nil, message: nil)
        case .answered(_, let body, let headers):
            await status.contact()
            do {
                let document = try SyncDocument.decode(from: body)
                let audit = AuditEntry(uid: 0, userName: "back office", role: "backoffice", action: "sync.pull", detail: "")
                let outcome = try await store.apply(document, audit: audit, autopayKiosk: client.kioskID)
                if let next = headers[cursorHeader] { try await store.setLinkState("sync_cursor", next) }
                await status.synced()
                logger.info("sync document pulled", metadata: ["as_of": "\(document.asOf)", "accounts_updated": "\(outcome.accounts.updated)"])
                return SyncPullResult(outcome: "applied", cursor: Int(headers[cursorHeader] ?? cursor) ?? 0,
                                      applied: outcome.accounts.inserted + outcome.accounts.updated, message: nil)
            } catch {
                let text = (error as? StoreError)?.description ?? (error as? SyncDocumentError)?.description ?? "\(error)"
                // An older document is not an error for the link: skip past it.
                if case .olderDocument? = error as? StoreError, let next = headers[cursorHeader] { try? await store.setLinkState("sync_cursor", next) }
                logger.warning("pulled sync document refused", metadata: ["error": "\(text)"])
                return SyncPullResult(outcome: "refused", cursor: Int(cursor) ?? 0, applied: nil, message: text)
            }
        case .retry(let why), .refused(let why):
            await status.failed(why)
            return SyncPullResult(outcome: "unreachable", cursor: Int(cursor) ?? 0, applied: nil, message: why)
        }
    }

    private func heartbeat() async {
        let counts = (try? await store.outboxCounts()) ?? OutboxCounts()
        let list = await devices.list()
        let body = HeartbeatBody(kiosk: client.kioskID, version: kioskdVersion,
                                 devices: list.map { .init(id: $0.id, driver: $0.driver, state: $0.state.rawValue) },
                                 outbox: .init(due: counts.due, inFlight: counts.inFlight, dead: counts.dead))
        guard let data = try? BackOfficeJSON.encode(body) else { return }
        switch await client.send(.POST, "heartbeat", body: data) {
        case .answered: await status.contact()
        case .retry(let why), .refused(let why): await status.failed(why)
        }
    }
}
