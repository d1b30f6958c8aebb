/// docs/SUPPORTED-DEVICES.md, generated like the udev rules: from the drivers' id tables
/// (`SupportedDevices`), the vendors' products kept in group kiosk (`UdevRules.accessOnly`) and
/// the devices taken without an id (a pen found in any HID descriptor, an ESC/POS printer found
/// by its IEEE 1284 id). `make supported-devices` writes it; a test compares it byte for byte.
public enum SupportedDevicesTable {
    /// The whole document.
    public static var markdown: String {
        var lines = [
            "# Supported devices",
            "",
            "<!-- GENERATED from the driver table (KioskDevices: DeviceDrivers, UdevRules, SupportedDevicesTable).",
            "     Do not edit: change a driver's declaration, then run `make supported-devices`. -->",
            "",
            "Every USB device kioskd drives, from the drivers' id tables in matching order (the first entry",
            "that matches a device wins), then the devices a driver takes without an id. udev/70-kioskpay.rules",
            "is generated from the same declarations. A technician still allows each device before it is used",
            "(`kioskctl device allow`).",
            "",
            "| Kind | Vendor | Product id | Model | Driver |",
            "| --- | --- | --- | --- | --- |",
        ]
        for device in SupportedDevices.all {
            lines.append(row(device.kind, vendor: device.vendorID, product: device.productID, model: device.name, driver: "`\(device.driver)`"))
        }
        for entry in UdevRules.accessOnly {
            lines.append(row(entry.kind, vendor: entry.model.vendorID, product: entry.model.productID,
                             model: entry.model.name, driver: "none (udev access only)"))
        }
        lines += [
            "| \(SupportedDevice.Kind.signaturePad.noun) | any | any | any HID device whose report descriptor describes a pen | `\(PenDecoder.driverName)` |",
            "| \(SupportedDevice.Kind.receiptPrinter.noun) | any | any | any printer-class device (interface class \(ESCPOSPrinterDriver.printerInterfaceClass), "
                + "subclass \(ESCPOSPrinterDriver.printerInterfaceSubclass)) whose IEEE 1284 id names ESC/POS | `\(ESCPOSPrinterDriver.driverName)` |",
            "",
            "\"none (udev access only)\": products of these vendors that no driver of this build drives; udev",
            "still gives them to group kiosk so a later driver needs no new rules.",
            "",
            "Receipt printers print in PC858 (ESC t 19) unless their IEEE 1284 id names Windows-1252, then",
            "WPC1252 (ESC t 16).",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ kind: SupportedDevice.Kind, vendor: UInt16, product: UInt16?, model: String, driver: String) -> String {
        let name = UdevRules.vendors.first { $0.vendorID == vendor }?.name
        let vendorText = name.map { "\($0) (\(UdevRules.hex(vendor)))" } ?? UdevRules.hex(vendor)
        let productText = product.map(UdevRules.hex) ?? "any"
        let cells = [kind.noun, vendorText, productText, model.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|"), driver]
        return "| " + cells.joined(separator: " | ") + " |"
    }
}
