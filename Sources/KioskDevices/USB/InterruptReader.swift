import CLibUSB
import Synchronization

/// One input report as it came off the interrupt IN endpoint.
public struct USBInputReport: Sendable, Hashable {
    /// The bytes of the transfer (starting with the report ID when the device uses IDs).
    public var bytes: [UInt8]
    /// When the completion reached the event thread (monotonic).
    public var receivedAt: ContinuousClock.Instant
}

/// Keeps one asynchronous interrupt IN transfer in flight on an endpoint and delivers each
/// completed transfer as a `USBInputReport` through `reports`.
///
/// ## Design
/// The transfer is resubmitted from its own completion callback, on the context's event
/// thread, immediately after the data has been copied out: there is never a moment (apart
/// from that callback) without a transfer queued, so a HID device's reports are polled as
/// fast as the endpoint allows. The callback yields into an `AsyncThrowingStream` with an
/// unbounded buffer; a slow consumer costs memory, never reports.
///
/// The stream ends:
/// - with `USBError.deviceGone` when the transfer completes with LIBUSB_TRANSFER_NO_DEVICE
///   (unplug), or with another `USBError` for stalls and transfer errors;
/// - normally after `stop()` (or `USBDeviceHandle.close()`), which cancels the transfer and
///   returns once libusb has handed it back, so the buffer is never freed under libusb.
///
/// The reader keeps itself alive (one retain handed to libusb as user data) until its
/// transfer has come back for the last time.
public final class InterruptReader: Sendable {
    public let reports: AsyncThrowingStream<USBInputReport, any Error>
    public let endpoint: UInt8
    public let length: Int
    private let continuation: AsyncThrowingStream<USBInputReport, any Error>.Continuation
    private let handle: USBDeviceHandle
    private let state = Mutex(State())

    private struct State {
        var transfer: RawPointer<UnsafeMutablePointer<libusb_transfer>>?
        var stopping = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Starts reading `endpoint` (an interrupt IN address such as 0x81) on a claimed
    /// interface. `length` is the transfer size: the endpoint's max packet size, or the exact
    /// report length when reports span several packets.
    public init(handle: USBDeviceHandle, endpoint: UInt8, length: Int) throws(USBError) {
        precondition(endpoint & 0x80 != 0, "InterruptReader needs an IN endpoint")
        precondition(length > 0)
        self.handle = handle
        self.endpoint = endpoint
        self.length = length
        (reports, continuation) = AsyncThrowingStream.makeStream(of: USBInputReport.self, throwing: (any Error).self)
        guard let transfer = libusb_alloc_transfer(0) else {
            throw USBError.libusb(operation: "start reading reports", code: LIBUSB_ERROR_NO_MEM.rawValue)
        }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: length)
        libusb_fill_interrupt_transfer(transfer, handle.raw.value, endpoint, buffer, Int32(length),
                                       interruptTransferDone, nil, 0)  // no timeout: reports come when they come
        transfer.pointee.flags = UInt8(LIBUSB_TRANSFER_FREE_BUFFER.rawValue)
        transfer.pointee.user_data = Unmanaged.passRetained(self).toOpaque()
        try handle.register(self)
        let rc = state.withLock { s -> Int32 in
            s.transfer = RawPointer(transfer)
            return libusb_submit_transfer(transfer)
        }
        if rc < 0 {
            state.withLock { $0.transfer = nil; $0.finished = true }
            Unmanaged<InterruptReader>.fromOpaque(transfer.pointee.user_data).release()
            libusb_free_transfer(transfer)
            handle.unregister(self)
            let error = USBError(operation: "start reading endpoint 0x\(String(endpoint, radix: 16))", code: rc)
            continuation.finish(throwing: error)
            throw error
        }
        continuation.onTermination = { [weak self] termination in
            // A consumer that stops iterating (task cancelled) stops the transfer too.
            if case .cancelled = termination, let self { Task { await self.stop() } }
        }
    }

    /// Cancels the transfer and waits until libusb has returned it. Idempotent.
    public func stop() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = state.withLock { s in
                if s.finished { return true }
                s.waiters.append(cont)
                if !s.stopping, let t = s.transfer {
                    s.stopping = true
                    // Completion (CANCELLED, or whatever raced with it) arrives on the event thread.
                    if libusb_cancel_transfer(t.value) == LIBUSB_ERROR_NOT_FOUND.rawValue {
                        // Already completing; the callback will see `stopping` and finish.
                    }
                }
                return false
            }
            if resumeNow { cont.resume() }
        }
    }

    /// Event thread: one completed transfer.
    fileprivate func completed(_ transfer: UnsafeMutablePointer<libusb_transfer>) {
        let t = transfer.pointee
        var error: USBError?
        var done = false
        if t.status == LIBUSB_TRANSFER_COMPLETED {
            let bytes = Array(UnsafeBufferPointer(start: t.buffer, count: Int(t.actual_length)))
            continuation.yield(USBInputReport(bytes: bytes, receivedAt: .now))
        }
        let op = "read endpoint 0x\(String(endpoint, radix: 16))"
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { s in
            switch t.status {
            case LIBUSB_TRANSFER_COMPLETED, LIBUSB_TRANSFER_TIMED_OUT:
                if s.stopping {
                    done = true
                } else {
                    let rc = libusb_submit_transfer(transfer)
                    if rc < 0 { error = USBError(operation: op, code: rc); done = true }
                }
            case LIBUSB_TRANSFER_CANCELLED:
                done = true
                // Cancelled without stop(): the handle or context is going away.
                if !s.stopping { error = .closed(operation: op) }
            default:
                error = USBError(operation: op, status: t.status)
                done = true
            }
            guard done else { return [] }
            s.finished = true
            s.transfer = nil
            let w = s.waiters
            s.waiters = []
            return w
        }
        guard done else { return }
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        handle.unregister(self)
        libusb_free_transfer(transfer)
        for w in waiters { w.resume() }
        Unmanaged.passUnretained(self).release()  // the retain handed to libusb in init
    }
}

private func interruptTransferDone(_ transfer: UnsafeMutablePointer<libusb_transfer>?) {
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    Unmanaged<InterruptReader>.fromOpaque(userData).takeUnretainedValue().completed(transfer)
}
