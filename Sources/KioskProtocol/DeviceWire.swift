import Foundation

/// A device as `device.list` shows it.
public struct DeviceInfo: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case cardReader = "card_reader", signaturePad = "signature_pad", receiptPrinter = "receipt_printer" }
    /// attached → ready ⇄ capturing; error; detached.
    public enum State: String, Codable, Sendable { case attached, ready, capturing, error, detached }
    public var id: String
    public var kind: Kind
    public var driver: String
    public var vendorID: Int
    public var productID: Int
    public var serial: String?
    /// Only devices a technician allowed are used; others are "present, not allowed".
    public var allowed: Bool
    public var state: State

    enum CodingKeys: String, CodingKey {
        case id, kind, driver, vendorID = "vendor_id", productID = "product_id", serial, allowed, state
    }

    public init(id: String, kind: Kind, driver: String, vendorID: Int, productID: Int, serial: String?, allowed: Bool, state: State) {
        self.id = id; self.kind = kind; self.driver = driver; self.vendorID = vendorID; self.productID = productID
        self.serial = serial; self.allowed = allowed; self.state = state
    }
}

/// `device.list` result.
public struct DeviceListResult: Codable, Sendable, Equatable {
    public var devices: [DeviceInfo]
    public init(devices: [DeviceInfo]) { self.devices = devices }
}

/// `device.allow` / `device.forget` params.
public struct DeviceIDParams: Codable, Sendable, Equatable {
    public var id: String
    public init(id: String) { self.id = id }
}

/// `device.capture.begin` params.
public struct CaptureBeginParams: Codable, Sendable, Equatable {
    /// `bank`: a bank account typed at the kiosk (no device; sealed at once).
    public enum Kind: String, Codable, Sendable { case card, signature, bank }
    public var kind: Kind
    public var device: String?
    /// Signature only: one line shown on a pad that has a screen ("Sign for $123.45"); pads
    /// without a screen ignore it.
    public var prompt: String?
    /// Bank only: 9 digits with a valid ABA check digit. Never echoed, logged or stored in clear.
    public var routingNumber: String?
    /// Bank only: 4–17 digits. Never echoed, logged or stored in clear.
    public var accountNumber: String?
    /// Bank only: `checking` (default) or `savings`.
    public var accountType: String?
    public init(kind: Kind, device: String? = nil, prompt: String? = nil, routingNumber: String? = nil, accountNumber: String? = nil,
                accountType: String? = nil) {
        self.kind = kind; self.device = device; self.prompt = prompt
        self.routingNumber = routingNumber; self.accountNumber = accountNumber; self.accountType = accountType
    }
    enum CodingKeys: String, CodingKey {
        case kind, device, prompt, routingNumber = "routing_number", accountNumber = "account_number", accountType = "account_type"
    }
}

/// `device.capture.begin` result; also the params of `.finish` and `.cancel`.
public struct CaptureRef: Codable, Sendable, Equatable {
    public var capture: String
    public init(capture: String) { self.capture = capture }
}

/// `events.subscribe` params.
public struct SubscribeParams: Codable, Sendable, Equatable {
    public var types: [String]
    public init(types: [String]) { self.types = types }
}

/// The masked view of a swiped card (or of a typed bank account): all a client ever sees of it.
/// A card has `first6` and `brand`; a bank account has `account_type` and `description`
/// (`ACCOUNT ENDING nnnn`) instead.
public struct MaskedCardWire: Codable, Sendable, Equatable {
    public var last4: String
    public var first6: String?
    public var brand: String?
    /// `YYYY-MM`.
    public var expiry: String?
    public var name: String?
    /// Bank accounts: `checking` or `savings`.
    public var accountType: String?
    /// Bank accounts: `ACCOUNT ENDING nnnn`.
    public var description: String?
    public init(last4: String, first6: String?, brand: String?, expiry: String?, name: String?) {
        self.last4 = last4; self.first6 = first6; self.brand = brand; self.expiry = expiry; self.name = name
    }
    /// A bank account's masked view.
    public init(bankLast4 last4: String, accountType: String, description: String) {
        self.last4 = last4; self.accountType = accountType; self.description = description
    }
    enum CodingKeys: String, CodingKey { case last4, first6, brand, expiry, name, accountType = "account_type", description }
}

/// The `params` of an `event` notification. Which members are set depends on `type`:
/// `device.attached`/`device.detached` (`device`), `capture.progress` (`capture`, `points`),
/// `capture.done` (`capture`, `kind`, `masked` or `points`+`strokes`), `capture.failed`
/// (`capture`, `kind`, `message`, and `error` when the failure has an error kind, e.g.
/// `device_unavailable` for an unplugged or reset device).
public struct EventParams: Codable, Sendable, Equatable {
    public var type: String
    public var device: DeviceInfo?
    public var capture: String?
    public var kind: String?
    public var masked: MaskedCardWire?
    public var points: Int?
    public var strokes: Int?
    public var message: String?
    /// `capture.failed`: the `ErrorKind` raw value, so a front can react without parsing `message`.
    public var error: String?
    /// Signature `capture.progress`/`capture.done`: the strokes so far as `[[x, y]…]` (0…1,
    /// thinned to at most 400 points), so a front can draw a live preview. Never card data.
    public var preview: [[[Double]]]?
    public init(type: String, device: DeviceInfo? = nil, capture: String? = nil, kind: String? = nil,
                masked: MaskedCardWire? = nil, points: Int? = nil, strokes: Int? = nil, message: String? = nil,
                error: String? = nil) {
        self.type = type; self.device = device; self.capture = capture; self.kind = kind; self.masked = masked
        self.points = points; self.strokes = strokes; self.message = message; self.error = error
    }
}

/// `device.emulate.swipe` params (technician): either track may be omitted.
public struct EmulateSwipeParams: Codable, Sendable, Equatable {
    public var device: String?
    public var track1: String?
    public var track2: String?
    public init(device: String? = nil, track1: String? = nil, track2: String? = nil) {
        self.device = device; self.track1 = track1; self.track2 = track2
    }
}

/// `device.emulate.sign` params (technician): strokes of `[x, y, pressure]`, each 0…1.
public struct EmulateSignParams: Codable, Sendable, Equatable {
    public var device: String?
    public var strokes: [[[Double]]]
    public init(device: String? = nil, strokes: [[[Double]]]) { self.device = device; self.strokes = strokes }
}

/// Result of methods that only acknowledge.
public struct OKResult: Codable, Sendable, Equatable {
    public var ok: Bool
    public init() { ok = true }
}

/// `device.parse_descriptor` params: a HID report descriptor in hex (spaces and colons ignored).
public struct ParseDescriptorParams: Codable, Sendable, Equatable {
    public var hex: String
    public init(hex: String) { self.hex = hex }
}

/// `device.decode` params: reports in hex for one driver (`keyboard-wedge`, `magtek-hid`,
/// `hid-digitizer`, the last with the pad's `descriptor`). Card data in the result is masked.
public struct DecodeParams: Codable, Sendable, Equatable {
    public var driver: String
    public var reports: [String]
    public var descriptor: String?
    public init(driver: String, reports: [String], descriptor: String? = nil) {
        self.driver = driver; self.reports = reports; self.descriptor = descriptor
    }
}

/// `device.test` result: what the daemon has seen from a device since it was attached.
public struct DeviceTestResult: Codable, Sendable, Equatable {
    public var device: DeviceInfo
    public var reportsReceived: Int
    public var decodeFailures: Int
    public var lastReportAt: String?
    /// A sentence for the technician: what is fine, or what to check.
    public var verdict: String
    enum CodingKeys: String, CodingKey {
        case device, reportsReceived = "reports_received", decodeFailures = "decode_failures"
        case lastReportAt = "last_report_at", verdict
    }
    public init(device: DeviceInfo, reportsReceived: Int, decodeFailures: Int, lastReportAt: String?, verdict: String) {
        self.device = device; self.reportsReceived = reportsReceived; self.decodeFailures = decodeFailures
        self.lastReportAt = lastReportAt; self.verdict = verdict
    }
}

/// Bytes from hex text a person pasted: spaces, colons, commas and `0x` prefixes are ignored.
public func bytes(fromHex text: String) -> [UInt8]? {
    var nibbles = [UInt8]()
    let scalars = Array(text.utf8)
    guard scalars.count <= 4 * 1_048_576 else { return nil }
    var i = 0
    while i < scalars.count {
        let c = scalars[i]
        if c == UInt8(ascii: "0"), i + 1 < scalars.count, scalars[i + 1] | 0x20 == UInt8(ascii: "x") { i += 2; continue }
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(c - 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(c - 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(c - 55)
        case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\t"): break
        default: return nil
        }
        i += 1
    }
    guard nibbles.count % 2 == 0 else { return nil }
    return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
}
