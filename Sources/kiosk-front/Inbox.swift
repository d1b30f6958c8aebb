import Foundation
import KioskFront

/// Inputs from other threads (replies, events, connection changes) waiting for the main loop.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Input] = []

    func post(_ input: Input) { lock.withLock { pending.append(input) } }

    func drain() -> [Input] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }
}
