import Foundation
import KioskDevices
import KioskProtocol
import Logging
import ServiceLifecycle

/// The real USB transport: watches libusb hotplug (present devices first), attaches the card
/// readers and signature pads it has a driver for to the `DeviceManager`, feeds it every input
/// report and detaches a device when it is unplugged.
///
/// * Card readers are recognised by VID/PID (`SupportedDevices`, drivers keyboard-wedge and
///   magtek-hid). Any other HID device whose report descriptor describes a pen is a signature
///   pad (driver hid-digitizer). Everything else is left alone.
/// * A device's id is `USBDeviceInfo.identity` ("serial:…", else "port:…"), so a replugged
///   device comes back under the same id and keeps the technician's allow decision.
/// * Each device runs in its own child task; a failing device is logged in one line and never
///   takes the daemon down. Report bytes are never logged.
struct USBTransport: Service, CustomStringConvertible {
    let context: USBContext
    let devices: DeviceManager
    let logger: Logger
    /// Idle gap after which a keyboard-wedge reader's swipe in progress is finished.
    static let wedgeIdleGap: Duration = .milliseconds(100)

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

    /// What the daemon will do with a device.
    private enum Plan {
        case cardReader(driver: String, decoder: any CardReaderDecoder, reportLength: Int)
        case pad(PenDecoder, descriptor: [UInt8])
    }

    /// One device from arrival to departure.
    private func serve(_ device: USBDevice, sessions: USBSessions) async {
        let usb = device.info
        let supported = SupportedDevices.match(vendorID: usb.vendorID, productID: usb.productID)
        let cardDriver: (any CardReaderDecoder, Int)? = switch supported?.driver {
        case KeyboardWedgeDecoder.driverName: (KeyboardWedgeDecoder(), 8)
        case MagTekHIDDecoder.driverName: (MagTekHIDDecoder(), MagTekHIDDecoder.reportLength)
        // Encrypting readers: the transfer is sized to the longest report the family sends; a
        // shorter report ends it with a short packet.
        case MagneSafeHIDDecoder.driverName: (MagneSafeHIDDecoder(), MagneSafeHIDDecoder.reportLengths.max() ?? 887)
        case IDTechSecureMagDecoder.driverName: (IDTechSecureMagDecoder(transport: .hidReports), 1_024)
        default: nil
        }
        // A device kioskpay does not list is only looked at when its first interface is HID.
        if supported == nil, (try? device.hidReportDescriptorLength(interface: 0)) == nil { return }

        let handle: USBDeviceHandle
        do { handle = try device.open() } catch {
            if supported != nil {
                logger.warning("cannot open USB device", metadata: ["usb": "\(usb)", "error": "\(error.description)"])
            } else {
                logger.debug("unlisted USB HID device not opened", metadata: ["usb": "\(usb)", "error": "\(error.description)"])
            }
            return
        }
        var token: Int?
        var id = usb.identity
        do {
            let info = await handle.deviceInfo()
            id = info.identity
            try handle.setAutoDetachKernelDriver(true)
            let plan: Plan
            if let (decoder, length) = cardDriver {
                try handle.claimInterface(0)
                plan = .cardReader(driver: supported?.driver ?? "", decoder: decoder, reportLength: length)
            } else {
                // Listed devices are claimed first (the kernel's usbhid refuses interface
                // requests from others); unlisted ones are only asked for their descriptor.
                if supported != nil { try handle.claimInterface(0) }
                let descriptor = try await handle.hidReportDescriptor(interface: 0)
                guard let pen = PenDecoder(descriptor: descriptor) else {
                    if supported != nil {
                        logger.notice("USB device has no driver in this build; ignored", metadata: ["usb": "\(info)", "driver": "\(supported?.driver ?? "")"])
                    }
                    await handle.close()
                    return
                }
                if supported == nil { try handle.claimInterface(0) }
                plan = .pad(pen, descriptor: descriptor)
            }
            guard let endpoint = try device.interruptInEndpoints(interface: 0).first else {
                throw USBError.notFound(operation: "read reports from \(info.vidPid)", what: "an interrupt IN endpoint")
            }
            let wire: DeviceInfo
            let reportLength: Int
            switch plan {
            case .cardReader(let driver, _, let length):
                wire = DeviceInfo(id: id, kind: .cardReader, driver: driver, vendorID: Int(info.vendorID), productID: Int(info.productID),
                                  serial: info.serialNumber, allowed: false, state: .attached)
                reportLength = max(length, endpoint.maxPacketSize)
            case .pad:
                wire = DeviceInfo(id: id, kind: .signaturePad, driver: PenDecoder.driverName, vendorID: Int(info.vendorID),
                                  productID: Int(info.productID), serial: info.serialNumber, allowed: false, state: .attached)
                reportLength = endpoint.maxPacketSize
            }
            let reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: reportLength)
            token = await sessions.begin(id: id, key: USBSessions.key(usb))
            switch plan {
            case .cardReader(_, let decoder, _):
                await devices.attach(wire, cardDecoder: decoder, emulated: false)
            case .pad(let pen, let descriptor):
                await devices.attach(wire, pad: pen, descriptor: descriptor, emulated: false)
            }
            // Readers whose swipe spans several reports finish it on an idle gap.
            let flushes = [KeyboardWedgeDecoder.driverName, IDTechSecureMagDecoder.driverName].contains(supported?.driver ?? "")
            try await read(reader, id: id, wedge: flushes)
            logger.debug("USB reader stopped", metadata: ["device": "\(id)"])
        } catch USBError.deviceGone {
            logger.info("USB device unplugged", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)"])
        } catch is CancellationError {
            logger.debug("USB reader stopped", metadata: ["device": "\(id)"])
        } catch {
            let text = (error as? USBError)?.description ?? "\(type(of: error))"
            logger.warning("USB device failed", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)", "error": "\(text)"])
        }
        if let token, await sessions.end(id: id, token: token) {
            await devices.detach(id)
        }
        await handle.close()
    }

    /// Feeds every report to the device manager until the device goes away or the task is
    /// cancelled. A wedge reader also gets its idle flush.
    private func read(_ reader: InterruptReader, id: String, wedge: Bool) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if wedge {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: USBTransport.wedgeIdleGap / 2)
                        await devices.flushIdle(id, after: USBTransport.wedgeIdleGap)
                    }
                }
            }
            group.addTask {
                for try await report in reader.reports {
                    await devices.feed(id, report: report.bytes)
                }
            }
            // The reader finishing (unplug, error, cancellation) ends the flusher too.
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// Which USB device (port and address) currently backs which device id, and the session
/// number of that attachment, so a late unplug of an old session never detaches a replugged one.
actor USBSessions {
    private var next = 0
    private var current: [String: Int] = [:]
    private var byKey: [String: (id: String, token: Int)] = [:]

    static func key(_ info: USBDeviceInfo) -> String { "\(info.portPath)@\(info.deviceAddress)" }

    func begin(id: String, key: String) -> Int {
        next += 1
        current[id] = next
        byKey[key] = (id, next)
        return next
    }

    /// The session ended on its own; true when it was still the device's current one.
    func end(id: String, token: Int) -> Bool {
        byKey = byKey.filter { $0.value.token != token }
        guard current[id] == token else { return false }
        current[id] = nil
        return true
    }

    /// libusb reported the device at `key` gone; the id to detach, if it was attached.
    func left(key: String) -> String? {
        guard let entry = byKey.removeValue(forKey: key), current[entry.id] == entry.token else { return nil }
        current[entry.id] = nil
        return entry.id
    }
}
