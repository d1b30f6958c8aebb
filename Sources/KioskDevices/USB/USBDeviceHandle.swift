import CLibUSB
import Synchronization

/// An open USB device (`libusb_device_handle`).
///
/// Control transfers are asynchronous libusb transfers completed on the context's event
/// thread and resumed into the awaiting task through a `CheckedContinuation`, so no Swift
/// task blocks inside libusb. Call `close()` when done: it stops interrupt readers, waits
/// for their transfers to come back, releases interfaces (reattaching kernel drivers when
/// auto-detach is on) and closes the node.
public final class USBDeviceHandle: Sendable {
    let raw: RawPointer<OpaquePointer>
    public let device: USBDevice
    private let state = Mutex(State())

    private struct State {
        var closed = false
        /// close() has begun: no new reader or bulk transfer may start.
        var closing = false
        var claimed: Set<Int> = []
        var readers: [ObjectIdentifier: InterruptReader] = [:]
        /// Bulk transfers libusb holds (USBBulk.swift); close() cancels them and waits.
        var bulk: [ObjectIdentifier: BulkTransfer] = [:]
        var bulkDrained: [CheckedContinuation<Void, Never>] = []
    }

    /// Default timeout for control transfers, in milliseconds.
    public static let defaultTimeoutMs: UInt32 = 1000

    init(raw: OpaquePointer, device: USBDevice) {
        self.raw = RawPointer(raw)
        self.device = device
    }

    deinit {
        // close() should have run; if it did not, at least do not leak the node.
        let needsClose = state.withLock { !$0.closed }
        if needsClose { libusb_close(raw.value) }
    }

    private func checkOpen(_ operation: String) throws(USBError) {
        if state.withLock({ $0.closed }) { throw USBError.closed(operation: operation) }
    }

    // MARK: Interfaces

    /// Lets libusb detach a kernel driver (usbhid) on claim and reattach it on release.
    /// On Linux this uses USBDEVFS_DISCONNECT_CLAIM, which removes the driver's input and
    /// hidraw nodes while the daemon owns the interface.
    public func setAutoDetachKernelDriver(_ enabled: Bool) throws(USBError) {
        let rc = libusb_set_auto_detach_kernel_driver(raw.value, enabled ? 1 : 0)
        if rc == LIBUSB_ERROR_NOT_SUPPORTED.rawValue { return }  // not Linux: nothing to detach
        try usbCheck(rc, "set kernel-driver auto-detach on \(device.info.vidPid)")
    }

    /// Whether a kernel driver is bound to `interface` (false when usbfs, i.e. us, owns it).
    public func kernelDriverActive(interface: Int = 0) throws(USBError) -> Bool {
        try usbCheck(libusb_kernel_driver_active(raw.value, Int32(interface)), "query the kernel driver of \(device.info.vidPid)") == 1
    }

    /// Claims `interface` for this process. Throws `.busy` if another program owns it.
    public func claimInterface(_ interface: Int = 0) throws(USBError) {
        try checkOpen("claim interface \(interface)")
        try usbCheck(libusb_claim_interface(raw.value, Int32(interface)), "claim interface \(interface) of \(device.info.vidPid)")
        state.withLock { _ = $0.claimed.insert(interface) }
    }

    // MARK: Control transfers

    /// Performs a control transfer. For IN requests (bit 7 of `requestType` set) returns up
    /// to `length` bytes; for OUT requests sends `data` and returns an empty array.
    public func controlTransfer(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16,
        data: [UInt8] = [], length: Int = 0, timeoutMs: UInt32 = USBDeviceHandle.defaultTimeoutMs,
        operation: String
    ) async throws(USBError) -> [UInt8] {
        try checkOpen(operation)
        let isIn = requestType & 0x80 != 0
        let dataLength = isIn ? length : data.count
        guard dataLength <= Int(UInt16.max) else { throw USBError.overflow(operation: operation) }
        let setup = Int(kiosk_libusb_control_setup_size())
        let result: Result<[UInt8], USBError> = await withCheckedContinuation { (cont: CheckedContinuation<Result<[UInt8], USBError>, Never>) in
            guard let transfer = libusb_alloc_transfer(0) else {
                cont.resume(returning: .failure(.libusb(operation: operation, code: LIBUSB_ERROR_NO_MEM.rawValue)))
                return
            }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: setup + dataLength)
            kiosk_libusb_fill_control_setup(buffer, requestType, request, value, index, UInt16(dataLength))
            if !isIn { for (i, b) in data.enumerated() { buffer[setup + i] = b } }
            let box = ControlTransferBox(continuation: cont, operation: operation)
            libusb_fill_control_transfer(transfer, raw.value, buffer, controlTransferDone,
                                         Unmanaged.passRetained(box).toOpaque(), timeoutMs)
            // libusb frees the buffer together with the transfer.
            transfer.pointee.flags = UInt8(LIBUSB_TRANSFER_FREE_BUFFER.rawValue)
            let rc = libusb_submit_transfer(transfer)
            if rc < 0 {
                Unmanaged<ControlTransferBox>.fromOpaque(transfer.pointee.user_data).release()
                libusb_free_transfer(transfer)
                cont.resume(returning: .failure(USBError(operation: operation, code: rc)))
            }
        }
        return try result.get()
    }

    /// Reads string descriptor `index` in the device's first language; nil for index 0.
    public func stringDescriptor(_ index: UInt8) async throws(USBError) -> String? {
        guard index != 0 else { return nil }
        let langs = try await controlTransfer(
            requestType: 0x80, request: UInt8(LIBUSB_REQUEST_GET_DESCRIPTOR.rawValue),
            value: UInt16(LIBUSB_DT_STRING.rawValue) << 8, index: 0, length: 255,
            operation: "read the language list of \(device.info.vidPid)")
        let lang: UInt16 = langs.count >= 4 ? UInt16(langs[2]) | UInt16(langs[3]) << 8 : 0x0409
        let raw = try await controlTransfer(
            requestType: 0x80, request: UInt8(LIBUSB_REQUEST_GET_DESCRIPTOR.rawValue),
            value: UInt16(LIBUSB_DT_STRING.rawValue) << 8 | UInt16(index), index: lang, length: 255,
            operation: "read string descriptor \(index) of \(device.info.vidPid)")
        guard raw.count >= 2, raw[1] == UInt8(LIBUSB_DT_STRING.rawValue) else { return nil }
        let end = min(Int(raw[0]), raw.count)
        var units: [UInt16] = []
        var i = 2
        while i + 1 < end {
            units.append(UInt16(raw[i]) | UInt16(raw[i + 1]) << 8)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// The device's identity with manufacturer, product and serial strings filled in where
    /// the device answers (a device that stalls a string request simply has none).
    public func deviceInfo() async -> USBDeviceInfo {
        var info = device.info
        let (m, p, s) = device.descriptorIndexes
        info.manufacturer = try? await stringDescriptor(m)
        info.product = try? await stringDescriptor(p)
        info.serialNumber = try? await stringDescriptor(s)
        return info
    }

    // MARK: HID class requests

    /// HID report types for GET_REPORT / SET_REPORT.
    public enum HIDReportType: UInt8, Sendable {
        case input = 1, output = 2, feature = 3
    }

    /// Fetches the HID report descriptor: GET_DESCRIPTOR(0x22) addressed to the interface.
    /// `length` defaults to what the HID class descriptor announces.
    public func hidReportDescriptor(interface: Int = 0, length: Int? = nil) async throws(USBError) -> [UInt8] {
        var announced = length
        if announced == nil { announced = try device.hidReportDescriptorLength(interface: interface) }
        guard let announced else {
            throw USBError.notFound(operation: "read the HID report descriptor of \(device.info.vidPid)", what: "a HID class descriptor on interface \(interface)")
        }
        return try await controlTransfer(
            requestType: 0x81, request: UInt8(LIBUSB_REQUEST_GET_DESCRIPTOR.rawValue),
            value: 0x2200, index: UInt16(interface), length: announced,
            operation: "read the HID report descriptor of \(device.info.vidPid)")
    }

    /// HID GET_REPORT. The result starts with the report ID when the device uses IDs.
    public func getReport(_ type: HIDReportType, id: UInt8, length: Int, interface: Int = 0) async throws(USBError) -> [UInt8] {
        try await controlTransfer(
            requestType: 0xA1, request: 0x01, value: UInt16(type.rawValue) << 8 | UInt16(id),
            index: UInt16(interface), length: length,
            operation: "read \(type) report \(id) from \(device.info.vidPid)")
    }

    /// HID SET_REPORT. `data` starts with the report ID when the device uses IDs.
    public func setReport(_ type: HIDReportType, id: UInt8, data: [UInt8], interface: Int = 0) async throws(USBError) {
        _ = try await controlTransfer(
            requestType: 0x21, request: 0x09, value: UInt16(type.rawValue) << 8 | UInt16(id),
            index: UInt16(interface), data: data,
            operation: "send \(type) report \(id) to \(device.info.vidPid)")
    }

    // MARK: Readers and closing

    func register(_ reader: InterruptReader) throws(USBError) {
        try state.withLock { s throws(USBError) in
            if s.closed || s.closing { throw USBError.closed(operation: "start reading reports") }
            s.readers[ObjectIdentifier(reader)] = reader
        }
    }

    func unregister(_ reader: InterruptReader) {
        state.withLock { _ = $0.readers.removeValue(forKey: ObjectIdentifier(reader)) }
    }

    /// Submits a bulk transfer and tracks it until its callback runs; under the lock, so close()
    /// either sees it (and cancels it) or this refuses it.
    func submit(bulk transfer: BulkTransfer) throws(USBError) {
        try state.withLock { s throws(USBError) in
            if s.closed || s.closing { throw USBError.closed(operation: transfer.operation) }
            let rc = libusb_submit_transfer(transfer.raw.value)
            if rc < 0 { throw USBError(operation: transfer.operation, code: rc) }
            s.bulk[ObjectIdentifier(transfer)] = transfer
        }
    }

    /// Event thread: the bulk transfer came back; wakes close() when it was the last one.
    func finished(bulk transfer: BulkTransfer) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.bulk.removeValue(forKey: ObjectIdentifier(transfer))
            guard s.bulk.isEmpty else { return [] }
            defer { s.bulkDrained = [] }
            return s.bulkDrained
        }
        for w in waiters { w.resume() }
    }

    /// Releases a claimed interface (reattaching its kernel driver when auto-detach is on).
    public func releaseInterface(_ interface: Int = 0) throws(USBError) {
        try checkOpen("release interface \(interface)")
        let wasClaimed = state.withLock { $0.claimed.remove(interface) != nil }
        guard wasClaimed else { return }
        try usbCheck(libusb_release_interface(raw.value, Int32(interface)), "release interface \(interface) of \(device.info.vidPid)")
    }

    /// Stops every reader (waiting for its transfer), cancels bulk transfers in flight and waits
    /// until libusb has returned them (their buffers must outlive libusb's use), releases claimed
    /// interfaces and closes the device. Safe after an unplug. Idempotent.
    public func close() async {
        let readers: [InterruptReader]? = state.withLock { s in
            if s.closed || s.closing { return nil }
            s.closing = true
            return Array(s.readers.values)
        }
        guard let readers else { return }
        for r in readers { await r.stop() }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let drained: Bool = state.withLock { s in
                if s.bulk.isEmpty { return true }
                s.bulkDrained.append(cont)
                // Still registered, so not yet freed: the callback unregisters before freeing.
                for t in s.bulk.values { _ = libusb_cancel_transfer(t.raw.value) }
                return false
            }
            if drained { cont.resume() }
        }
        let claimed: Set<Int> = state.withLock { s in
            s.closed = true
            return s.claimed
        }
        for i in claimed { _ = libusb_release_interface(raw.value, Int32(i)) }
        libusb_close(raw.value)
    }
}

/// The state one control transfer's callback needs.
private final class ControlTransferBox {
    let continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>
    let operation: String
    init(continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>, operation: String) {
        self.continuation = continuation
        self.operation = operation
    }
}

/// Event thread: copies the data stage out, frees the transfer, resumes the task.
private func controlTransferDone(_ transfer: UnsafeMutablePointer<libusb_transfer>?) {
    guard let transfer else { return }
    let box = Unmanaged<ControlTransferBox>.fromOpaque(transfer.pointee.user_data).takeRetainedValue()
    let t = transfer.pointee
    let result: Result<[UInt8], USBError>
    if let error = USBError(operation: box.operation, status: t.status) {
        result = .failure(error)
    } else {
        let setup = Int(kiosk_libusb_control_setup_size())
        let n = Int(t.actual_length)
        result = .success(n > 0 ? Array(UnsafeBufferPointer(start: t.buffer + setup, count: n)) : [])
    }
    libusb_free_transfer(transfer)
    box.continuation.resume(returning: result)
}
