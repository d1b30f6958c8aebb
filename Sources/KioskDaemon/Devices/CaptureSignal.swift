/// What the device manager tells a device's transport about the captures on that device.
///
/// Most devices need nothing, but a pad with a screen (Wacom STU) must be prepared when a
/// signature starts (clear, prompt, inking on) and tidied when it ends. The manager only
/// yields these into the stream the transport handed it at `attach`, so it never waits for
/// device I/O and a slow or vanished pad cannot stall the actor.
enum CaptureSignal: Sendable, Equatable {
    /// A capture began on the device; `prompt` is the line to show, if the client gave one.
    case began(prompt: String?)
    /// The capture ended: finished, cancelled, failed, or its connection closed.
    case ended
}
