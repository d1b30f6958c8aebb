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
        // Graceful shutdown cancels the loop and, through the group, every device's task.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
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
        context.close()
        logger.debug("USB transport stopped")
    }

    /// One device from arrival to departure.
    private func serve(_ device: USBDevice, sessions: USBSessions) async {
        _ = await USBAttachment(device: device, devices: devices, sessions: sessions, logger: logger).run()
    }
}
