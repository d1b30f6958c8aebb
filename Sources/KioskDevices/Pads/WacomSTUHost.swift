import Foundation

// The host side of a Wacom STU session (signature-pads.md §3.7): what the daemon sends, in
// which order, and what it checks, over any feature-report channel. The USB transport plugs in
// a channel made of GET_REPORT/SET_REPORT control transfers; tests plug in a recording fake.

/// GET_REPORT / SET_REPORT (type Feature) on the pad's interface 0.
public protocol WacomSTUChannel: Sendable {
    /// Reads feature report `request.reportID`; the reply starts with the ID.
    func getFeature(_ request: WacomSTUGetRequest) async throws(WacomSTUHostError) -> [UInt8]
    /// Sends `report` (ID in byte 0) as a feature report.
    func setFeature(_ report: [UInt8]) async throws(WacomSTUHostError)
}

/// Why talking to an STU failed.
public enum WacomSTUHostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pad was unplugged.
    case deviceGone
    /// The control transfer failed; the transport's sentence.
    case transport(String)
    /// The pad answered with a report that cannot be used.
    case reply(WacomSTUError)
    /// The pad reported a non-zero result code for a command (Status byte 2).
    case refused(reportID: UInt8, resultCode: UInt8)
    /// The pad did not reach the Ready state, even after a soft reset.
    case notReady(WacomSTUStatusCode)
    /// The prompt or an image could not be built.
    case command(WacomSTUError)

    public var description: String {
        switch self {
        case .deviceGone:
            "The signature pad was unplugged."
        case .transport(let sentence):
            sentence
        case .reply(let error):
            "The signature pad sent an unusable reply: \(error.description)"
        case .refused(let id, let code):
            "The signature pad refused command 0x\(WacomSTUWire.hex(id)) (result code 0x\(WacomSTUWire.hex(code))); it may need a reset."
        case .notReady(let status):
            "The signature pad stays busy (status \(status)) even after a reset; unplug it and plug it in again."
        case .command(let error):
            error.description
        }
    }
}

/// One connected STU: its identity and ranges as it reported them, and the commands around a
/// capture. A value type; the transport serialises calls (one capture at a time per pad).
public struct WacomSTUHost: Sendable {
    public let model: WacomSTUModel?
    /// Model name and firmware, when the pad answers GET Information (used in logs only).
    public let information: WacomSTUInformation?
    public let capability: WacomSTUCapability
    /// Length of an ImageDataBlock report: the descriptor's size for report 0x26, else 256.
    public let blockReportLength: Int
    /// Whether pen reports carry the pad's time and sequence counters (0x34).
    public let timedPenData: Bool
    private let channel: any WacomSTUChannel
    private let sizes: [UInt8: Int]
    private let pollInterval: Duration

    /// Ready polls before giving up (the SDK's 25 × 50 ms).
    static let readyPolls = 25

    /// Brings the pad to a known state and reads what it is:
    /// 1. Status; an upload or encrypted capture left behind by a crash is abandoned, then the
    ///    pad must reach Ready (a soft reset once if it does not);
    /// 2. Information (optional) and Capability (required: it sizes the decoder);
    /// 3. InkingMode off and ClearScreen, so a signature left on the screen by a crash, an
    ///    unplug or a reset is not shown to the next customer;
    /// 4. PenDataOptionMode 3 where the model supports it, for 1 ms times and sequence numbers.
    public static func connect(channel: any WacomSTUChannel, model: WacomSTUModel?, descriptor: [UInt8]?,
                               pollInterval: Duration = .milliseconds(50)) async throws(WacomSTUHostError) -> WacomSTUHost {
        let sizes = reportSizes(descriptor)
        func length(_ request: WacomSTUGetRequest) -> WacomSTUGetRequest {
            WacomSTUGetRequest(reportID: request.reportID, length: sizes[request.reportID] ?? request.length)
        }
        let statusRequest = length(WacomSTUCommands.getStatus)
        let status = try await readStatus(channel, statusRequest)
        switch status.status {
        case .image: try await channel.setFeature(WacomSTUCommands.endImageData(commit: false))
        case .capture: try await channel.setFeature(WacomSTUCommands.endCapture())
        default: break
        }
        do { try await waitUntilReady(channel, statusRequest, pollInterval) } catch .notReady {
            try await channel.setFeature(WacomSTUCommands.reset(hard: false))
            try await waitUntilReady(channel, statusRequest, pollInterval)
        }
        let information = try? await WacomSTUInformation(report: channel.getFeature(length(WacomSTUCommands.getInformation)))
        let reply = try await channel.getFeature(length(WacomSTUCommands.getCapability))
        let capability: WacomSTUCapability
        do { capability = try WacomSTUCapability(report: reply) } catch { throw .reply(error) }
        let host = WacomSTUHost(channel: channel, model: model, information: information, capability: capability,
                                sizes: sizes, pollInterval: pollInterval)
        try await host.finishCapture()
        if host.timedPenData {
            try await host.send(WacomSTUCommands.penDataOptionMode(.timeCountAndSequence))
        }
        return host
    }

    private init(channel: any WacomSTUChannel, model: WacomSTUModel?, information: WacomSTUInformation?,
                 capability: WacomSTUCapability, sizes: [UInt8: Int], pollInterval: Duration) {
        self.channel = channel
        self.model = model
        self.information = information
        self.capability = capability
        self.sizes = sizes
        self.pollInterval = pollInterval
        blockReportLength = min(max(sizes[WacomSTUReportID.imageDataBlock] ?? WacomSTUImageUpload.hidBlockReportLength, 4), 0xFFFF + 3)
        timedPenData = model?.supportsTimedPenData == true
    }

    /// The pen decoder sized by the pad's capability.
    public var decoder: WacomSTUDecoder { WacomSTUDecoder(capability: capability) }

    /// Before a signature: clear the screen, show `prompt` (if any) and let the pad draw ink.
    public func prepareCapture(prompt: String?) async throws(WacomSTUHostError) {
        try await waitUntilReady()
        try await send(WacomSTUCommands.clearScreen())
        if let prompt {
            let reports: [[UInt8]]
            do {
                reports = try WacomSTUPrompt(text: prompt, capability: capability, model: model)
                    .uploadReports(capability: capability, model: model, blockReportLength: blockReportLength)
            } catch { throw .command(error) }
            // ClearScreen is asynchronous on the pad: the upload may only start once it is Ready.
            try await waitUntilReady()
            for report in reports {
                // Blocks are not checked one by one (that would double the transfers): a bad
                // block shows in EndImageData's result.
                if report.first == WacomSTUReportID.imageDataBlock {
                    try await channel.setFeature(report)
                } else {
                    try await send(report)
                }
            }
        }
        try await send(WacomSTUCommands.inkingMode(true))
    }

    /// After a signature (done, cancelled or failed): stop inking and clear the screen.
    public func finishCapture() async throws(WacomSTUHostError) {
        try await send(WacomSTUCommands.inkingMode(false))
        try await waitUntilReady()
        try await send(WacomSTUCommands.clearScreen())
    }

    // MARK: Plumbing

    /// Sends one command and checks the pad's result code for it.
    func send(_ report: [UInt8]) async throws(WacomSTUHostError) {
        try await channel.setFeature(report)
        let status = try await Self.readStatus(channel, statusRequest)
        guard status.lastCommandSucceeded else {
            throw .refused(reportID: report.first ?? 0, resultCode: status.lastResultCode)
        }
    }

    /// Polls Status until Ready (commands such as ClearScreen and StartImageData need it).
    func waitUntilReady() async throws(WacomSTUHostError) {
        try await Self.waitUntilReady(channel, statusRequest, pollInterval)
    }

    private static func waitUntilReady(_ channel: any WacomSTUChannel, _ request: WacomSTUGetRequest,
                                       _ pollInterval: Duration) async throws(WacomSTUHostError) {
        var last = WacomSTUStatusCode.ready
        for attempt in 0..<readyPolls {
            last = try await readStatus(channel, request).status
            if last == .ready { return }
            if attempt + 1 < readyPolls { try? await Task.sleep(for: pollInterval) }
        }
        throw .notReady(last)
    }

    private var statusRequest: WacomSTUGetRequest {
        WacomSTUGetRequest(reportID: WacomSTUReportID.status, length: sizes[WacomSTUReportID.status] ?? WacomSTUStatus.reportLength)
    }

    private static func readStatus(_ channel: any WacomSTUChannel, _ request: WacomSTUGetRequest) async throws(WacomSTUHostError) -> WacomSTUStatus {
        let reply = try await channel.getFeature(request)
        do { return try WacomSTUStatus(report: reply) } catch { throw .reply(error) }
    }

    /// Feature report lengths (ID byte included) declared by the pad's HID descriptor.
    static func reportSizes(_ descriptor: [UInt8]?) -> [UInt8: Int] {
        guard let descriptor, let parsed = try? HIDReportDescriptor(descriptor), parsed.usesReportIDs else { return [:] }
        var sizes: [UInt8: Int] = [:]
        for report in parsed.reports(ofType: .feature) { sizes[report.reportID] = report.wireLength }
        return sizes
    }
}
