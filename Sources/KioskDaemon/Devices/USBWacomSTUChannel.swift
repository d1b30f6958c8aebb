import KioskDevices

/// A Wacom STU's feature reports over USB: HID GET_REPORT / SET_REPORT control transfers to
/// interface 0 of an open, claimed handle. USB failures become `WacomSTUHostError` sentences,
/// an unplug stays recognisable as `.deviceGone`. Daemon glue between the USB layer and the
/// I/O-free STU session (so KioskDevices' parsers build without libusb, e.g. for fuzzing).
struct USBWacomSTUChannel: WacomSTUChannel {
    let handle: USBDeviceHandle

    init(handle: USBDeviceHandle) { self.handle = handle }

    func getFeature(_ request: WacomSTUGetRequest) async throws(WacomSTUHostError) -> [UInt8] {
        do { return try await handle.getReport(.feature, id: request.reportID, length: request.length) } catch {
            throw Self.map(error)
        }
    }

    func setFeature(_ report: [UInt8]) async throws(WacomSTUHostError) {
        do { try await handle.setReport(.feature, id: report.first ?? 0, data: report) } catch {
            throw Self.map(error)
        }
    }

    static func map(_ error: USBError) -> WacomSTUHostError {
        error == .deviceGone ? .deviceGone : .transport(error.description)
    }
}
