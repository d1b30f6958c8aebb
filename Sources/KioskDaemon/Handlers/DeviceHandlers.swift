import Foundation
import KioskJSON
import KioskDevices
import KioskProtocol
import KioskStore
import Logging

/// The device methods: list, allow/forget, captures, event subscriptions, emulation.
struct DeviceHandlers: Sendable {
    let devices: DeviceManager
    let logger: Logger
    /// Prints a printer's test page for `device.test`.
    let desk: ReceiptDesk

    func register(in table: inout HandlerTable) {
        table.on(Methods.eventsSubscribe) { params, call in
            let known = Set(EventType.allCases.map(\.rawValue))
            if let unknown = params.types.firstIndex(where: { !known.contains($0) }) {
                throw RPCError.invalidParams("invalid params: params.types[\(unknown)] is not an event type; known: \(known.sorted().joined(separator: ", "))",
                                             path: "params.types[\(unknown)]")
            }
            await devices.subscribe(call.connection, types: params.types)
            return OKResult()
        }
        table.on(Methods.deviceList) { _, _ in DeviceListResult(devices: await devices.list()) }
        table.on(Methods.deviceAllow) { params, call in
            try await devices.allow(params.id, audit: call.audit("device \(params.id.prefix(64))"))
            return OKResult()
        }
        table.on(Methods.deviceForget) { params, call in
            try await devices.forget(params.id, audit: call.audit("device \(params.id.prefix(64))"))
            return OKResult()
        }
        table.on(Methods.deviceCaptureBegin) { params, call in
            if params.kind == .bank {
                let bank = try Self.checkBank(params)
                let capture = try await devices.beginBankCapture(routing: bank.routing, account: bank.account, accountType: bank.type,
                                                                 owner: call.connection)
                logger.info("bank account captured and sealed", metadata: ["capture": "\(capture)"])  // never the numbers
                return CaptureRef(capture: capture)
            }
            for (value, name) in [(params.routingNumber, "routing_number"), (params.accountNumber, "account_number"), (params.accountType, "account_type")]
            where value != nil {
                throw RPCError.invalidParams("invalid params: \(name) is for bank captures (kind \"bank\") only", path: "params.\(name)")
            }
            if let prompt = params.prompt { try Self.check(prompt: prompt, kind: params.kind) }
            return CaptureRef(capture: try await devices.beginCapture(params, owner: call.connection))
        }
        table.on(Methods.deviceCaptureFinish) { params, call in
            try await devices.finish(params.capture, owner: call.connection)
            return OKResult()
        }
        table.on(Methods.deviceCaptureCancel) { params, call in
            try await devices.cancel(params.capture, owner: call.connection)
            return OKResult()
        }
        table.on(Methods.deviceEmulateSwipe) { params, call in
            try await devices.emulateSwipe(params)
            logger.info("emulated swipe", metadata: ["uid": "\(call.caller.peer.uid)"])  // never the tracks
            return OKResult()
        }
        table.on(Methods.deviceEmulateSign) { params, _ in
            try await devices.emulateSign(params)
            return OKResult()
        }
        table.on(Methods.deviceDescribe) { params, _ in try JSONValue(encoding: try await devices.describe(params.id)) }
        table.on(Methods.deviceTest) { params, _ in
            // A printer's test is a printed page; a reader's or pad's is what has arrived from it.
            if let printer = try await devices.printerForTest(params.id) {
                return await desk.testPage(params.id, info: printer.info, channel: printer.channel)
            }
            return try await devices.test(params.id)
        }
        table.on(Methods.deviceParseDescriptor) { params, _ in
            guard let bytes = bytes(fromHex: params.hex), !bytes.isEmpty else {
                throw RPCError.invalidParams("invalid params: hex must be pairs of hex digits (spaces and colons allowed)", path: "params.hex")
            }
            do { return try JSONValue(encoding: DescriptorSummary(try HIDReportDescriptor(bytes))) } catch let error as HIDDescriptorError {
                throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.hex")
            }
        }
        table.on(Methods.deviceDecode) { params, _ in try JSONValue(encoding: try Self.decode(params)) }
    }

    /// `device.decode`: a driver over reports a technician pasted.
    static func decode(_ params: DecodeParams) throws -> DiagnosticDecode {
        var reports = [[UInt8]]()
        for (index, text) in params.reports.prefix(100_000).enumerated() {
            guard let report = bytes(fromHex: text) else {
                throw RPCError.invalidParams("invalid params: reports[\(index)] is not hex", path: "params.reports[\(index)]")
            }
            reports.append(report)
        }
        // A wedge capture pasted as one long hex string: split it into 8-byte boot reports.
        if params.driver == KeyboardWedgeDecoder.driverName, reports.count == 1, reports[0].count > 8 {
            reports = stride(from: 0, to: reports[0].count, by: 8).map { Array(reports[0][$0..<min($0 + 8, reports[0].count)]) }
        }
        let descriptor = try params.descriptor.map { text -> [UInt8] in
            guard let bytes = bytes(fromHex: text) else {
                throw RPCError.invalidParams("invalid params: descriptor is not hex", path: "params.descriptor")
            }
            return bytes
        }
        guard let result = DiagnosticDecode.run(driver: params.driver, reports: reports, descriptor: descriptor) else {
            throw RPCError.invalidParams("invalid params: driver must be one of \(DiagnosticDecode.drivers.joined(separator: ", ")) (hid-digitizer needs a descriptor that describes a pen)", path: "params.driver")
        }
        return result
    }

    /// A bank capture's params, checked (PROTOCOL.md `device.capture.begin` with `kind: "bank"`):
    /// each refusal names the parameter and never repeats its value.
    static func checkBank(_ params: CaptureBeginParams) throws -> (routing: String, account: String, type: String) {
        if params.device != nil {
            throw RPCError.invalidParams("invalid params: a bank account is typed on the keypad; it takes no device", path: "params.device")
        }
        if params.prompt != nil {
            throw RPCError.invalidParams("invalid params: a prompt is shown on a signature pad; bank captures take none", path: "params.prompt")
        }
        guard let routing = params.routingNumber else {
            throw RPCError.invalidParams("invalid params: routing_number is required for a bank capture", path: "params.routing_number")
        }
        if let problem = BankAccountEntry.routingProblem(routing) {
            throw RPCError.invalidParams("invalid params: \(problem)", path: "params.routing_number")
        }
        guard let account = params.accountNumber else {
            throw RPCError.invalidParams("invalid params: account_number is required for a bank capture", path: "params.account_number")
        }
        if let problem = BankAccountEntry.accountNumberProblem(account) {
            throw RPCError.invalidParams("invalid params: \(problem)", path: "params.account_number")
        }
        let type = params.accountType ?? "checking"
        guard BankAccountEntry.accountTypes.contains(type) else {
            throw RPCError.invalidParams("invalid params: account_type must be checking or savings", path: "params.account_type")
        }
        return (routing, account, type)
    }

    /// The longest prompt accepted: one line that still reads at a useful size on a 320-pixel
    /// STU-430 screen.
    static let maximumPromptLength = 40

    /// A prompt is drawn on the pad with a small built-in font (PromptFont), so it is checked
    /// here, before the capture starts, rather than failing later on the pad.
    static func check(prompt: String, kind: CaptureBeginParams.Kind) throws {
        guard kind == .signature else {
            throw RPCError.invalidParams("invalid params: a prompt is shown on a signature pad; card captures take none", path: "params.prompt")
        }
        guard !prompt.isEmpty, prompt.count <= maximumPromptLength else {
            throw RPCError.invalidParams("invalid params: a prompt must be 1 to \(maximumPromptLength) characters", path: "params.prompt")
        }
        if let character = PromptFont.unsupportedCharacter(in: prompt) {
            let invisible = character.unicodeScalars.contains { [.control, .format].contains($0.properties.generalCategory) }
            let shown = invisible ? "a control character" : "\"\(character)\""
            throw RPCError.invalidParams("invalid params: the prompt contains \(shown), which the pad cannot draw; use letters, digits, spaces and $ . , : only",
                                         path: "params.prompt")
        }
    }
}
