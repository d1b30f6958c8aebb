import Foundation
import KioskProtocol
import Testing
@testable import KioskDaemon

/// Device and capture events are enums inside the daemon; on the wire they must stay exactly the
/// `event` notifications PROTOCOL.md describes (the names and fields kioskd sent as literals).
@Suite("event wire forms")
struct DeviceEventWireTests {
    static let pad = DeviceInfo(id: "serial:EPAD-0001", kind: .signaturePad, driver: "hid-digitizer", vendorID: 0x04df,
                                productID: 0x0012, serial: "EPAD-0001", allowed: true, state: .ready)

    /// The notification as a JSON object (key order is not fixed on the wire).
    func line(_ params: EventParams) -> NSDictionary {
        let bytes = EventHub.encode(params) ?? []
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? NSDictionary ?? [:]
    }

    @Test("device events encode as before")
    func deviceEvents() {
        #expect(line(DeviceEvent.attached(Self.pad).params) == line(EventParams(type: "device.attached", device: Self.pad)))
        #expect(line(DeviceEvent.detached(Self.pad).params) == line(EventParams(type: "device.detached", device: Self.pad)))
        #expect(line(DeviceEvent.swipeUnclaimed(Self.pad).params) == line(EventParams(type: "swipe.unclaimed", device: Self.pad)))
        #expect(line(DeviceEvent.attached(Self.pad).params)["method"] as? String == "event")
        #expect(DeviceEvent.attached(Self.pad).params == EventParams(type: "device.attached", device: Self.pad))
    }

    @Test("capture events encode as before")
    func captureEvents() {
        let preview: [[[Double]]] = [[[0.1, 0.2], [0.3, 0.4]]]
        var progress = EventParams(type: "capture.progress", capture: "Kabc", points: 2)
        progress.preview = preview
        #expect(line(CaptureEvent.progress(capture: "Kabc", points: 2, preview: preview).params) == line(progress))

        let masked = MaskedCardWire(last4: "1111", first6: "411111", brand: "visa", expiry: "2028-12", name: "JOHN DOE")
        #expect(line(CaptureEvent.cardDone(capture: "Kabc", masked: masked).params)
                == line(EventParams(type: "capture.done", capture: "Kabc", kind: "card", masked: masked)))

        var signed = EventParams(type: "capture.done", capture: "Kabc", kind: "signature", points: 2, strokes: 1)
        signed.preview = preview
        #expect(line(CaptureEvent.signatureDone(capture: "Kabc", points: 2, strokes: 1, preview: preview).params) == line(signed))

        #expect(line(CaptureEvent.failed(capture: "Kabc", kind: .signature, message: "gone", error: .deviceUnavailable).params)
                == line(EventParams(type: "capture.failed", capture: "Kabc", kind: "signature", message: "gone", error: "device_unavailable")))
        #expect(line(CaptureEvent.failed(capture: "Kabc", kind: .card, message: "unreadable", error: nil).params)
                == line(EventParams(type: "capture.failed", capture: "Kabc", kind: "card", message: "unreadable")))
    }

    @Test("event types: the six names, and capture events are the owner-only ones")
    func types() {
        #expect(Set(EventType.allCases.map(\.rawValue)) == ["device.attached", "device.detached", "capture.progress", "capture.done",
                                                             "capture.failed", "swipe.unclaimed"])
        #expect(Set(EventType.allCases.filter(\.isOwnerOnly).map(\.rawValue)) == ["capture.progress", "capture.done", "capture.failed"])
        #expect(CaptureEvent.progress(capture: "K", points: 1, preview: []).type.isOwnerOnly)
        #expect(!DeviceEvent.attached(Self.pad).type.isOwnerOnly)
    }
}
