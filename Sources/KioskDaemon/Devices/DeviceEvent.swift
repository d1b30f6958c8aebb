import KioskProtocol

/// What happened to a device, for every connection that subscribed to its type. Carries the
/// device and nothing of a card: a capture's own events are `CaptureEvent`s, which the hub only
/// sends to the capture's connection.
enum DeviceEvent: Sendable, Equatable {
    case attached(DeviceInfo)
    case detached(DeviceInfo)
    /// A card was swiped with no capture open; its data was wiped unread.
    case swipeUnclaimed(DeviceInfo)

    var type: EventType {
        switch self {
        case .attached: .deviceAttached
        case .detached: .deviceDetached
        case .swipeUnclaimed: .swipeUnclaimed
        }
    }

    /// The wire form (PROTOCOL.md: `event` notifications).
    var params: EventParams {
        switch self {
        case .attached(let device), .detached(let device), .swipeUnclaimed(let device):
            EventParams(type: type.rawValue, device: device)
        }
    }
}
