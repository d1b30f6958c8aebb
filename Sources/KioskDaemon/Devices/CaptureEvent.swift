import KioskProtocol

/// What happened to a capture, for the connection that began it and no other (`EventHub`):
/// these carry the masked card or the signature's preview.
enum CaptureEvent: Sendable, Equatable {
    /// The signature grew: the points so far and a coarse preview of the strokes.
    case progress(capture: String, points: Int, preview: [[[Double]]])
    /// A swipe was sealed: the masked card is all the connection learns.
    case cardDone(capture: String, masked: MaskedCardWire)
    /// A typed bank account was sealed: its masked view (last four, type, description).
    case bankDone(capture: String, masked: MaskedCardWire)
    /// The customer pressed Done and the signature was sealed.
    case signatureDone(capture: String, points: Int, strokes: Int, preview: [[[Double]]])
    /// The capture ended without a result. `error` is set when the failure has an error kind
    /// (`device_unavailable` for an unplugged or reset device).
    case failed(capture: String, kind: CaptureBeginParams.Kind, message: String, error: ErrorKind?)

    var type: EventType {
        switch self {
        case .progress: .captureProgress
        case .cardDone, .bankDone, .signatureDone: .captureDone
        case .failed: .captureFailed
        }
    }

    /// The wire form (PROTOCOL.md: `event` notifications).
    var params: EventParams {
        switch self {
        case .progress(let capture, let points, let preview):
            var params = EventParams(type: type.rawValue, capture: capture, points: points)
            params.preview = preview
            return params
        case .cardDone(let capture, let masked):
            return EventParams(type: type.rawValue, capture: capture, kind: CaptureBeginParams.Kind.card.rawValue, masked: masked)
        case .bankDone(let capture, let masked):
            return EventParams(type: type.rawValue, capture: capture, kind: CaptureBeginParams.Kind.bank.rawValue, masked: masked)
        case .signatureDone(let capture, let points, let strokes, let preview):
            var params = EventParams(type: type.rawValue, capture: capture, kind: CaptureBeginParams.Kind.signature.rawValue,
                                     points: points, strokes: strokes)
            params.preview = preview
            return params
        case .failed(let capture, let kind, let message, let error):
            return EventParams(type: type.rawValue, capture: capture, kind: kind.rawValue, message: message, error: error?.rawValue)
        }
    }
}
