import Foundation
import KioskProtocol
import KioskStore
import Logging

/// The device methods: list, allow/forget, captures, event subscriptions, emulation.
struct DeviceHandlers: Sendable {
    let devices: DeviceManager
    let logger: Logger

    func handle(_ method: KioskProtocol.Method, data: Data, caller: Caller, connection: ConnectionID) async throws -> any Encodable & Sendable {
        func audit(_ detail: String) -> AuditEntry {
            AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue,
                       action: method.rawValue, detail: detail)
        }
        switch method {
        case .eventsSubscribe:
            let params: SubscribeParams = try decodeParams(data)
            let known: Set<String> = ["device.attached", "device.detached", "capture.progress", "capture.done", "capture.failed"]
            if let unknown = params.types.first(where: { !known.contains($0) }) {
                throw RPCError.invalidParams("invalid params: unknown event type \"\(unknown.prefix(40))\"; known: \(known.sorted().joined(separator: ", "))", path: "params.types")
            }
            await devices.subscribe(connection, types: params.types)
            return OKResult()
        case .deviceList:
            return DeviceListResult(devices: await devices.list())
        case .deviceAllow:
            let params: DeviceIDParams = try decodeParams(data)
            try await devices.allow(params.id, audit: audit("device \(params.id.prefix(64))"))
            return OKResult()
        case .deviceForget:
            let params: DeviceIDParams = try decodeParams(data)
            try await devices.forget(params.id, audit: audit("device \(params.id.prefix(64))"))
            return OKResult()
        case .deviceCaptureBegin:
            let params: CaptureBeginParams = try decodeParams(data)
            return CaptureRef(capture: try await devices.beginCapture(params, owner: connection))
        case .deviceCaptureFinish:
            let params: CaptureRef = try decodeParams(data)
            try await devices.finish(params.capture, owner: connection)
            return OKResult()
        case .deviceCaptureCancel:
            let params: CaptureRef = try decodeParams(data)
            try await devices.cancel(params.capture, owner: connection)
            return OKResult()
        case .deviceEmulateSwipe:
            let params: EmulateSwipeParams = try decodeParams(data)
            try await devices.emulateSwipe(params)
            logger.info("emulated swipe", metadata: ["uid": "\(caller.peer.uid)"])  // never the tracks
            return OKResult()
        case .deviceEmulateSign:
            let params: EmulateSignParams = try decodeParams(data)
            try await devices.emulateSign(params)
            return OKResult()
        default:
            throw RPCError.methodNotFound(method.rawValue)
        }
    }
}
