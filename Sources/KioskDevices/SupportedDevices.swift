/// The USB readers and pads kioskpay knows by VID/PID. The device manager matches these
/// first, then any HID device whose report descriptor describes a pen (the generic
/// digitizer driver needs no entry here). udev/70-kioskpay.rules must cover every entry;
/// a test checks that.
public struct SupportedDevice: Sendable, Equatable {
    public enum Kind: String, Sendable { case cardReader = "card_reader", signaturePad = "signature_pad" }
    public let vendorID: UInt16
    /// nil: every product of the vendor (Topaz makes only pads).
    public let productID: UInt16?
    public let kind: Kind
    public let driver: String
    public let name: String
}

public enum SupportedDevices {
    public static let all: [SupportedDevice] = {
        var list: [SupportedDevice] = [
            .init(vendorID: 0x0801, productID: 0x0001, kind: .cardReader, driver: KeyboardWedgeDecoder.driverName, name: "MagTek keyboard-emulation reader"),
            .init(vendorID: 0x0801, productID: 0x0002, kind: .cardReader, driver: MagTekHIDDecoder.driverName, name: "MagTek USB HID swipe reader"),
            .init(vendorID: 0x0801, productID: 0x0011, kind: .cardReader, driver: MagneSafeHIDDecoder.driverName, name: "MagTek MagneSafe (encrypting)"),
            .init(vendorID: 0x0acd, productID: 0x2010, kind: .cardReader, driver: IDTechSecureMagDecoder.driverName, name: "ID TECH SecureMag (encrypting)"),
            .init(vendorID: 0x04df, productID: 0x0012, kind: .signaturePad, driver: PenDecoder.driverName, name: "ePadLink ePad"),
            .init(vendorID: 0x06a8, productID: nil, kind: .signaturePad, driver: "topaz-hid", name: "Topaz HID pad (experimental)"),
        ]
        for model in WacomSTUModel.allCases {
            list.append(.init(vendorID: 0x056a, productID: model.productID, kind: .signaturePad, driver: WacomSTUDecoder.driverName,
                              name: "Wacom \(model)"))
        }
        return list
    }()

    /// The entry for a device, if kioskpay knows it by VID/PID.
    public static func match(vendorID: UInt16, productID: UInt16) -> SupportedDevice? {
        all.first { $0.vendorID == vendorID && ($0.productID == nil || $0.productID == productID) }
    }
}
