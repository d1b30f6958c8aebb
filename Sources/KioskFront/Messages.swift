import Foundation
import KioskProtocol

/// Why a request was sent, so its reply can be read by the screen that asked.
public enum Purpose: String, Sendable, Equatable {
    case signIn, accountInfo, balances, summary, activity, openItems, options, quote
    case captureCard, captureSignature, captureFinish, captureCancel, emulate, submit, signOut, keepAlive, acknowledge
    case statements, credits, history
}

/// A request for the runtime to send to kioskd. `generation` ties it to one sign-in: a reply
/// that comes back after the customer left is dropped.
public struct Request: Sendable, Equatable {
    public var purpose: Purpose
    public var generation: Int
    public var method: String
    public var params: Data
}

/// What the runtime must do after an update. The update itself touches nothing outside.
public enum Effect: Sendable, Equatable {
    case send(Request)
    /// Clear the whole terminal (after sign-out, so nothing of the customer stays drawn).
    case wipeScreen
    case quit
}

/// A failed request, as much as the front needs of it.
public struct Failure: Sendable, Equatable, Error {
    public var kind: String?
    public var message: String
    public var attemptsLeft: Int?
    public var retryAfter: Int?
    /// The connection went away: the "service unavailable" screen handles it.
    public var connectionLost: Bool

    public init(kind: String? = nil, message: String, attemptsLeft: Int? = nil, retryAfter: Int? = nil, connectionLost: Bool = false) {
        self.kind = kind; self.message = message; self.attemptsLeft = attemptsLeft; self.retryAfter = retryAfter
        self.connectionLost = connectionLost
    }
}

/// Everything that can happen to the front.
public enum Input: Sendable, Equatable {
    case key(Key)
    case reply(Purpose, generation: Int, Result<Data, Failure>)
    /// An `event` notification's params, undecoded (decoded leniently by the update).
    case event(Data)
    case connected
    case disconnected
    /// Time passes (idle countdowns); the clock itself comes with every update.
    case tick
}

enum Wire {
    static func encode<T: Encodable>(_ value: T) -> Data { (try? JSONEncoder().encode(value)) ?? Data("{}".utf8) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) -> T? { try? JSONDecoder().decode(type, from: data) }
    static let empty = Data("{}".utf8)
}
