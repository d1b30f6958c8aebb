import CLibUSB

/// Why a USB operation failed, in words an operator can act on.
///
/// libusb reports failures as negative `libusb_error` codes (for calls) or as a
/// `libusb_transfer_status` (for asynchronous transfers). Both are folded into this
/// type; `operation` names what the daemon was doing so a log line stands on its own.
public enum USBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The device was unplugged (libusb: NO_DEVICE / LIBUSB_TRANSFER_NO_DEVICE).
    case deviceGone
    /// The device node could not be opened for lack of permission (udev rules, group).
    case accessDenied(operation: String)
    /// Another process (or a kernel driver) already owns the interface.
    case busy(operation: String)
    /// The device did not answer in time.
    case timedOut(operation: String)
    /// The device refused the request (STALL on a control or interrupt pipe).
    case stalled(operation: String)
    /// The device sent more data than the buffer holds.
    case overflow(operation: String)
    /// The context or handle was already closed.
    case closed(operation: String)
    /// The device's descriptors do not contain what was asked for.
    case notFound(operation: String, what: String)
    /// Any other libusb error code.
    case libusb(operation: String, code: Int32)
    /// Any other transfer status.
    case transfer(operation: String, status: UInt32)

    /// Maps a negative libusb return code; `operation` says what failed.
    public init(operation: String, code: Int32) {
        switch code {
        case LIBUSB_ERROR_NO_DEVICE.rawValue: self = .deviceGone
        case LIBUSB_ERROR_ACCESS.rawValue: self = .accessDenied(operation: operation)
        case LIBUSB_ERROR_BUSY.rawValue: self = .busy(operation: operation)
        case LIBUSB_ERROR_TIMEOUT.rawValue: self = .timedOut(operation: operation)
        case LIBUSB_ERROR_PIPE.rawValue: self = .stalled(operation: operation)
        case LIBUSB_ERROR_OVERFLOW.rawValue: self = .overflow(operation: operation)
        case LIBUSB_ERROR_NOT_FOUND.rawValue: self = .notFound(operation: operation, what: "the requested interface or endpoint")
        default: self = .libusb(operation: operation, code: code)
        }
    }

    /// Maps a finished transfer's status (nil for LIBUSB_TRANSFER_COMPLETED).
    init?(operation: String, status: libusb_transfer_status) {
        switch status {
        case LIBUSB_TRANSFER_COMPLETED: return nil
        case LIBUSB_TRANSFER_NO_DEVICE: self = .deviceGone
        case LIBUSB_TRANSFER_TIMED_OUT: self = .timedOut(operation: operation)
        case LIBUSB_TRANSFER_STALL: self = .stalled(operation: operation)
        case LIBUSB_TRANSFER_OVERFLOW: self = .overflow(operation: operation)
        case LIBUSB_TRANSFER_CANCELLED: self = .closed(operation: operation)
        default: self = .transfer(operation: operation, status: status.rawValue)
        }
    }

    public var description: String {
        switch self {
        case .deviceGone:
            return "The USB device was unplugged."
        case .accessDenied(let op):
            return "Permission denied while trying to \(op): the daemon's user needs the group the kioskpay udev rules grant (see udev/README.md)."
        case .busy(let op):
            return "Could not \(op): another program or a kernel driver already uses the device."
        case .timedOut(let op):
            return "The USB device did not answer in time while trying to \(op)."
        case .stalled(let op):
            return "The USB device refused the request while trying to \(op) (endpoint stalled)."
        case .overflow(let op):
            return "The USB device sent more data than expected while trying to \(op)."
        case .closed(let op):
            return "Could not \(op): the USB connection was already closed."
        case .notFound(let op, let what):
            return "Could not \(op): the device does not have \(what)."
        case .libusb(let op, let code):
            let name = String(cString: libusb_error_name(code))
            return "USB call failed while trying to \(op): \(name) (\(code))."
        case .transfer(let op, let status):
            return "USB transfer failed while trying to \(op) (libusb transfer status \(status))."
        }
    }
}

/// Throws `USBError` for a negative libusb return code, returns non-negative values.
@discardableResult
func usbCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws(USBError) -> Int32 {
    if code < 0 { throw USBError(operation: operation(), code: code) }
    return code
}
