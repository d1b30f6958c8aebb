import Foundation
import KioskProtocol
import Synchronization

/// A connection's number, unique for the daemon's life; events are addressed by it.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    let value: UInt64
    private static let counter = Atomic<UInt64>(0)
    static func next() -> ConnectionID { ConnectionID(value: counter.add(1, ordering: .relaxed).newValue) }
    public var description: String { "c\(value)" }
}

/// Delivers `event` notifications to connections: a capture's events to the connection that
/// began it, every event to connections that subscribed to its type.
///
/// Each connection registers the continuation of its one outbound stream, so a push never
/// interleaves bytes with a reply on the same socket. Owned by the `DeviceManager` actor, so
/// events leave in the order the devices produced them.
struct EventHub {
    private struct Listener {
        var types: Set<String> = []
        let output: AsyncStream<[UInt8]>.Continuation
    }
    private var listeners: [ConnectionID: Listener] = [:]

    mutating func register(_ id: ConnectionID, output: AsyncStream<[UInt8]>.Continuation) {
        listeners[id] = Listener(output: output)
    }

    mutating func unregister(_ id: ConnectionID) { listeners[id] = nil }

    mutating func subscribe(_ id: ConnectionID, types: [String]) { listeners[id]?.types.formUnion(types) }

    /// Sends `event` to `owner` (if any) and to every subscriber of its type, once each.
    func publish(_ event: EventParams, to owner: ConnectionID? = nil) {
        guard let line = EventHub.encode(event) else { return }
        for (id, listener) in listeners where id == owner || listener.types.contains(event.type) {
            listener.output.yield(line)
        }
    }

    static func encode(_ event: EventParams) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard var bytes = try? encoder.encode(RPCNotification(method: "event", params: event)).map({ $0 }) else { return nil }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
