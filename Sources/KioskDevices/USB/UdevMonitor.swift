import CLibUDev
import Foundation
import Synchronization

/// One uevent for a USB device or interface, as udev passed it on.
public struct UdevEvent: Sendable, Equatable {
    /// "add", "remove", "change", "bind", "unbind", …
    public var action: String
    /// "usb_device" or "usb_interface".
    public var devtype: String?
    /// "1-3" for a device, "1-3:1.0" for its interface 0.
    public var sysname: String
    /// The driver the event is about (DRIVER), e.g. "usbhid" on a bind.
    public var driver: String?

    public init(action: String, devtype: String?, sysname: String, driver: String?) {
        self.action = action; self.devtype = devtype; self.sysname = sysname; self.driver = driver
    }

    /// The device's port path: the sysname without the interface part ("1-3:1.0" → "1-3").
    public var portPath: String { String(sysname.prefix { $0 != ":" }) }
}

/// Why the udev monitor could not start.
public enum UdevMonitorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unavailable(String)
    public var description: String {
        switch self {
        case .unavailable(let what): "USB resets cannot be watched: \(what); they are still noticed through failed transfers."
        }
    }
}

/// The "usb" subsystem's uevents after udev processed them, for what libusb's hotplug does
/// not report: "change" (a device reset or resumed in place) and "bind" (a kernel driver took
/// an interface). Add and remove stay libusb's business.
///
/// Like `USBContext`, it runs one plain thread that polls the monitor's socket (waking at
/// least every 250 ms to notice `close()`) and hands each event to Swift concurrency through
/// an `AsyncStream`; nothing else touches the udev objects.
public final class UdevMonitor: Sendable {
    public let events: AsyncStream<UdevEvent>
    private let stop = StopFlag()
    private let threadDone = DispatchSemaphore(value: 0)
    private let closed = Atomic<Bool>(false)

    /// Starts watching `subsystem` (libudev's "udev" netlink source).
    public init(subsystem: String = "usb") throws(UdevMonitorError) {
        guard let udev = udev_new() else { throw .unavailable("libudev could not be initialised") }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            udev_unref(udev)
            throw .unavailable("no udev event socket")
        }
        guard udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil) >= 0,
              udev_monitor_enable_receiving(monitor) >= 0 else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw .unavailable("the udev event socket refused the filter")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: UdevEvent.self)
        events = stream
        let fd = udev_monitor_get_fd(monitor)
        let handles = RawPointer((udev, monitor))
        let thread = Thread { [stop, threadDone] in
            while !stop.isSet {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 250) > 0 else { continue }
                while let device = udev_monitor_receive_device(handles.value.1) {
                    if let event = UdevMonitor.event(device) { continuation.yield(event) }
                    udev_device_unref(device)
                }
            }
            udev_monitor_unref(handles.value.1)
            udev_unref(handles.value.0)
            continuation.finish()
            threadDone.signal()
        }
        thread.name = "udev-monitor"
        thread.start()
    }

    deinit { close() }

    /// Stops the thread and ends `events`. Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        stop.set()
        threadDone.wait()
    }

    private static func event(_ device: OpaquePointer) -> UdevEvent? {
        guard let action = udev_device_get_action(device), let sysname = udev_device_get_sysname(device) else { return nil }
        let driver = udev_device_get_property_value(device, "DRIVER") ?? udev_device_get_driver(device)
        return UdevEvent(action: String(cString: action), devtype: udev_device_get_devtype(device).map { String(cString: $0) },
                         sysname: String(cString: sysname), driver: driver.map { String(cString: $0) })
    }
}
