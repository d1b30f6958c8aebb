/// The USB readers, pads and printers kioskpay knows by VID/PID: every driver's id table
/// (`DeviceDriver.models`), in `DeviceDrivers.all` order. The transport matches these first,
/// then any HID device whose report descriptor describes a pen. udev/70-kioskpay.rules is
/// generated from the same declarations (`UdevRules`), and a test compares it byte for byte.
public struct SupportedDevice: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case cardReader = "card_reader", signaturePad = "signature_pad", receiptPrinter = "receipt_printer"

        /// As a person says it ("card reader"), for generated tables and messages.
        public var noun: String {
            switch self {
            case .cardReader: "card reader"
            case .signaturePad: "signature pad"
            case .receiptPrinter: "receipt printer"
            }
        }
    }
    public let vendorID: UInt16
    /// nil: every product of the vendor (Topaz makes only pads).
    public let productID: UInt16?
    public let kind: Kind
    /// The name of the driver that declared this entry (`DeviceDriver.driverName`).
    public let driver: String
    public let name: String

    /// The declaration of the driver this entry belongs to.
    public var driverType: any DeviceDriver.Type {
        // Entries are only built from `DeviceDrivers.all`, so the name always resolves.
        DeviceDrivers.named(driver)!
    }
}

public enum SupportedDevices {
    public static let all: [SupportedDevice] = DeviceDrivers.all.flatMap { driver in
        driver.models.map {
            SupportedDevice(vendorID: $0.vendorID, productID: $0.productID, kind: driver.kind, driver: driver.driverName, name: $0.name)
        }
    }

    /// The entry for a device, if kioskpay knows it by VID/PID.
    public static func match(vendorID: UInt16, productID: UInt16) -> SupportedDevice? {
        all.first { $0.vendorID == vendorID && ($0.productID == nil || $0.productID == productID) }
    }
}
