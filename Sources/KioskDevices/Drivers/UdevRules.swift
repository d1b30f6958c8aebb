/// udev/70-kioskpay.rules, generated from the drivers' id tables (`SupportedDevices`) and the
/// vendors' other products kept in group kiosk (`accessOnly`). `make udev-rules` writes it; a
/// test compares the checked-in file with `text` byte for byte.
public enum UdevRules {
    /// A vendor whose devices the rules cover: the name used in comments and a remark.
    public struct Vendor: Sendable {
        public let vendorID: UInt16
        public let name: String
        public let remark: String?
    }

    public static let vendors: [Vendor] = [
        Vendor(vendorID: 0x0801, name: "MagTek", remark: nil),
        Vendor(vendorID: 0x0acd, name: "ID TECH", remark: nil),
        Vendor(vendorID: 0x056a, name: "Wacom", remark: "only STU signature pads; Wacom's other products (tablets) are deliberately not matched"),
        Vendor(vendorID: 0x06a8, name: "Topaz", remark: "makes only signature pads: every product"),
        Vendor(vendorID: 0x04df, name: "ePadLink", remark: nil),
        Vendor(vendorID: ESCPOSPrinterDriver.epsonVendorID, name: "Epson",
               remark: "only TM receipt printers; Epson's scanners, inkjets and other products are deliberately not matched"),
    ]

    /// Products of these vendors that no driver in this build drives, still given to group kiosk
    /// so kioskd can open them (the generic digitizer path looks at any HID device) and a later
    /// driver needs no new rules. Sources: card-readers.md §2.6, §3, §4.1.
    public static let accessOnly: [(kind: SupportedDevice.Kind, model: DeviceModel)] = [
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x0003, name: "unidentified (WebHID)")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x0013, name: "insert")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x0014, name: "U-Finity cabled")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x0019, name: "SCRA V5 family")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x001a, name: "SCRA V5 family")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x001c, name: "SCRA V5 family")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x001e, name: "SCRA V5 family")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x001f, name: "SCRA V5 family")),
        (.cardReader, DeviceModel(vendorID: 0x0801, productID: 0x0020, name: "iDynamo 5 Gen III")),
        (.cardReader, DeviceModel(vendorID: 0x0acd, productID: 0x2020, name: "HID MagTek-compatible")),
        (.cardReader, DeviceModel(vendorID: 0x0acd, productID: 0x2030, name: "HID keyboard")),
    ]

    /// One vendor's lines: the comment, and the match for an attribute prefix (ATTR or ATTRS).
    struct Block {
        let comment: [String]
        let vendor: String
        /// nil: every product.
        let products: String?
        let device: String

        /// `ATTR` matches the USB device itself, `ATTRS` a hidraw or input node's USB parent; the
        /// subsystem is named either way (ids mean nothing outside USB; lintian checks it too).
        func match(_ attribute: String) -> String {
            var line = (attribute == "ATTR" ? "SUBSYSTEM==\"usb\", " : "SUBSYSTEMS==\"usb\", ") + "\(attribute){idVendor}==\"\(vendor)\", "
            if let products { line += "\(attribute){idProduct}==\"\(products)\", " }
            return line + "ENV{KIOSKPAY_DEVICE}=\"\(device)\""
        }
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static var blocks: [Block] {
        let driven = SupportedDevices.all.map { (kind: $0.kind, model: DeviceModel(vendorID: $0.vendorID, productID: $0.productID, name: $0.name), driver: Optional($0.driver)) }
        let extra = accessOnly.map { (kind: $0.kind, model: $0.model, driver: String?.none) }
        let entries = driven + extra
        // A vendor first met in a new driver's id table works before it gets a line in `vendors`.
        let listed = Set(vendors.map(\.vendorID))
        let unlisted = entries.map(\.model.vendorID).filter { !listed.contains($0) }
        let all = vendors + unlisted.enumerated().filter { unlisted.firstIndex(of: $0.element) == $0.offset }
            .map { Vendor(vendorID: $0.element, name: "vendor", remark: nil) }
        return all.compactMap { vendor -> Block? in
            let mine = entries.filter { $0.model.vendorID == vendor.vendorID }
            guard let kind = mine.first?.kind else { return nil }
            let everyProduct = mine.contains { $0.model.productID == nil }
            let sorted = mine.sorted { ($0.model.productID ?? 0) < ($1.model.productID ?? 0) }
            var comment = ["# \(vendor.name) (\(hex(vendor.vendorID)))" + (vendor.remark.map { ": \($0)." } ?? ".")]
            for entry in sorted {
                let product = entry.model.productID.map(hex) ?? "any product"
                let driver = entry.driver.map { "driver \($0)" } ?? "no driver in this build"
                comment.append("#   \(product): \(entry.model.name) (\(driver))")
            }
            let products = everyProduct ? nil : sorted.compactMap(\.model.productID).map(hex).joined(separator: "|")
            return Block(comment: comment, vendor: hex(vendor.vendorID), products: products, device: device(kind))
        }
    }

    /// KIOSKPAY_DEVICE's value for a kind.
    static func device(_ kind: SupportedDevice.Kind) -> String {
        switch kind {
        case .cardReader: "card-reader"
        case .signaturePad: "signature-pad"
        case .receiptPrinter: "receipt-printer"
        }
    }

    /// Printers of other makers have no id table entry: any device with a printer-class
    /// interface (7/1, any protocol) is given to group kiosk, and kioskd decides by its IEEE 1284
    /// id (`ESCPOSPrinterDriver.speaksESCPOS`). Printers have no hidraw or input nodes, so this
    /// rule has no counterpart in the parent section.
    static let printerClass = [
        "# Any printer-class interface (bInterfaceClass 7, subclass 1): compatible ESC/POS receipt printers",
        "# of other makers have no id here. kioskd reads the printer's IEEE 1284 device id before it sends",
        "# anything and only prints on one whose command set is ESC/POS; any other printer it leaves alone.",
        "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ENV{ID_USB_INTERFACES}==\"*:0701??:*\", "
            + "ENV{KIOSKPAY_DEVICE}=\"\(device(.receiptPrinter))\"",
    ]

    /// The whole rules file.
    public static var text: String {
        var lines = header
        lines.append("LABEL=\"kioskpay_usb\"")
        for block in blocks {
            lines += block.comment
            lines.append(block.match("ATTR"))
        }
        lines += printerClass
        lines += usbPolicy
        lines += blocks.map { $0.match("ATTRS") }
        lines += parentPolicy
        return lines.joined(separator: "\n") + "\n"
    }

    static let header = [
        "# kioskpay: access and quiet handling for the card readers, signature pads and receipt printers kioskd drives.",
        "# GENERATED from the drivers' id tables (KioskDevices: DeviceDrivers, UdevRules). Do not edit:",
        "# change a driver's declaration, then run `make udev-rules`.",
        "# Install as /etc/udev/rules.d/70-kioskpay.rules (see udev/README.md), then",
        "#   udevadm control --reload && udevadm trigger --subsystem-match=usb --subsystem-match=hidraw --subsystem-match=input",
        "#",
        "# Why these rules exist:",
        "# * kioskd runs as a system user in group \"kiosk\" and opens /dev/bus/usb/BBB/DDD through libusb.",
        "#   It has no login session, so TAG+=\"uaccess\" (which grants the active seat's user) is the wrong",
        "#   tool; the nodes get GROUP=\"kiosk\", MODE=\"0660\": the daemon can use them, other users cannot",
        "#   (card data passes through these devices — never 0666).",
        "# * hidraw nodes are separate device nodes with their own permissions; without a hidraw rule",
        "#   a hidraw-based path only works as root.",
        "# * power/control=on turns USB autosuspend off: a reader or pad that suspends between swipes",
        "#   can drop the first packets of a report or disconnect (MagTek readers discard a report when",
        "#   the host stops polling mid-report).",
        "# * ID_MM_DEVICE_IGNORE=1 keeps ModemManager from probing the device; ID_MTP_DEVICE=0 undoes",
        "#   libmtp's guess (69-libmtp.rules runs before us, hence the 70- prefix); LIBINPUT_IGNORE_DEVICE=1",
        "#   keeps libinput from turning a pad's pen into the kiosk's mouse pointer or a keyboard-mode",
        "#   reader's keystrokes into typed text while the kernel driver is still bound.",
        "#",
        "# Matching is by exact vendor/product ID (card-readers.md §2.6/§3/§4.1, signature-pads.md §1.3/§3.2);",
        "# generic keyboard-wedge readers with arbitrary IDs are not matched here: pin them by port instead.",
        "# Receipt printers: Epson's TM ids (Epson's technical reference guides), and any printer-class device.",
        "",
        "ACTION==\"remove\", GOTO=\"kioskpay_end\"",
        "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", GOTO=\"kioskpay_usb\"",
        "SUBSYSTEM==\"hidraw\", GOTO=\"kioskpay_parent\"",
        "SUBSYSTEM==\"input\", GOTO=\"kioskpay_parent\"",
        "GOTO=\"kioskpay_end\"",
        "",
        "# --- the USB device itself (what libusb opens) -------------------------------------------",
    ]

    static let usbPolicy = [
        "",
        "ENV{KIOSKPAY_DEVICE}!=\"?*\", GOTO=\"kioskpay_end\"",
        "MODE=\"0660\", GROUP=\"kiosk\"",
        "TEST==\"power/control\", ATTR{power/control}=\"on\"",
        "ENV{ID_MM_DEVICE_IGNORE}=\"1\"",
        "ENV{ID_MTP_DEVICE}=\"0\"",
        "ENV{LIBINPUT_IGNORE_DEVICE}=\"1\"",
        "GOTO=\"kioskpay_end\"",
        "",
        "# --- hidraw and input nodes created by usbhid while the kernel driver is bound -----------",
        "LABEL=\"kioskpay_parent\"",
    ]

    static let parentPolicy = [
        "ENV{KIOSKPAY_DEVICE}!=\"?*\", GOTO=\"kioskpay_end\"",
        "# hidraw: the daemon may read reports here instead of through libusb.",
        "SUBSYSTEM==\"hidraw\", MODE=\"0660\", GROUP=\"kiosk\"",
        "# input (evdev): libinput reads LIBINPUT_IGNORE_DEVICE from the event node itself, so it has to",
        "# be set here, not only on the USB device. The node is also made group-accessible so the daemon",
        "# could EVIOCGRAB a keyboard-mode reader.",
        "SUBSYSTEM==\"input\", ENV{LIBINPUT_IGNORE_DEVICE}=\"1\"",
        "SUBSYSTEM==\"input\", KERNEL==\"event*\", MODE=\"0660\", GROUP=\"kiosk\"",
        "",
        "LABEL=\"kioskpay_end\"",
    ]
}
