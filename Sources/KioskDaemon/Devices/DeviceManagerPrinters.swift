import Foundation
import KioskCore
import KioskDevices
import KioskProtocol

/// The receipt printers among the devices: which one prints, and what each said last. Printing
/// itself runs in the `ReceiptDesk`, outside this actor, so a slow printer never holds up a
/// swipe or a signature.
extension DeviceManager {
    /// The printer a receipt goes to: the first allowed real one present (by id), else the demo's
    /// emulated one; nil when none is.
    func receiptPrinter() -> (id: String, channel: any PrinterChannel)? {
        let usable = registry.all.filter { $0.info.kind == .receiptPrinter && $0.info.allowed && $0.printer != nil }
        return (usable.first { !$0.emulated } ?? usable.first).map { ($0.info.id, $0.printer!) }
    }

    /// A printer for a technician's test page: that device, present, a printer (allowed or not:
    /// the technician checks it before allowing it).
    func printerForTest(_ id: String) throws -> (info: DeviceInfo, channel: any PrinterChannel)? {
        let device = try registry.present(id)
        guard device.info.kind == .receiptPrinter, let channel = device.printer else { return nil }
        return (device.info, channel)
    }

    /// What a printer said when last asked (nil: it could not be asked).
    func printerChecked(_ id: String, status: PrinterStatus?, printing: Bool? = nil) {
        guard var device = registry[id] else { return }
        device.printerStatus = status
        device.printerCheckedAt = Date()
        if let printing { device.printing = printing }
        device.info.state = status?.fault == nil ? (device.printing ? .capturing : .ready) : .error
        registry[id] = device
    }

    /// `status`'s printers.
    func printerStates() -> [PrinterState] {
        registry.all.filter { $0.info.kind == .receiptPrinter }.map { device in
            let fault = device.printerStatus?.fault?.rawValue
            let state = device.printing ? "printing" : device.printerStatus == nil ? "unknown" : fault == nil ? "ready" : "fault"
            return PrinterState(device: device.info.id, allowed: device.info.allowed, state: state, fault: fault,
                                message: fault.map { ReceiptFaultText.manager($0, payment: "ID") },
                                paperNearEnd: device.printerStatus?.paperNearEnd ?? false,
                                checkedAt: device.printerCheckedAt.map { Instant($0).description })
        }
    }
}
