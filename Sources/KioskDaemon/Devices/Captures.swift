import Foundation
import KioskCrypto
import KioskProtocol

/// The captures running on devices, and the sealed ones not yet used by a payment with the
/// connection that made each: a capture pays for a payment only on the connection where the
/// customer swiped or signed. A value owned by the `DeviceManager` actor.
struct Captures {
    private var running: [String: RunningCapture] = [:]
    private var completed: [String: (owner: ConnectionID, kind: CaptureKind)] = [:]

    subscript(id: String) -> RunningCapture? {
        get { running[id] }
        set { running[id] = newValue }
    }

    /// Starts a capture on `device` for `owner` and returns its new id.
    mutating func begin(_ kind: CaptureBeginParams.Kind, device: String, owner: ConnectionID) -> String {
        let id = "K" + UUID().uuidString.prefix(8).lowercased()
        running[id] = RunningCapture(id: id, kind: kind, device: device, owner: owner)
        return id
    }

    /// Stops tracking a running capture; nil if it was not running (cancelled meanwhile).
    @discardableResult
    mutating func remove(_ id: String) -> RunningCapture? { running.removeValue(forKey: id) }

    /// A running capture of this connection, or the error its client gets.
    func owned(_ id: String, by owner: ConnectionID) throws -> RunningCapture {
        guard let capture = running[id], capture.owner == owner else {
            throw RPCError.app(.notFound, "no capture with that id is in progress on this connection")
        }
        return capture
    }

    /// A sealed capture, usable by a payment on its connection.
    mutating func complete(_ id: String, owner: ConnectionID, kind: CaptureKind) { completed[id] = (owner, kind) }

    /// Refuses a capture id this connection did not complete (or of the wrong kind).
    func requireOwn(_ id: String, kind: CaptureKind, connection: ConnectionID) throws {
        guard let entry = completed[id], entry.owner == connection else {
            throw RPCError.app(.notFound, kind == .card ? "the card swipe was not found on this kiosk session; please swipe again"
                                                        : "the signature was not found on this kiosk session; please sign again")
        }
        guard entry.kind == kind else {
            throw RPCError.invalidParams("invalid params: capture \(id.prefix(40)) is a \(entry.kind.rawValue) capture, not a \(kind.rawValue)",
                                         path: kind == .card ? "params.method.capture" : "params.signature")
        }
    }

    /// Refuses a capture id this connection did not complete, or one that cannot pay (a
    /// signature); returns its kind (a card swipe or a typed bank account).
    func requireOwnPaying(_ id: String, connection: ConnectionID, path: String) throws -> CaptureKind {
        guard let entry = completed[id], entry.owner == connection else {
            throw RPCError.app(.notFound, "the card swipe or bank account was not found on this kiosk session; please swipe or type it again")
        }
        guard entry.kind != .signature else {
            throw RPCError.invalidParams("invalid params: capture \(id.prefix(40)) is a signature, not a card or bank account", path: path)
        }
        return entry.kind
    }

    /// A bank account typed on this connection, sealed at once: it is complete from the start.
    mutating func newBankCapture(owner: ConnectionID) -> String {
        let id = "K" + UUID().uuidString.prefix(8).lowercased()
        completed[id] = (owner, .bank)
        return id
    }

    /// Drops a completed capture (its sealing failed).
    mutating func forgetCompleted(_ id: String) { completed[id] = nil }

    /// A connection went away: its completed captures are forgotten, and its running ones are
    /// returned so their devices can be freed.
    mutating func connectionClosed(_ owner: ConnectionID) -> [RunningCapture] {
        completed = completed.filter { $0.value.owner != owner }
        return running.values.filter { $0.owner == owner }
    }
}
