import NIOCore
import Synchronization

/// One connection's replies and events on their way to its socket, with a bound.
///
/// A client that sends requests and never reads its replies would otherwise make the daemon
/// hold every reply it cannot send (hundreds of megabytes a minute). The bound works with
/// the socket's own back-pressure: after each reply the connection's reader waits while more
/// than `Limits.unsentBytes` are unsent, so it stops reading that client's requests (NIO then
/// stops reading the socket, and the client's writes block in its kernel). When nothing at
/// all is written for `Limits.grace`, the connection is closed (and logged once).
///
/// Events are pushed by the device actor without waiting. They are small and rare; a client
/// that subscribes and never reads is closed once its unsent events pass
/// `Limits.eventBytes` with nothing written for `Limits.grace`.
final class OutboundQueue: Sendable {
    struct Limits: Sendable {
        /// Unsent bytes after which the connection's next request is not read.
        var unsentBytes = 64 * 1024
        /// Unsent bytes past which a stalled connection is closed when an event is pushed.
        var eventBytes = 4 * 1024 * 1024
        /// How long a connection over its bound may go without any of its bytes being written.
        var grace: Duration = .seconds(10)
        static let standard = Limits()
    }

    /// Why `waitForRoom` returned.
    enum Room: Equatable { case available, stalled, closed }

    private struct State {
        var lines = CircularBuffer<[UInt8]>()
        /// Bytes pushed and not yet handed to the channel (the line being written included).
        var unsent = 0
        var finished = false
        var aborted = false
        var lastProgress = ContinuousClock.now
        var writer: CheckedContinuation<[UInt8]?, Never>?
        var roomWaiter: CheckedContinuation<Void, Never>?
    }

    let limits: Limits
    private let state = Mutex(State())
    /// Called once, the first time the queue gives up on its client (stalled or overflowing).
    private let onStall: @Sendable (_ unsent: Int) -> Void
    private let stalled = Atomic<Bool>(false)

    init(limits: Limits = .standard, onStall: @escaping @Sendable (_ unsent: Int) -> Void) {
        self.limits = limits; self.onStall = onStall
    }

    /// Queues a reply (never dropped: the reader then waits for room before the next request).
    func pushReply(_ line: [UInt8]) { enqueue(line, isEvent: false) }

    /// Queues an event; closes a stalled connection whose events pile up.
    func push(_ line: [UInt8]) { enqueue(line, isEvent: true) }

    private func enqueue(_ line: [UInt8], isEvent: Bool) {
        var overflow = false
        let writer: CheckedContinuation<[UInt8]?, Never>? = state.withLock { s in
            guard !s.finished, !s.aborted else { return nil }
            if isEvent, s.unsent + line.count > limits.eventBytes, ContinuousClock.now - s.lastProgress >= limits.grace {
                overflow = true
                return nil
            }
            s.unsent += line.count
            if let waiting = s.writer {
                s.writer = nil
                return waiting
            }
            s.lines.append(line)
            return nil
        }
        writer?.resume(returning: line)
        if overflow { giveUp() }
    }

    /// The writer's next line, in order; nil once the queue is finished and empty, or aborted.
    func next() async -> [UInt8]? {
        await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
            let ready: [UInt8]?? = state.withLock { s in
                if s.aborted { return .some(nil) }
                if let line = s.lines.popFirst() { return .some(line) }
                if s.finished { return .some(nil) }
                s.writer = continuation
                return .none
            }
            if case .some(let value) = ready { continuation.resume(returning: value) }
        }
    }

    /// The writer's next lines, in order, joined into one write of at most `maxBytes` (or one
    /// longer line alone); nil as for ``next()``. A client that pipelines requests then gets
    /// its replies in one socket write rather than one write and flush each.
    func nextBatch(maxBytes: Int = 64 * 1024) async -> [UInt8]? {
        guard var batch = await next() else { return nil }
        state.withLock { s in
            while let line = s.lines.first, batch.count + line.count <= maxBytes {
                batch += line
                s.lines.removeFirst()
            }
        }
        return batch
    }

    /// The writer handed `count` bytes to the channel.
    func written(_ count: Int) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.unsent = max(0, s.unsent - count)
            s.lastProgress = ContinuousClock.now
            guard s.unsent <= limits.unsentBytes, let waiting = s.roomWaiter else { return nil }
            s.roomWaiter = nil
            return waiting
        }
        waiter?.resume()
    }

    /// Waits until the unsent bytes are within the bound. `.stalled` when nothing was written
    /// for the grace period meanwhile: the caller closes the connection.
    func waitForRoom() async -> Room {
        while true {
            enum Step { case done(Room), wait(ContinuousClock.Instant) }
            let step: Step = state.withLock { s in
                if s.aborted || s.finished { return .done(.closed) }
                if s.unsent <= limits.unsentBytes { return .done(.available) }
                let deadline = s.lastProgress.advanced(by: limits.grace)
                return ContinuousClock.now >= deadline ? .done(.stalled) : .wait(deadline)
            }
            switch step {
            case .done(let room):
                if room == .stalled { giveUp() }
                return room
            case .wait(let deadline):
                let timer = Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    self?.wakeRoomWaiter()
                }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now: Bool = state.withLock { s in
                        if s.aborted || s.finished || s.unsent <= limits.unsentBytes || ContinuousClock.now >= deadline { return true }
                        s.roomWaiter = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
                timer.cancel()
            }
        }
    }

    private func wakeRoomWaiter() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            defer { s.roomWaiter = nil }
            return s.roomWaiter
        }
        waiter?.resume()
    }

    /// No more lines will be pushed; the writer sends what is queued, then ends.
    func finish() {
        let (writer, waiter): (CheckedContinuation<[UInt8]?, Never>?, CheckedContinuation<Void, Never>?) = state.withLock { s in
            s.finished = true
            let w = s.lines.isEmpty ? s.writer : nil
            if w != nil { s.writer = nil }
            defer { s.roomWaiter = nil }
            return (w, s.roomWaiter)
        }
        writer?.resume(returning: nil)
        waiter?.resume()
    }

    /// The connection is gone: drop what is queued and release everyone waiting.
    func abort() {
        let (writer, waiter): (CheckedContinuation<[UInt8]?, Never>?, CheckedContinuation<Void, Never>?) = state.withLock { s in
            s.aborted = true
            s.lines.removeAll()
            s.unsent = 0
            defer { s.writer = nil; s.roomWaiter = nil }
            return (s.writer, s.roomWaiter)
        }
        writer?.resume(returning: nil)
        waiter?.resume()
    }

    /// Bytes not yet handed to the channel.
    var unsentBytes: Int { state.withLock { $0.unsent } }

    /// Gives up on the client: the first caller reports it (one log line), everyone is released.
    private func giveUp() {
        let unsent = unsentBytes
        if stalled.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged { onStall(unsent) }
        abort()
    }
}
