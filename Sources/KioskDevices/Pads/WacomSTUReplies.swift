import Foundation

/// What a Wacom STU pad answers to the host's GET_REPORT requests (see WacomSTU.swift).

// MARK: - Information, capability, status, identity

/// Reply to GET Information (0x08, 17 bytes): model name and firmware.
public struct WacomSTUInformation: Sendable, Equatable {
    /// ASCII model name, e.g. "STU-540".
    public let modelName: String
    public let firmwareMajor: UInt8
    public let firmwareMinor: UInt8
    public let secureIC: UInt8
    public let secureICVersion: [UInt8]

    public static let reportLength = 17

    public init(report: [UInt8]) throws(WacomSTUError) {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.information], length: Self.reportLength)
        modelName = WacomSTUWire.ascii(report[1..<10])
        firmwareMajor = report[10]
        firmwareMinor = report[11]
        secureIC = report[12]
        secureICVersion = Array(report[13..<17])
    }

    /// "1.0" style firmware version.
    public var firmwareVersion: String { "\(firmwareMajor).\(firmwareMinor)" }
}

/// Reply to GET Capability (0x09): the digitizer's ranges and the screen.
public struct WacomSTUCapability: Sendable, Equatable {
    public let tabletMaxX: UInt16
    public let tabletMaxY: UInt16
    public let tabletMaxPressure: UInt16
    public let screenWidth: UInt16
    public let screenHeight: UInt16
    /// Reports per second, nil in the short form (STU-300/500).
    public let maxReportRate: UInt8?
    /// Tablet units per inch, nil in the short form.
    public let resolution: UInt16?
    /// The encoding flag as sent (0 or absent means "infer from the model").
    public let encodingFlag: WacomSTUEncodings?

    /// Length of the short form (STU-300/500): through the screen height.
    public static let shortLength = 11
    /// Length of the full form.
    public static let fullLength = 17

    public init(report: [UInt8]) throws(WacomSTUError) {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.capability], length: Self.shortLength)
        let b = report
        tabletMaxX = WacomSTUWire.be16(b, 1)
        tabletMaxY = WacomSTUWire.be16(b, 3)
        tabletMaxPressure = WacomSTUWire.be16(b, 5)
        screenWidth = WacomSTUWire.be16(b, 7)
        screenHeight = WacomSTUWire.be16(b, 9)
        if b.count >= 15 {
            maxReportRate = b[11]
            resolution = WacomSTUWire.be16(b, 12)
            encodingFlag = WacomSTUEncodings(rawValue: b[14])
        } else {
            maxReportRate = nil; resolution = nil; encodingFlag = nil
        }
        try validate()
    }

    /// A capability from known values (tests, emulation, per-model defaults).
    public init(tabletMaxX: UInt16, tabletMaxY: UInt16, tabletMaxPressure: UInt16,
                screenWidth: UInt16, screenHeight: UInt16, maxReportRate: UInt8? = nil,
                resolution: UInt16? = nil, encodingFlag: WacomSTUEncodings? = nil) throws(WacomSTUError) {
        self.tabletMaxX = tabletMaxX; self.tabletMaxY = tabletMaxY
        self.tabletMaxPressure = tabletMaxPressure
        self.screenWidth = screenWidth; self.screenHeight = screenHeight
        self.maxReportRate = maxReportRate; self.resolution = resolution; self.encodingFlag = encodingFlag
        try validate()
    }

    private func validate() throws(WacomSTUError) {
        if tabletMaxX == 0 { throw .invalidCapability("the maximum X is 0") }
        if tabletMaxY == 0 { throw .invalidCapability("the maximum Y is 0") }
        if tabletMaxPressure == 0 { throw .invalidCapability("the maximum pressure is 0") }
    }

    /// Image encodings to use: the reply's flag when it names any, otherwise the model's.
    public func encodings(model: WacomSTUModel?) -> WacomSTUEncodings {
        if let flag = encodingFlag, !flag.isEmpty { return flag }
        return model?.inferredEncodings ?? [.monochrome]
    }

    /// Tablet units per millimetre, when the resolution is known.
    public var unitsPerMillimetre: Double? {
        guard let resolution, resolution > 0 else { return nil }
        return Double(resolution) / 25.4
    }
}

/// The pad's state machine position (Status report byte 1).
public enum WacomSTUStatusCode: Sendable, Equatable {
    case ready, image, capture, calculation, imageBoot, romBusy, systemReset
    case unknown(UInt8)

    init(_ byte: UInt8) {
        switch byte {
        case 0x00: self = .ready
        case 0x01: self = .image
        case 0x02: self = .capture
        case 0x03: self = .calculation
        case 0x04: self = .imageBoot
        case 0x05: self = .romBusy
        case 0xFF: self = .systemReset
        default: self = .unknown(byte)
        }
    }
}

/// Reply to GET Status (0x03, 5 bytes).
public struct WacomSTUStatus: Sendable, Equatable {
    public let status: WacomSTUStatusCode
    /// Result of the last SET: 0 none, 0x01 wrong report ID, 0x02 wrong state, 0x04 bad
    /// parameter, 0x10 wrong image encoding, 0x11 image too long, 0x12 zlib error, 0x15 bad area…
    public let lastResultCode: UInt8
    public let statusWord: UInt16

    public static let reportLength = 5

    public init(report: [UInt8]) throws(WacomSTUError) {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.status], length: Self.reportLength)
        status = WacomSTUStatusCode(report[1])
        lastResultCode = report[2]
        statusWord = WacomSTUWire.be16(report, 3)
    }

    /// The last SET succeeded.
    public var lastCommandSucceeded: Bool { lastResultCode == 0 }
}

/// Hardware identity replies: Uid2 (0x0B, 10 ASCII) and Eserial (0x0F, 13 ASCII, STU-540).
public enum WacomSTUIdentity {
    public static func uid2(report: [UInt8]) throws(WacomSTUError) -> String {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.uid2], length: 11)
        return WacomSTUWire.ascii(report[1..<11])
    }

    public static func eserial(report: [UInt8]) throws(WacomSTUError) -> String {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.eserial], length: 14)
        return WacomSTUWire.ascii(report[1..<14])
    }

    /// The user-writable 32-bit Uid (0x0A).
    public static func uid(report: [UInt8]) throws(WacomSTUError) -> UInt32 {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.uid], length: 5)
        return WacomSTUWire.be32(report, 1)
    }
}
