import Foundation
import KioskDevices
import KioskProtocol
import Logging

/// One attachment of a USB device to the `DeviceManager`: open, pick the driver, claim, attach,
/// feed every input report, and detach when the reports stop. `USBTransport` decides what to do
/// with the outcome (nothing, or open the device again).
///
/// The driver comes from the VID/PID id tables (`SupportedDevices`, built from each driver's
/// declaration); its `DriverSetup` says what to do: claim and read a card reader, claim and read
/// a fixed-format pad, run a Wacom STU host session, or read the HID report descriptor and take
/// the device if it describes a pen (hid-digitizer — also the path for devices no table lists).
struct USBAttachment {
    let device: USBDevice
    let devices: DeviceManager
    let sessions: USBSessions
    let logger: Logger

    /// Idle gap after which a keyboard-wedge reader's swipe in progress is finished.
    static let wedgeIdleGap: Duration = .milliseconds(100)
    /// How often an idle printer is checked for still being there (it has no reports to read).
    static let printerPresenceInterval: Duration = .seconds(1)

    /// How an attachment ended.
    enum Outcome: Equatable {
        /// Not a device kioskpay drives, no driver in this build, or it cannot be opened (logged);
        /// nothing was attached.
        case ignored
        /// The device went away (unplug, or the kernel dropped it during a reset).
        case gone
        /// The daemon is stopping.
        case cancelled
        /// The device stopped working while still present; the sentence says why.
        case failed(String)
        /// udev reported the device reset (or a driver taking its interface) while it was read.
        case reset(String)
    }

    /// How reading ended, when it did not throw.
    private enum ReadEnd: Sendable {
        case readerFinished
        case reprobe(USBSessions.Reprobe)
    }

    /// What the daemon will do with a device.
    private enum Plan {
        case cardReader(driver: String, decoder: any CardReaderDecoder, reportLength: Int, idleFlush: Bool)
        /// `reassemble`: the descriptor describes the reports, so they are put back together from
        /// packets by its sizes (a fixed-format pad's descriptor only serves `device.describe`).
        case pad(driver: String, any PadDecoder, descriptor: [UInt8]?, reassemble: Bool)
        case wacomSTU(WacomSTUHost, descriptor: [UInt8]?)
        case printer(driver: String, USBPrinterChannel)
    }

    func run() async -> Outcome {
        let usb = device.info
        let supported = SupportedDevices.match(vendorID: usb.vendorID, productID: usb.productID)
        // A device kioskpay does not list is only looked at when its first interface is HID, or a
        // printer (which must then say it speaks ESC/POS).
        let printerClass = (try? device.interfaceClass(interface: 0))?.isPrinter == true
        if supported == nil, !printerClass, (try? device.hidReportDescriptorLength(interface: 0)) == nil { return .ignored }

        let handle: USBDeviceHandle
        do { handle = try device.open() } catch {
            if supported != nil {
                logger.warning("cannot open USB device", metadata: ["usb": "\(usb)", "error": "\(error.description)"])
            } else {
                logger.debug("unlisted USB HID device not opened", metadata: ["usb": "\(usb)", "error": "\(error.description)"])
            }
            // Opening again would fail the same way (permissions, another owner), unless the
            // device is in the middle of dropping off the bus.
            return error == .deviceGone ? .gone : .ignored
        }
        var token: Int?
        var id = usb.identity
        let outcome: Outcome
        do {
            let info = await handle.deviceInfo()
            id = info.identity
            try handle.setAutoDetachKernelDriver(true)
            guard let plan = try await plan(handle, info: info, supported: supported, printerClass: printerClass) else {
                await handle.close()
                return .ignored
            }
            if case .printer(let driver, let channel) = plan {
                let session = await sessions.begin(id: id, key: USBSessions.key(usb))
                token = session
                let notices = await sessions.watch(token: session, port: usb.portPath)
                await devices.attach(wire(info, id: id, kind: .receiptPrinter, driver: driver), printer: channel, emulated: false)
                outcome = ending(try await watch(channel, notices: notices, handle: handle, id: id), id: id, usb: usb)
            } else {
                guard let endpoint = try device.interruptInEndpoints(interface: 0).first else {
                    throw USBError.notFound(operation: "read reports from \(info.vidPid)", what: "an interrupt IN endpoint")
                }
                let reader: InterruptReader
                var stu: (WacomSTUHost, AsyncStream<CaptureSignal>)?
                var flushes = false
                var assembler: HIDReportAssembler?
                let session = await sessions.begin(id: id, key: USBSessions.key(usb))
                token = session
                let notices = await sessions.watch(token: session, port: usb.portPath)
                switch plan {
                case .printer:
                    preconditionFailure("a printer plan is served by the branch above")
                case .cardReader(let driver, let decoder, let length, let idleFlush):
                    reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: max(length, endpoint.maxPacketSize))
                    flushes = idleFlush
                    await devices.attach(wire(info, id: id, kind: .cardReader, driver: driver), cardDecoder: decoder, emulated: false)
                case .pad(let driver, let pad, let descriptor, let reassemble):
                    reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: endpoint.maxPacketSize)
                    if reassemble, let descriptor, let parsed = try? HIDReportDescriptor(descriptor) {
                        assembler = HIDReportAssembler(descriptor: parsed, maxPacketSize: endpoint.maxPacketSize)
                    }
                    await devices.attach(wire(info, id: id, kind: .signaturePad, driver: driver), pad: pad,
                                         descriptor: descriptor, emulated: false)
                case .wacomSTU(let host, let descriptor):
                    reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: endpoint.maxPacketSize)
                    let (stream, continuation) = AsyncStream.makeStream(of: CaptureSignal.self)
                    stu = (host, stream)
                    await devices.attach(wire(info, id: id, kind: .signaturePad, driver: WacomSTUDecoder.driverName),
                                         pad: host.decoder, descriptor: descriptor, emulated: false, signals: continuation)
                }
                // Readers whose swipe spans several reports (`idleFlush`) finish it on an idle gap.
                let end = try await read(reader, id: id, wedge: flushes, assembler: assembler,
                                         stu: stu, notices: notices, handle: handle)
                outcome = ending(end, id: id, usb: usb)
            }
        } catch USBError.deviceGone {
            logger.info("USB device unplugged", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)"])
            outcome = .gone
        } catch WacomSTUHostError.deviceGone {
            logger.info("USB device unplugged", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)"])
            outcome = .gone
        } catch is CancellationError {
            logger.debug("USB reader stopped", metadata: ["device": "\(id)"])
            outcome = .cancelled
        } catch {
            let text = (error as? USBError)?.description ?? (error as? WacomSTUHostError)?.description ?? "\(type(of: error))"
            logger.warning("USB device failed", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)", "error": "\(text)"])
            outcome = .failed(text)
        }
        if let token, await sessions.end(id: id, token: token) {
            await devices.detach(id)
        }
        await handle.close()
        return outcome
    }

    /// The outcome of reading (or watching a printer) that ended without an error.
    private func ending(_ end: ReadEnd, id: String, usb: USBDeviceInfo) -> Outcome {
        switch end {
        case .readerFinished:
            logger.debug("USB reader stopped", metadata: ["device": "\(id)"])
            return .cancelled
        case .reprobe(let why):
            let reason = switch why {
            case .changed: "udev reported the device changed (reset or resumed)"
            case .driverBound(let driver): "the kernel driver \(driver) took its interface"
            }
            logger.notice("USB device reset", metadata: ["device": "\(id)", "usb": "\(usb.vidPid)", "reason": "\(reason)"])
            return .reset(reason)
        }
    }

    /// A printer has no reports to read: it is asked every `printerPresenceInterval` whether it is
    /// still there (a control request, never bytes on its paper), until it goes, the daemon stops
    /// or udev reports a reset.
    private func watch(_ channel: USBPrinterChannel, notices: AsyncStream<USBSessions.Reprobe>, handle: USBDeviceHandle, id: String) async throws -> ReadEnd {
        try await withThrowingTaskGroup(of: ReadEnd?.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: USBAttachment.printerPresenceInterval)
                    guard await channel.present() else { throw USBError.deviceGone }
                }
            }
            group.addTask { await reprobe(notices, handle: handle, id: id) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let end = result { return end }
            }
            return .readerFinished
        }
    }

    /// The first udev reset notice for this session's device (nil when the stream ends). A bind
    /// while kioskd still holds the interface is not about this session (e.g. usbhid rebinding
    /// after kioskd's own earlier release): it is ignored.
    private func reprobe(_ notices: AsyncStream<USBSessions.Reprobe>, handle: USBDeviceHandle, id: String) async -> ReadEnd? {
        for await notice in notices {
            if case .driverBound = notice, (try? handle.kernelDriverActive(interface: 0)) == false {
                logger.debug("udev bind ignored: kioskd still holds the interface", metadata: ["device": "\(id)"])
                continue
            }
            return .reprobe(notice)
        }
        return nil
    }

    /// Claims the interface and reads what the driver's declared setup needs; nil when no driver fits.
    private func plan(_ handle: USBDeviceHandle, info: USBDeviceInfo, supported: SupportedDevice?, printerClass: Bool) async throws -> Plan? {
        // A device no id table lists is only taken if it proves to be a pen, or an ESC/POS printer.
        let driver = supported?.driverType ?? (printerClass ? ESCPOSPrinterDriver.self : PenDecoder.self)
        switch driver.setup {
        case .receiptPrinter:
            try handle.claimInterface(0)
            // IEEE 1284 device id: what a printer of another maker says it speaks, and its code page.
            let deviceID = try? await handle.printerDeviceID(interface: 0)
            if supported == nil {
                guard let deviceID, ESCPOSPrinterDriver.speaksESCPOS(deviceID: deviceID) else {
                    logger.notice("USB printer does not say it speaks ESC/POS; ignored", metadata: ["usb": "\(info)"])
                    return nil
                }
            }
            let endpoints = try device.bulkEndpoints(interface: 0)
            guard let out = endpoints.out, let input = endpoints.in else {
                throw USBError.notFound(operation: "print on \(info.vidPid)", what: "a bulk OUT and a bulk IN endpoint")
            }
            let codePage = ESCPOSPrinterDriver.codePage(deviceID: deviceID ?? "")
            logger.info("receipt printer ready", metadata: ["usb": "\(info.vidPid)", "code_page": "\(codePage.rawValue)",
                                                           "model": "\(deviceID.flatMap { IEEE1284DeviceID($0).model } ?? info.product ?? "unknown")"])
            return .printer(driver: driver.driverName, USBPrinterChannel(handle: handle, outEndpoint: out.address, inEndpoint: input.address,
                                                                        codePage: codePage))
        case .cardReader(let length, let idleFlush, let decoder):
            try handle.claimInterface(0)
            return .cardReader(driver: driver.driverName, decoder: decoder(), reportLength: length, idleFlush: idleFlush)
        case .fixedFormatPad(let decoder):
            try handle.claimInterface(0)
            // The descriptor only serves `device.describe`; the reports' format is the driver's.
            let descriptor = try? await handle.hidReportDescriptor(interface: 0)
            return .pad(driver: driver.driverName, decoder(), descriptor: descriptor, reassemble: false)
        case .wacomSTUHost:
            try handle.claimInterface(0)
            // The STU's descriptor only sizes its feature reports; without it the defaults apply.
            let descriptor = try? await handle.hidReportDescriptor(interface: 0)
            let host = try await WacomSTUHost.connect(channel: USBWacomSTUChannel(handle: handle),
                                                      model: WacomSTUModel(productID: info.productID), descriptor: descriptor)
            logger.info("Wacom STU ready", metadata: [
                "usb": "\(info.vidPid)", "model": "\(host.information?.modelName ?? host.model?.description ?? "unknown")",
                "firmware": "\(host.information?.firmwareVersion ?? "?")",
                "screen": "\(host.capability.screenWidth)x\(host.capability.screenHeight)",
                "timed_pen_data": "\(host.timedPenData)",
            ])
            return .wacomSTU(host, descriptor: descriptor)
        case .hidDigitizer:
            // While usbhid holds the interface the kernel refuses interface requests from anyone
            // else, so its own copy is read from sysfs first, before anything is claimed (an
            // unlisted device may be the kiosk's keyboard: it is claimed only once it proves to
            // be a pen). Without that copy, listed pads are claimed first and asked; unlisted
            // ones are only asked (which works when no driver is bound).
            var claimed = false
            let descriptor: [UInt8]
            if (try? handle.kernelDriverActive(interface: 0)) == true, let copy = HIDSysfs.reportDescriptor(of: device, interface: 0) {
                descriptor = copy
                logger.debug("HID report descriptor read from sysfs", metadata: ["usb": "\(info.vidPid)", "bytes": "\(copy.count)"])
            } else {
                if supported != nil { try handle.claimInterface(0); claimed = true }
                let asked: Result<[UInt8], USBError>
                do { asked = .success(try await handle.hidReportDescriptor(interface: 0)) } catch { asked = .failure(error) }
                if case .failure(let error) = asked, supported == nil {
                    // usbhid holds it and sysfs has no copy (or it is not HID after all): leave it.
                    logger.debug("unlisted USB HID device: no report descriptor", metadata: ["usb": "\(info)", "error": "\(error.description)"])
                    return nil
                }
                descriptor = try asked.get()
                logger.debug("HID report descriptor read from the device", metadata: ["usb": "\(info.vidPid)", "bytes": "\(descriptor.count)"])
            }
            guard let pen = PenDecoder(descriptor: descriptor) else {
                if let supported {
                    logger.notice("USB device has no driver in this build; ignored", metadata: ["usb": "\(info)", "driver": "\(supported.driver)"])
                }
                return nil
            }
            if !claimed { try handle.claimInterface(0) }
            return .pad(driver: driver.driverName, pen, descriptor: descriptor, reassemble: true)
        }
    }

    private func wire(_ info: USBDeviceInfo, id: String, kind: DeviceInfo.Kind, driver: String) -> DeviceInfo {
        DeviceInfo(id: id, kind: kind, driver: driver, vendorID: Int(info.vendorID), productID: Int(info.productID),
                   serial: info.serialNumber, allowed: false, state: .attached)
    }

    /// Feeds every report to the device manager until the device goes away, the task is
    /// cancelled, or udev reports a reset. A wedge reader also gets its idle flush; an STU its
    /// screen commands. Helpers that finish (return nil) do not end the reading. With an
    /// `assembler`, each transfer is a piece of a report and only whole reports are fed.
    private func read(_ reader: InterruptReader, id: String, wedge: Bool, assembler: HIDReportAssembler?,
                      stu: (WacomSTUHost, AsyncStream<CaptureSignal>)?,
                      notices: AsyncStream<USBSessions.Reprobe>, handle: USBDeviceHandle) async throws -> ReadEnd {
        try await withThrowingTaskGroup(of: ReadEnd?.self) { group in
            group.addTask {
                var assembler = assembler
                for try await report in reader.reports {
                    guard var pieces = assembler else { await devices.feed(id, report: report.bytes); continue }
                    let dropped = pieces.drops
                    for whole in pieces.feed(report.bytes) { await devices.feed(id, report: whole) }
                    if pieces.drops != dropped, let reason = pieces.drops.first(where: { $0.value != dropped[$0.key] })?.key {
                        logger.debug("HID report pieces dropped", metadata: ["device": "\(id)", "reason": "\(reason.rawValue)"])
                    }
                    assembler = pieces
                }
                return .readerFinished
            }
            if wedge {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: USBAttachment.wedgeIdleGap / 2)
                        await devices.flushIdle(id, after: USBAttachment.wedgeIdleGap)
                    }
                    return nil
                }
            }
            if let (host, signals) = stu {
                group.addTask { await control(host, signals: signals, id: id); return nil }
            }
            group.addTask { await reprobe(notices, handle: handle, id: id) }
            // The reader finishing (unplug, error, cancellation) or a reset ends the helpers too.
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let end = result { return end }
            }
            return .readerFinished
        }
    }

    /// Prepares and tidies the STU's screen around each capture, one signal at a time, so a
    /// capture that ends while its prompt is still uploading is tidied after the upload.
    /// A failed command is logged and the capture goes on: pen reports arrive either way.
    private func control(_ host: WacomSTUHost, signals: AsyncStream<CaptureSignal>, id: String) async {
        for await signal in signals {
            do {
                switch signal {
                case .began(let prompt): try await host.prepareCapture(prompt: prompt)
                case .ended: try await host.finishCapture()
                }
            } catch .deviceGone {
                return
            } catch {
                logger.warning("signature pad command failed", metadata: ["device": "\(id)", "error": "\(error.description)"])
            }
        }
    }
}
