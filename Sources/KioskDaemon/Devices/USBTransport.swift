import Foundation
import KioskDevices
import KioskProtocol
import Logging
import ServiceLifecycle

/// The real USB transport: watches libusb hotplug (present devices first), attaches the card
/// readers and signature pads it has a driver for to the `DeviceManager`, feeds it every input
/// report and detaches a device when it is unplugged.
///
/// * Card readers and Wacom STU pads are recognised by VID/PID (`SupportedDevices`); any other
///   HID device whose report descriptor describes a pen is a signature pad (hid-digitizer).
///   Everything else is left alone. `USBAttachment` does the per-device work.
/// * A device's id is `USBDeviceInfo.identity` ("serial:…", else "port:…"), so a replugged
///   device comes back under the same id and keeps the technician's allow decision.
/// * Each device runs in its own child task; a failing device is logged in one line and never
///   takes the daemon down. Report bytes are never logged.
struct USBTransport: Service, CustomStringConvertible {
    let context: USBContext
    let devices: DeviceManager
    let logger: Logger

    /// Opens libusb and starts watching for devices; nil (after one warning) when this machine
    /// has no usable USB (a container without /dev/bus/usb, a libusb without hotplug).
    static func make(devices: DeviceManager, logger: Logger) -> (USBTransport, AsyncStream<USBHotplugEvent>)? {
        do throws(USBError) {
            let context = try USBContext(logLevel: .none)
            do throws(USBError) {
                let events = try context.hotplugEvents()
                return (USBTransport(context: context, devices: devices, logger: logger), events)
            } catch {
                context.close()
                throw error
            }
        } catch {
            logger.warning("USB is not available; running without USB card readers and pads", metadata: ["reason": "\(error.description)"])
            return nil
        }
    }

    /// Keeps service-lifecycle's log lines short.
    var description: String { "USBTransport" }

    /// Set by `Daemon.run` together with `make`; a Service's `run()` takes no arguments.
    var events: AsyncStream<USBHotplugEvent>?

    func run() async {
        guard let events else { return }
        let sessions = USBSessions()
        // libusb reports arrivals and departures only; udev's change/bind tell of resets.
        let monitor: UdevMonitor?
        do { monitor = try UdevMonitor(subsystem: "usb") } catch {
            logger.notice("USB reset notices unavailable", metadata: ["reason": "\(error.description)"])
            monitor = nil
        }
        // Graceful shutdown cancels the loop and, through the group, every device's task.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if let notices = monitor?.events {
                    group.addTask { for await event in notices { await route(event, sessions: sessions) } }
                }
                for await event in events {
                    switch event {
                    case .arrived(let device):
                        group.addTask { await serve(device, sessions: sessions) }
                    case .left(let info):
                        if let id = await sessions.left(key: USBSessions.key(info)) {
                            logger.info("USB device left", metadata: ["device": "\(id)", "usb": "\(info.vidPid)"])
                            await devices.detach(id)
                        }
                    }
                }
                group.cancelAll()
            }
        }
        monitor?.close()
        context.close()
        logger.debug("USB transport stopped")
    }

    /// Passes udev's reset notices to the attachment reading from that port: "change" on a
    /// device (reset, or resumed with its state lost) and "bind" of a driver other than usbfs
    /// (kioskd's own claim) on one of its interfaces. Everything else is libusb's business.
    private func route(_ event: UdevEvent, sessions: USBSessions) async {
        let notice: USBSessions.Reprobe
        switch (event.action, event.devtype) {
        case ("change", "usb_device"?): notice = .changed
        case ("bind", "usb_interface"?) where event.driver != nil && event.driver != "usbfs": notice = .driverBound(event.driver ?? "")
        default: return
        }
        if await sessions.notify(port: event.portPath, notice) {
            logger.debug("udev notice passed on", metadata: ["action": "\(event.action)", "sysname": "\(event.sysname)"])
        }
    }

    /// How long to wait after a device stopped working before opening it again, so an unplug
    /// (libusb's LEFT may trail the failed transfer) is not mistaken for a reset.
    static let reopenDelay: Duration = .milliseconds(300)

    /// One device from arrival to departure. A device that fails, is reset or drops off the
    /// bus without libusb reporting it gone is closed and opened again (descriptors, driver
    /// and capability read afresh, same id so the allow decision stands; a capture in progress
    /// has failed with device_unavailable), within `ReopenBudget`.
    private func serve(_ device: USBDevice, sessions: USBSessions) async {
        var budget = ReopenBudget()
        let key = USBSessions.key(device.info)
        while !Task.isCancelled {
            let outcome = await USBAttachment(device: device, devices: devices, sessions: sessions, logger: logger).run()
            switch outcome {
            case .ignored, .cancelled:
                return
            case .gone, .failed, .reset:
                try? await Task.sleep(for: Self.reopenDelay)
                let unplugged = await sessions.hasLeft(key: key)
                if Task.isCancelled || unplugged { return }
                guard budget.allow(at: .now) else {
                    logger.warning("USB device keeps failing; left alone until it is plugged in again",
                                   metadata: ["usb": "\(device.info)", "reopened": "\(ReopenBudget.limit) times in \(ReopenBudget.window)"])
                    return
                }
                logger.notice("re-opening USB device", metadata: ["usb": "\(device.info.vidPid)", "port": "\(device.info.portPath)"])
            }
        }
    }
}

/// At most `limit` re-opens of one device within `window`, so a device that fails on every
/// open cannot keep the daemon (and the log) busy.
struct ReopenBudget {
    static let limit = 3
    static let window: Duration = .seconds(60)
    private var recent: [ContinuousClock.Instant] = []

    mutating func allow(at now: ContinuousClock.Instant) -> Bool {
        recent.removeAll { now - $0 >= Self.window }
        guard recent.count < Self.limit else { return false }
        recent.append(now)
        return true
    }
}
