import CLibUSB

/// An interface's class triple (bInterfaceClass / SubClass / Protocol), e.g. 7/1/2 for a
/// bidirectional printer, 3/0/0 for a HID device.
public struct USBInterfaceClass: Sendable, Hashable, CustomStringConvertible {
    public var classCode: UInt8
    public var subclass: UInt8
    public var protocolCode: UInt8

    public init(classCode: UInt8, subclass: UInt8, protocolCode: UInt8) {
        self.classCode = classCode
        self.subclass = subclass
        self.protocolCode = protocolCode
    }

    /// USB printer class (bInterfaceClass 7, subclass 1).
    public var isPrinter: Bool { classCode == 7 && subclass == 1 }

    public var description: String { "\(classCode)/\(subclass)/\(protocolCode)" }
}

extension USBDevice {
    /// Interface `interface`'s class, subclass and protocol (alt setting 0 of the active configuration).
    public func interfaceClass(interface: Int = 0) throws(USBError) -> USBInterfaceClass {
        try withInterface(interface) { alt in
            USBInterfaceClass(classCode: alt.bInterfaceClass, subclass: alt.bInterfaceSubClass, protocolCode: alt.bInterfaceProtocol)
        }
    }

    /// The interface's bulk endpoints (first IN, first OUT), either may be nil.
    public func bulkEndpoints(interface: Int = 0) throws(USBError) -> (in: USBEndpoint?, out: USBEndpoint?) {
        try withInterface(interface) { alt in
            var bulkIn: USBEndpoint?, bulkOut: USBEndpoint?
            for i in 0..<Int(alt.bNumEndpoints) {
                let ep = alt.endpoint[i]
                guard ep.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) else { continue }
                let endpoint = USBEndpoint(address: ep.bEndpointAddress, maxPacketSize: Int(ep.wMaxPacketSize), interval: ep.bInterval)
                if ep.bEndpointAddress & 0x80 != 0 {
                    if bulkIn == nil { bulkIn = endpoint }
                } else if bulkOut == nil {
                    bulkOut = endpoint
                }
            }
            return (bulkIn, bulkOut)
        }
    }

    /// The zero-based index of the active configuration, which printer-class requests carry in
    /// wValue (not bConfigurationValue, which is usually 1 for the first).
    func activeConfigurationIndex() throws(USBError) -> UInt16 {
        let active = try activeConfigurationValue()
        var desc = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(raw.value, &desc)
        for i in 0..<desc.bNumConfigurations {
            var config: UnsafeMutablePointer<libusb_config_descriptor>?
            guard libusb_get_config_descriptor(raw.value, i, &config) == 0, let config else { continue }
            defer { libusb_free_config_descriptor(config) }
            if config.pointee.bConfigurationValue == active { return UInt16(i) }
        }
        return 0
    }
}

extension USBDeviceHandle {
    /// Writes `data` to a bulk OUT endpoint in one transfer; returns the bytes the device took
    /// (a timeout that took some bytes throws .timedOut — a printer offline with a full buffer
    /// NAKs). A `timeout` of zero waits without limit (libusb's convention).
    public func bulkWrite(endpoint: UInt8, data: [UInt8], timeout: Duration) async throws(USBError) -> Int {
        let operation = "write \(data.count) bytes to endpoint 0x\(String(endpoint, radix: 16)) of \(device.info.vidPid)"
        guard endpoint & 0x80 == 0 else { throw USBError.notFound(operation: operation, what: "an OUT endpoint at 0x\(String(endpoint, radix: 16))") }
        return try await bulkTransfer(endpoint: endpoint, outData: data, length: data.count, timeout: timeout, operation: operation).count
    }

    /// One bulk IN transfer of up to `length` bytes; .timedOut when nothing comes within `timeout`.
    public func bulkRead(endpoint: UInt8, length: Int, timeout: Duration) async throws(USBError) -> [UInt8] {
        let operation = "read endpoint 0x\(String(endpoint, radix: 16)) of \(device.info.vidPid)"
        guard endpoint & 0x80 != 0 else { throw USBError.notFound(operation: operation, what: "an IN endpoint at 0x\(String(endpoint, radix: 16))") }
        guard length > 0 else { return [] }
        return try await bulkTransfer(endpoint: endpoint, outData: nil, length: length, timeout: timeout, operation: operation).bytes
    }

    /// The printer class GET_DEVICE_ID (IEEE 1284 device ID, e.g.
    /// "MFG:EPSON;CMD:ESCPOS;MDL:TM-T20II;CLS:PRINTER;") without its 2-byte big-endian length prefix.
    ///
    /// The request (bmRequestType 0xA1, bRequest 0) carries the configuration index in wValue
    /// and interface << 8 | alternate setting (0) in wIndex. The answer's first two bytes are
    /// its length including themselves; a length longer than what arrived is clamped (as the
    /// kernel's usblp does), one below 2 is refused.
    public func printerDeviceID(interface: Int = 0) async throws(USBError) -> String {
        let operation = "read the IEEE 1284 device ID of \(device.info.vidPid)"
        let config = try device.activeConfigurationIndex()
        let answer = try await controlTransfer(
            requestType: 0xA1, request: 0x00, value: config, index: UInt16(interface & 0xFF) << 8,
            length: Self.deviceIDBufferSize, operation: operation)
        return try Self.parseDeviceID(answer, operation: operation)
    }

    /// What usblp asks for (USBLP_DEVICE_ID_SIZE).
    static let deviceIDBufferSize = 1024

    /// The text of a GET_DEVICE_ID answer (length prefix stripped, clamped to what arrived).
    static func parseDeviceID(_ answer: [UInt8], operation: String) throws(USBError) -> String {
        guard answer.count >= 2 else {
            throw USBError.notFound(operation: operation, what: "a device ID (the answer had \(answer.count) bytes, less than its 2-byte length)")
        }
        let declared = Int(answer[0]) << 8 | Int(answer[1])
        guard declared >= 2 else {
            throw USBError.notFound(operation: operation, what: "a valid device ID (its length field says \(declared) bytes, less than the 2 of the field itself)")
        }
        var text = answer[2..<min(declared, answer.count)]
        while let last = text.last, last == 0 { text = text.dropLast() }
        return String(decoding: text, as: UTF8.self)
    }

    /// Submits one asynchronous bulk transfer and waits for its completion on the event thread.
    private func bulkTransfer(endpoint: UInt8, outData: [UInt8]?, length: Int, timeout: Duration,
                              operation: String) async throws(USBError) -> (count: Int, bytes: [UInt8]) {
        guard length <= Int(Int32.max) else { throw USBError.overflow(operation: operation) }
        let result: Result<(count: Int, bytes: [UInt8]), USBError> = await withCheckedContinuation { cont in
            guard let transfer = libusb_alloc_transfer(0) else {
                cont.resume(returning: .failure(.libusb(operation: operation, code: LIBUSB_ERROR_NO_MEM.rawValue)))
                return
            }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(length, 1))
            if let outData { for (i, b) in outData.enumerated() { buffer[i] = b } }
            let box = BulkTransfer(raw: RawPointer(transfer), handle: self, isIn: outData == nil, operation: operation, continuation: cont)
            libusb_fill_bulk_transfer(transfer, raw.value, endpoint, buffer, Int32(length), bulkTransferDone,
                                      Unmanaged.passRetained(box).toOpaque(), bulkTimeoutMs(timeout))
            transfer.pointee.flags = UInt8(LIBUSB_TRANSFER_FREE_BUFFER.rawValue)  // freed with the transfer
            do throws(USBError) {
                try submit(bulk: box)
            } catch {
                Unmanaged<BulkTransfer>.fromOpaque(transfer.pointee.user_data).release()
                libusb_free_transfer(transfer)
                cont.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }
}

/// libusb's timeout in milliseconds (0 = none), rounded up so a short positive timeout never
/// becomes "wait forever".
func bulkTimeoutMs(_ timeout: Duration) -> UInt32 {
    let (seconds, attoseconds) = timeout.components
    guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return 0 }
    let ms = seconds.multipliedReportingOverflow(by: 1000)
    guard !ms.overflow else { return UInt32.max }
    let total = ms.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return UInt32(clamping: total)
}

/// One bulk transfer in flight: what its callback needs, registered with the handle so close()
/// can cancel it and wait for it.
final class BulkTransfer: Sendable {
    let raw: RawPointer<UnsafeMutablePointer<libusb_transfer>>
    let handle: USBDeviceHandle
    let isIn: Bool
    let operation: String
    let continuation: CheckedContinuation<Result<(count: Int, bytes: [UInt8]), USBError>, Never>

    init(raw: RawPointer<UnsafeMutablePointer<libusb_transfer>>, handle: USBDeviceHandle, isIn: Bool, operation: String,
         continuation: CheckedContinuation<Result<(count: Int, bytes: [UInt8]), USBError>, Never>) {
        self.raw = raw
        self.handle = handle
        self.isIn = isIn
        self.operation = operation
        self.continuation = continuation
    }
}

/// Event thread: copies the data out, unregisters (before freeing, see close()), frees, resumes.
private func bulkTransferDone(_ transfer: UnsafeMutablePointer<libusb_transfer>?) {
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    let box = Unmanaged<BulkTransfer>.fromOpaque(userData).takeRetainedValue()
    let t = transfer.pointee
    let result: Result<(count: Int, bytes: [UInt8]), USBError>
    if let error = USBError(operation: box.operation, status: t.status) {
        result = .failure(error)
    } else {
        let n = Int(t.actual_length)
        result = .success((n, box.isIn && n > 0 ? Array(UnsafeBufferPointer(start: t.buffer, count: n)) : []))
    }
    box.handle.finished(bulk: box)
    libusb_free_transfer(transfer)
    box.continuation.resume(returning: result)
}
