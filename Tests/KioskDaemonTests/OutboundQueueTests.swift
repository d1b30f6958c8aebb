import Foundation
import Synchronization
import Testing
@testable import KioskDaemon

/// The bounded queue between a connection's handlers and its socket (issue 11, point 10).
@Suite("Outbound queue")
struct OutboundQueueTests {
    static let small = OutboundQueue.Limits(unsentBytes: 10, eventBytes: 40, grace: .milliseconds(200))

    final class Stalls: Sendable {
        let count = Atomic<Int>(0)
        func note(_ unsent: Int) { count.add(1, ordering: .relaxed) }
    }

    @Test("lines leave in order; a reader that writes them keeps room")
    func order() async {
        let stalls = Stalls()
        let queue = OutboundQueue(limits: Self.small) { stalls.note($0) }
        queue.pushReply(Array("aaaa".utf8))
        queue.push(Array("bb".utf8))
        #expect(await queue.waitForRoom() == .available)
        #expect(await queue.next() == Array("aaaa".utf8))
        #expect(await queue.next() == Array("bb".utf8))
        queue.written(6)
        #expect(queue.unsentBytes == 0)
        queue.finish()
        #expect(await queue.next() == nil)
        #expect(stalls.count.load(ordering: .relaxed) == 0)
    }

    @Test("queued lines leave joined in one write, in order, never split, within the bound")
    func batches() async {
        let queue = OutboundQueue(limits: .init(unsentBytes: 1_000, eventBytes: 4_000, grace: .seconds(3600))) { _ in }
        for line in ["a1\n", "b22\n", "c333\n", "d4444\n"] { queue.pushReply(Array(line.utf8)) }
        #expect(await queue.nextBatch(maxBytes: 12) == Array("a1\nb22\nc333\n".utf8))
        #expect(await queue.nextBatch(maxBytes: 3) == Array("d4444\n".utf8), "a line longer than the bound leaves alone, whole")
        queue.written(19)
        #expect(queue.unsentBytes == 0)
        queue.finish()
        #expect(await queue.nextBatch() == nil)
    }

    @Test("over the bound, the reader waits; writing releases it")
    func waitsForTheWriter() async {
        let queue = OutboundQueue(limits: .init(unsentBytes: 10, eventBytes: 40, grace: .seconds(3600))) { _ in }
        queue.pushReply([UInt8](repeating: 1, count: 25))
        async let room = queue.waitForRoom()
        let line = await queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        queue.written(line?.count ?? 0)
        #expect(await room == .available)
    }

    @Test("nothing written for the grace period: stalled, reported once, everyone released")
    func stalls() async {
        let stalls = Stalls()
        let queue = OutboundQueue(limits: Self.small) { stalls.note($0) }
        queue.pushReply([UInt8](repeating: 1, count: 25))
        _ = await queue.next()  // handed to a socket that never drains: written() never comes
        let start = ContinuousClock.now
        #expect(await queue.waitForRoom() == .stalled)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(await queue.waitForRoom() == .closed)
        queue.push([UInt8](repeating: 2, count: 100))  // dropped: the queue gave up
        #expect(await queue.next() == nil)
        #expect(stalls.count.load(ordering: .relaxed) == 1)
    }

    @Test("events piling up on a stalled subscriber close it; on a live one they wait")
    func events() async throws {
        let stalls = Stalls()
        let queue = OutboundQueue(limits: Self.small) { stalls.note($0) }
        for _ in 0..<10 { queue.push([UInt8](repeating: 3, count: 10)) }  // 100 bytes, but progress is recent
        #expect(stalls.count.load(ordering: .relaxed) == 0)
        try await Task.sleep(for: .milliseconds(250))
        queue.push([UInt8](repeating: 3, count: 10))  // past 40 bytes, nothing written for the grace period
        #expect(stalls.count.load(ordering: .relaxed) == 1)
        #expect(await queue.next() == nil)
    }
}
