/// The `type` of an `event` notification (`EventParams.type`), the names `events.subscribe`
/// accepts.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case deviceAttached = "device.attached"
    case deviceDetached = "device.detached"
    case captureProgress = "capture.progress"
    case captureDone = "capture.done"
    case captureFailed = "capture.failed"
    case swipeUnclaimed = "swipe.unclaimed"

    /// A capture's events carry what the customer did: they only ever go to the connection
    /// that began the capture, whoever subscribes to them.
    public var isOwnerOnly: Bool {
        switch self {
        case .captureProgress, .captureDone, .captureFailed: true
        case .deviceAttached, .deviceDetached, .swipeUnclaimed: false
        }
    }
}
