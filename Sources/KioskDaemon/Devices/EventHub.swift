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
/// began it and to no other, device events (attached, detached, an unclaimed swipe) to the
/// connections that subscribed to their type.
///
/// Capture events carry what the customer did (the masked card: name, first six, last four,
/// expiry; the signature's strokes), so they never leave the capture's own connection, whoever
/// subscribes to `capture.*`. Device events carry the device and nothing of a card.
///
/// Each connection registers its one outbound queue, so a push never interleaves bytes with a
/// reply on the same socket. Owned by the `DeviceManager` actor, so events leave in the order
/// the devices produced them.
struct EventHub {
    private struct Listener {
        var types: Set<EventType> = []
        let output: OutboundQueue
    }
    private var listeners: [ConnectionID: Listener] = [:]

    mutating func register(_ id: ConnectionID, output: OutboundQueue) {
        listeners[id] = Listener(output: output)
    }

    mutating func unregister(_ id: ConnectionID) { listeners[id] = nil }

    mutating func subscribe(_ id: ConnectionID, types: [EventType]) { listeners[id]?.types.formUnion(types) }

    /// Sends a capture's event to the connection that owns the capture, and to no one else.
    func publish(_ event: CaptureEvent, to owner: ConnectionID) {
        guard let listener = listeners[owner], let line = EventHub.encode(event.params) else { return }
        listener.output.push(line)
    }

    /// Sends a device event to every subscriber of its type. Capture data cannot go this way:
    /// a `DeviceEvent` carries none.
    func broadcast(_ event: DeviceEvent) {
        guard let line = EventHub.encode(event.params) else { return }
        for listener in listeners.values where listener.types.contains(event.type) {
            listener.output.push(line)
        }
    }

    static func encode(_ event: EventParams) -> [UInt8]? {
        var event = event
        // The last guard on the way out, as for error sentences: a failure's message that could
        // carry card data is replaced by one that cannot.
        if let message = event.message, CardDataPattern.appears(in: message) {
            event.message = "the capture failed; please try again"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard var bytes = try? encoder.encode(RPCNotification(method: "event", params: event)).map({ $0 }) else { return nil }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
