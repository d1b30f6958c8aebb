import Foundation
import Testing
@testable import KioskDevices

/// The sysfs path logic of HIDSysfs on a directory laid out like the kernel's.
@Suite("HID report descriptor from sysfs")
struct HIDSysfsTests {
    /// A scratch interface directory, removed after `body`.
    func withInterfaceDirectory(_ body: (String) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "hidsysfs-\(UUID().uuidString.prefix(8))/1-3:1.0"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try body(path)
    }

    func addHID(_ name: String, in directory: String, descriptor: [UInt8]?) throws {
        try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
        if let descriptor {
            FileManager.default.createFile(atPath: directory + "/" + name + "/report_descriptor", contents: Data(descriptor))
        }
    }

    @Test func interfaceNamesFollowTheKernel() {
        #expect(HIDSysfs.interfaceName(portPath: "1-3", configuration: 1, interface: 0) == "1-3:1.0")
        #expect(HIDSysfs.interfaceName(portPath: "2-1.4.3", configuration: 2, interface: 1) == "2-1.4.3:2.1")
        #expect(HIDSysfs.isHIDDeviceName("0003:04DF:0012.0001"))
        #expect(!HIDSysfs.isHIDDeviceName("0003:04df:0012.0001"))  // the kernel prints upper case
        #expect(!HIDSysfs.isHIDDeviceName("power") && !HIDSysfs.isHIDDeviceName("ep_81") && !HIDSysfs.isHIDDeviceName("0003:04DF:0012"))
    }

    @Test func readsTheHIDChildsDescriptorAndIgnoresEverythingElse() throws {
        try withInterfaceDirectory { dir in
            #expect(HIDSysfs.reportDescriptor(interfaceDirectory: dir) == nil)  // usbhid not bound: no hid child
            try addHID("power", in: dir, descriptor: [0xFF])
            try addHID("ep_81", in: dir, descriptor: nil)
            #expect(HIDSysfs.reportDescriptor(interfaceDirectory: dir) == nil)
            try addHID("0003:04DF:0012.0007", in: dir, descriptor: [0x05, 0x0D, 0x09, 0x02])
            #expect(HIDSysfs.reportDescriptor(interfaceDirectory: dir) == [0x05, 0x0D, 0x09, 0x02])
        }
    }

    @Test func refusesEmptyAndOversizedCopies() throws {
        try withInterfaceDirectory { dir in
            try addHID("0003:04DF:0012.0001", in: dir, descriptor: [])
            #expect(HIDSysfs.reportDescriptor(interfaceDirectory: dir) == nil)
        }
        try withInterfaceDirectory { dir in
            try addHID("0003:04DF:0012.0001", in: dir, descriptor: [UInt8](repeating: 0, count: HIDSysfs.maximumLength + 1))
            #expect(HIDSysfs.reportDescriptor(interfaceDirectory: dir) == nil)
        }
        #expect(HIDSysfs.reportDescriptor(interfaceDirectory: "/nonexistent/1-9:1.0") == nil)
    }

    @Test func interfaceDirectoryFallsBackToTheStandardPath() {
        // No such interface on this machine: libudev finds nothing, the standard path is returned.
        #expect(HIDSysfs.interfaceDirectory(name: "99-9.9.9:9.9") == "/sys/bus/usb/devices/99-9.9.9:9.9")
    }
}
