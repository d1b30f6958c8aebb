import CLibUSB
import Foundation
import Synchronization

/// A libusb context with its own event-handling thread.
///
/// ## Concurrency design
/// libusb does all asynchronous work (transfer completions, hotplug notifications) inside
/// `libusb_handle_events*`, on whichever thread calls it. This type dedicates one plain OS
/// thread to that loop: it calls `libusb_handle_events_timeout_completed` until `close()`.
/// Every libusb callback therefore runs on that thread, and each one does only two things:
/// copy what it needs out of libusb memory, and hand it to Swift concurrency through an
/// `AsyncStream` continuation or a `CheckedContinuation` (both are thread-safe and
/// `Sendable`). No Swift task ever blocks in libusb, and no libusb callback ever awaits.
///
/// Mutable state shared between that thread and Swift tasks lives in `Mutex`es. Raw libusb
/// pointers are only stored, never dereferenced concurrently: libusb itself is thread-safe
/// for the calls made here (its documentation's "Multi-threaded applications" page).
///
/// Close handles (`USBDeviceHandle.close()`) before closing the context.
public final class USBContext: Sendable {
    /// libusb's log verbosity (LIBUSB_OPTION_LOG_LEVEL).
    public enum LogLevel: Int32, Sendable {
        case none = 0, error = 1, warning = 2, info = 3, debug = 4
    }

    let raw: RawPointer<OpaquePointer>
    private let stop = StopFlag()
    private let threadDone = DispatchSemaphore(value: 0)
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var hotplug: [HotplugRegistration] = []
    }

    /// Creates the context and starts its event thread.
    public init(logLevel: LogLevel = .warning) throws(USBError) {
        var ctx: OpaquePointer?
        try usbCheck(kiosk_libusb_init_context(&ctx, logLevel.rawValue), "initialise libusb")
        guard let ctx else { throw USBError.libusb(operation: "initialise libusb", code: LIBUSB_ERROR_OTHER.rawValue) }
        raw = RawPointer(ctx)
        // The thread captures the pointer, the flag and the semaphore, not `self`, so the
        // context can be released (deinit closes it). It re-checks the flag at least every
        // 250 ms; close() also wakes it at once with libusb_interrupt_event_handler.
        let thread = Thread { [raw, threadDone, stop] in
            while !stop.isSet {
                var tv = timeval(tv_sec: 0, tv_usec: 250_000)
                _ = libusb_handle_events_timeout_completed(raw.value, &tv, nil)
            }
            threadDone.signal()
        }
        thread.name = "libusb-events"
        thread.start()
    }

    deinit {
        close()
    }

    /// Stops the event thread, ends every hotplug stream and frees the context.
    /// Idempotent. Call after closing all handles.
    public func close() {
        let registrations: [HotplugRegistration]? = state.withLock { s in
            if s.closed { return nil }
            s.closed = true
            let r = s.hotplug
            s.hotplug = []
            return r
        }
        guard let registrations else { return }
        stop.set()
        libusb_interrupt_event_handler(raw.value)
        threadDone.wait()
        for r in registrations {
            if let handle = r.handle.load() { libusb_hotplug_deregister_callback(raw.value, handle) }
        }
        libusb_exit(raw.value)
        // No callback can run any more: release the boxes and end the streams.
        for r in registrations {
            r.continuation.finish()
            Unmanaged.passUnretained(r).release()
        }
    }

    /// Devices that arrive and leave, as libusb's hotplug support reports them.
    ///
    /// Devices already present are delivered first as `.arrived` (LIBUSB_HOTPLUG_ENUMERATE).
    /// `vendorID`/`productID` filter in libusb (nil = any). The stream ends when the context
    /// closes; ending the stream early deregisters the callback. Events are buffered without
    /// limit: hotplug is rare.
    public func hotplugEvents(vendorID: UInt16? = nil, productID: UInt16? = nil) throws(USBError) -> AsyncStream<USBHotplugEvent> {
        guard libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else {
            throw USBError.notFound(operation: "watch for USB devices", what: "hotplug support in this libusb build")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: USBHotplugEvent.self)
        let registration = HotplugRegistration(context: self, continuation: continuation)
        try state.withLock { s throws(USBError) in
            if s.closed { throw USBError.closed(operation: "watch for USB devices") }
            s.hotplug.append(registration)
        }
        // The context's list holds one retain (released in close()); libusb gets an unretained pointer.
        _ = Unmanaged.passRetained(registration)
        let userData = Unmanaged.passUnretained(registration).toOpaque()
        var handle: libusb_hotplug_callback_handle = 0
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let any = LIBUSB_HOTPLUG_MATCH_ANY
        let rc = libusb_hotplug_register_callback(
            raw.value, events, Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue),
            vendorID.map(Int32.init) ?? any, productID.map(Int32.init) ?? any, any,
            usbHotplugCallback, userData, &handle)
        if rc < 0 {
            continuation.finish()
            throw USBError(operation: "watch for USB devices", code: rc)
        }
        registration.handle.store(handle)
        continuation.onTermination = { [weak self] _ in
            guard let self, let h = registration.handle.load() else { return }
            let open = self.state.withLock { !$0.closed }
            if open { libusb_hotplug_deregister_callback(self.raw.value, h) }
        }
        return stream
    }
}

/// What a hotplug stream reports.
public enum USBHotplugEvent: Sendable {
    /// A device appeared (or was present when the stream started). Open it to read its strings.
    case arrived(USBDevice)
    /// A device went away. Open handles to it fail with `USBError.deviceGone` from now on.
    case left(USBDeviceInfo)
}

/// A helper thread's stop request (the libusb event thread, the udev monitor thread).
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

/// One hotplug registration: the continuation libusb's callback feeds.
final class HotplugRegistration: Sendable {
    unowned let context: USBContext
    let continuation: AsyncStream<USBHotplugEvent>.Continuation
    let handle = Mutex<libusb_hotplug_callback_handle?>(nil)

    init(context: USBContext, continuation: AsyncStream<USBHotplugEvent>.Continuation) {
        self.context = context
        self.continuation = continuation
    }
}

extension Mutex where Value == libusb_hotplug_callback_handle? {
    func load() -> libusb_hotplug_callback_handle? { withLock { $0 } }
    func store(_ v: libusb_hotplug_callback_handle) { withLock { $0 = v } }
}

/// Runs on the event thread (or, for ENUMERATE, inside register). libusb forbids I/O here,
/// so only descriptor fields already in memory are read.
private func usbHotplugCallback(
    _ ctx: OpaquePointer?, _ device: OpaquePointer?, _ event: libusb_hotplug_event, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let device, let userData else { return 0 }
    let registration = Unmanaged<HotplugRegistration>.fromOpaque(userData).takeUnretainedValue()
    let usbDevice = USBDevice(retaining: device, context: registration.context)
    if event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED {
        registration.continuation.yield(.arrived(usbDevice))
    } else {
        registration.continuation.yield(.left(usbDevice.info))
    }
    return 0  // stay registered
}

/// A raw C pointer that is only passed around, never dereferenced concurrently by Swift code.
struct RawPointer<P>: @unchecked Sendable {
    // @unchecked: libusb objects are thread-safe for the calls made through these pointers.
    let value: P
    init(_ value: P) { self.value = value }
}
