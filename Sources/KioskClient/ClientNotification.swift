import Foundation

/// What the daemon says without being asked, as seen by ``KioskClient``'s `onNotification`.
public enum ClientNotification: Sendable, Equatable {
    /// An `event` notification's `params` object, exactly as written (decode as `EventParams`).
    case event(Data)
    /// The connection ended (the daemon stopped or closed it): no more replies or events.
    case closed
}
