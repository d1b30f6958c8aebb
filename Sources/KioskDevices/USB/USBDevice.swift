import CLibUSB

/// What identifies a USB device to the daemon.
///
/// VID/PID and the bus/port path come from memory libusb already holds; the strings need
/// control transfers, so they are filled in by `USBDeviceHandle.deviceInfo()` once the
/// device is open (nil when the device has none or refuses to give it).
public struct USBDeviceInfo: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    public var busNumber: UInt8
    /// Port numbers from the root hub down ("1-3.2" has [3, 2]).
    public var portNumbers: [UInt8]
    /// Address on the bus; changes on every replug.
    public var deviceAddress: UInt8
    public var serialNumber: String?
    public var manufacturer: String?
    public var product: String?

    /// Linux sysfs-style port path: "1-3", "1-3.2".
    public var portPath: String {
        "\(busNumber)-" + (portNumbers.isEmpty ? "0" : portNumbers.map(String.init).joined(separator: "."))
    }

    /// Stable identity for pinning a device: its serial number when it has a non-empty one,
    /// else the port it is plugged into.
    public var identity: String {
        if let serialNumber, !serialNumber.isEmpty { return "serial:\(serialNumber)" }
        return "port:\(portPath)"
    }

    /// "04df:0012".
    public var vidPid: String { hex4(vendorID) + ":" + hex4(productID) }

    public var description: String {
        "\(vidPid) at \(portPath)" + (serialNumber.map { " serial \($0)" } ?? "")
    }
}

func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// A device libusb knows about (`libusb_device`, reference-counted). Opening it gives a
/// `USBDeviceHandle`. Holding one keeps the context alive.
public final class USBDevice: Sendable {
    let raw: RawPointer<OpaquePointer>
    let context: USBContext
    /// Identity fields readable without I/O (no strings yet).
    public let info: USBDeviceInfo

    /// Takes a new reference on `device`.
    init(retaining device: OpaquePointer, context: USBContext) {
        raw = RawPointer(libusb_ref_device(device))
        self.context = context
        var desc = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &desc)  // cannot fail since libusb 1.0.16
        var ports = [UInt8](repeating: 0, count: 7)  // USB 3 allows at most 7 tiers
        let n = ports.withUnsafeMutableBufferPointer { libusb_get_port_numbers(device, $0.baseAddress, Int32($0.count)) }
        info = USBDeviceInfo(
            vendorID: desc.idVendor, productID: desc.idProduct,
            busNumber: libusb_get_bus_number(device),
            portNumbers: n > 0 ? Array(ports.prefix(Int(n))) : [],
            deviceAddress: libusb_get_device_address(device))
        descriptorIndexes = (desc.iManufacturer, desc.iProduct, desc.iSerialNumber)
    }

    /// String descriptor indexes (manufacturer, product, serial); 0 = none.
    let descriptorIndexes: (UInt8, UInt8, UInt8)

    deinit {
        libusb_unref_device(raw.value)
    }

    /// Opens the device (its usbfs node). Needs read-write access to /dev/bus/usb/BBB/DDD.
    public func open() throws(USBError) -> USBDeviceHandle {
        var handle: OpaquePointer?
        try usbCheck(libusb_open(raw.value, &handle), "open USB device \(info.vidPid) at \(info.portPath)")
        guard let handle else { throw USBError.deviceGone }
        return USBDeviceHandle(raw: handle, device: self)
    }

    /// The interrupt IN endpoints of `interface` (alternate setting 0) in the active configuration.
    public func interruptInEndpoints(interface: Int = 0) throws(USBError) -> [USBEndpoint] {
        try withInterface(interface) { alt in
            var result: [USBEndpoint] = []
            for i in 0..<Int(alt.bNumEndpoints) {
                let ep = alt.endpoint[i]
                let isIn = ep.bEndpointAddress & 0x80 != 0
                let isInterrupt = ep.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_INTERRUPT.rawValue)
                if isIn && isInterrupt {
                    result.append(USBEndpoint(address: ep.bEndpointAddress, maxPacketSize: Int(ep.wMaxPacketSize), interval: ep.bInterval))
                }
            }
            return result
        }
    }

    /// The HID report descriptor length announced by the interface's HID class descriptor
    /// (type 0x21, in the interface's "extra" bytes), or nil when the interface is not HID.
    public func hidReportDescriptorLength(interface: Int = 0) throws(USBError) -> Int? {
        try withInterface(interface) { alt in
            guard alt.bInterfaceClass == UInt8(LIBUSB_CLASS_HID.rawValue), let extra = alt.extra else { return nil }
            let bytes = UnsafeBufferPointer(start: extra, count: Int(alt.extra_length))
            var i = 0
            while i + 1 < bytes.count {
                let len = Int(bytes[i])
                if len < 2 || i + len > bytes.count { break }
                if bytes[i + 1] == 0x21 && len >= 9 {
                    // bNumDescriptors at 5; then (type, length LE16) triples from 6.
                    var j = i + 6
                    while j + 2 < i + len {
                        if bytes[j] == 0x22 { return Int(bytes[j + 1]) | Int(bytes[j + 2]) << 8 }
                        j += 3
                    }
                }
                i += len
            }
            return nil
        }
    }

    /// bConfigurationValue of the active configuration (the "1" in sysfs's "1-3:1.0").
    public func activeConfigurationValue() throws(USBError) -> UInt8 {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        try usbCheck(libusb_get_active_config_descriptor(raw.value, &config), "read the configuration of \(info.vidPid)")
        guard let config else { throw USBError.notFound(operation: "read the configuration of \(info.vidPid)", what: "an active configuration") }
        defer { libusb_free_config_descriptor(config) }
        return config.pointee.bConfigurationValue
    }

    /// Runs `body` on interface `number`'s alternate setting 0 in the active configuration.
    func withInterface<T>(_ number: Int, _ body: (libusb_interface_descriptor) -> T) throws(USBError) -> T {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        try usbCheck(libusb_get_active_config_descriptor(raw.value, &config), "read the configuration of \(info.vidPid)")
        guard let config else { throw USBError.notFound(operation: "read the configuration of \(info.vidPid)", what: "an active configuration") }
        defer { libusb_free_config_descriptor(config) }
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let iface = config.pointee.interface[i]
            guard iface.num_altsetting > 0 else { continue }
            let alt = iface.altsetting[0]
            if Int(alt.bInterfaceNumber) == number { return body(alt) }
        }
        throw USBError.notFound(operation: "use interface \(number) of \(info.vidPid)", what: "interface \(number)")
    }
}

/// An endpoint as its descriptor describes it.
public struct USBEndpoint: Sendable, Hashable {
    public var address: UInt8
    public var maxPacketSize: Int
    /// Polling interval in frames (1 ms each at full speed).
    public var interval: UInt8
}
