import CLibUDev
import Foundation

/// The kernel's copy of a HID interface's report descriptor, read from sysfs.
///
/// Why: while usbhid is bound to an interface, the kernel's usbfs refuses a control request
/// addressed to that interface from anyone else (it would have to claim the interface first,
/// which fails with EBUSY). The daemon must not claim an interface it has not identified yet —
/// an unlisted HID device may be the kiosk's own keyboard or touch screen — so for unlisted
/// devices it reads the descriptor usbhid already fetched, at
/// `/sys/bus/usb/devices/<port>:<config>.<interface>/<hid device>/report_descriptor`,
/// and only falls back to the control request when there is none (no driver bound).
public enum HIDSysfs {
    /// The kernel caps report descriptors at 4 KiB (HID_MAX_DESCRIPTOR_SIZE).
    public static let maximumLength = 4096

    /// The interface's sysfs name: "1-3:1.0" for interface 0 of configuration 1 at port 1-3.
    public static func interfaceName(portPath: String, configuration: UInt8, interface: Int) -> String {
        "\(portPath):\(configuration).\(interface)"
    }

    /// The interface's directory: libudev's syspath for it, else the standard sysfs path.
    public static func interfaceDirectory(name: String) -> String {
        if let udev = udev_new() {
            defer { udev_unref(udev) }
            if let device = udev_device_new_from_subsystem_sysname(udev, "usb", name) {
                defer { udev_device_unref(device) }
                if let path = udev_device_get_syspath(device) { return String(cString: path) }
            }
        }
        return "/sys/bus/usb/devices/\(name)"
    }

    /// The report descriptor of the hid device under `interfaceDirectory` (a child named like
    /// "0003:04DF:0012.0001"), or nil when there is none (usbhid not bound), it is empty, or
    /// it is longer than the kernel allows.
    public static func reportDescriptor(interfaceDirectory: String) -> [UInt8]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: interfaceDirectory) else { return nil }
        for entry in entries.sorted() where isHIDDeviceName(entry) {
            let path = interfaceDirectory + "/" + entry + "/report_descriptor"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            if !data.isEmpty, data.count <= maximumLength { return [UInt8](data) }
        }
        return nil
    }

    /// The report descriptor of `interface` of `device` from sysfs, if the kernel has one.
    public static func reportDescriptor(of device: USBDevice, interface: Int) -> [UInt8]? {
        guard let configuration = try? device.activeConfigurationValue() else { return nil }
        let name = interfaceName(portPath: device.info.portPath, configuration: configuration, interface: interface)
        return reportDescriptor(interfaceDirectory: interfaceDirectory(name: name))
    }

    /// "BBBB:VVVV:PPPP.NNNN" in upper-case hex, as the HID core names its devices.
    static func isHIDDeviceName(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 4 else { return false }
        let last = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard last.count == 2, last[0].count == 4, last[1].count == 4 else { return false }
        let hex = Set("0123456789ABCDEF")
        return [parts[0], parts[1], last[0], last[1]].allSatisfy { $0.allSatisfy(hex.contains) }
    }
}
