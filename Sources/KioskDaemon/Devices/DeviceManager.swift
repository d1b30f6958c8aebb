import Foundation
import KioskCore
import KioskCrypto
import KioskDevices
import KioskProtocol
import KioskStore
import Logging

/// Every reader and pad the daemon knows, their states, and the captures running on them.
///
/// Transports (the emulated ones today, libusb next) call `attach`, `feed` and `detach`;
/// clients reach the rest through the socket. Only devices a technician allowed are used.
/// Clear card data lives only inside a capture's `CardSwipe` (zeroizing buffers) until the
/// vault seals it to the back office; then it is wiped. Clients only ever see the masked view.
public actor DeviceManager {
    struct Record {
        var info: DeviceInfo
        var cardDecoder: (any CardReaderDecoder)?
        var pad: (any PadDecoder)?
        var emulated: Bool
        var capture: String?
        /// The HID report descriptor, when the device has one (pads; HID readers).
        var descriptor: [UInt8]?
        var reportsReceived = 0
        var decodeFailures = 0
        var lastReportAt: Date?
        /// Where capture begin/end is announced to the transport (pads with a screen).
        var signals: AsyncStream<CaptureSignal>.Continuation?
    }

    struct Capture {
        let id: String
        let kind: CaptureBeginParams.Kind
        let device: String
        let owner: ConnectionID
        var signature = SignatureCapture()
        /// Lossless record of a signature: every raw report and every sample, with the time
        /// since the capture began, sealed with the strokes when the customer presses Done.
        var rawReports: [(microseconds: UInt64, bytes: [UInt8])] = []
        var samples: [(microseconds: UInt64, sample: PenSample)] = []
        /// What the owner was last told (`capture.progress`), so the count it shows follows the pad.
        var progressPoints = 0
        var progressAt: UInt64 = 0
        let started = ContinuousClock.now
        var microseconds: UInt64 {
            let d = ContinuousClock.now - started
            return UInt64(max(0, d.components.seconds)) * 1_000_000 + UInt64(max(0, d.components.attoseconds) / 1_000_000_000_000)
        }
    }

    /// A signature longer than this many reports (over three minutes at 1,000 reports/s) is
    /// refused rather than allowed to grow the daemon without bound.
    static let maximumSignatureReports = 200_000

    /// Microseconds between `capture.progress` events while the pen stays down.
    static let progressInterval: UInt64 = 100_000

    private var devices: [String: Record] = [:]
    private var captures: [String: Capture] = [:]
    /// Sealed captures not yet used by a payment, and the connection that made each: a capture
    /// pays for a payment only on the connection where the customer swiped or signed.
    private var completed: [String: (owner: ConnectionID, kind: CaptureKind)] = [:]
    private var allowed: Set<String> = []
    private var hub = EventHub()
    private let store: KioskStore
    /// Seals captures to the back office and stores them.
    public nonisolated let vault: CaptureVault
    private let logger: Logger
    /// The emulated encrypting reader's DUKPT state (its KSN advances per swipe).
    let secureReader = EmulatedSecureReader()
    /// `--demo`: emulated devices are allowed without a technician.
    private let allowEmulated: Bool

    public init(store: KioskStore, vault: CaptureVault, logger: Logger, allowEmulated: Bool) {
        self.store = store; self.vault = vault; self.logger = logger; self.allowEmulated = allowEmulated
    }

    // MARK: Connections (event delivery)

    func register(_ id: ConnectionID, output: OutboundQueue) { hub.register(id, output: output) }

    func subscribe(_ id: ConnectionID, types: [String]) { hub.subscribe(id, types: types) }

    /// Loads the technician's allow list.
    public func start() async {
        allowed = (try? await store.allowedDeviceIDs()) ?? []
    }

    // MARK: Transports

    func attach(_ info: DeviceInfo, cardDecoder: (any CardReaderDecoder)? = nil, pad: (any PadDecoder)? = nil,
                descriptor: [UInt8]? = nil, emulated: Bool, signals: AsyncStream<CaptureSignal>.Continuation? = nil) {
        var info = info
        info.allowed = allowed.contains(info.id) || (emulated && allowEmulated)
        info.state = .ready
        devices[info.id] = Record(info: info, cardDecoder: cardDecoder, pad: pad, emulated: emulated, descriptor: descriptor,
                                  signals: signals)
        logger.info("device attached", metadata: ["device": "\(info.id)", "driver": "\(info.driver)", "allowed": "\(info.allowed)"])
        hub.broadcast(EventParams(type: "device.attached", device: info))
    }

    func detach(_ id: String) {
        guard var record = devices[id] else { return }
        if let capture = record.capture {
            fail(capture, kind: .deviceUnavailable, message: "the \(record.info.kind == .cardReader ? "card reader" : "signature pad") was disconnected; ask staff to check it, then try again")
        }
        record.info.state = .detached
        record.signals?.finish()
        devices[id] = nil
        logger.notice("device detached", metadata: ["device": "\(id)"])
        hub.broadcast(EventParams(type: "device.detached", device: record.info))
    }

    /// One input report from a device, in arrival order.
    func feed(_ id: String, report: [UInt8]) async {
        guard var record = devices[id] else { return }
        record.reportsReceived += 1
        record.lastReportAt = Date()
        devices[id] = record
        if var decoder = record.cardDecoder {
            let event = decoder.consume(report: report)
            record.cardDecoder = decoder
            devices[id] = record
            if let event { await cardEvent(event, on: id) }
        } else if let pad = record.pad, let capture = record.capture, var running = captures[capture] {
            guard running.rawReports.count < Self.maximumSignatureReports else {
                fail(capture, kind: nil, message: "the signature is too long; press Clear and sign again")
                return
            }
            let now = running.microseconds
            running.rawReports.append((now, report))
            guard let sample = pad.sample(from: report) else { captures[capture] = running; return }
            running.samples.append((now, sample))
            running.signature.add(sample)
            // The customer watches the count and the preview: tell them at the first point, at
            // every lift of the pen, and at most every 100 ms while ink flows (a 1,000 reports/s
            // pen must not become 1,000 events/s).
            let points = running.signature.pointCount
            if points != running.progressPoints,
               running.progressPoints == 0 || !sample.tipDown || now &- running.progressAt >= Self.progressInterval {
                running.progressPoints = points
                running.progressAt = now
                var progress = EventParams(type: "capture.progress", capture: capture, points: points)
                progress.preview = SignaturePreview.strokes(running.signature)
                hub.publish(progress, to: running.owner)
            }
            captures[capture] = running
        }
    }

    /// A reader that finishes swipes on an idle gap (keyboard wedge): when no report arrived
    /// for `gap`, the swipe in progress (if any) is completed.
    func flushIdle(_ id: String, after gap: Duration) async {
        guard var record = devices[id], var decoder = record.cardDecoder, let last = record.lastReportAt else { return }
        let seconds = Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18
        guard Date().timeIntervalSince(last) >= seconds else { return }
        let event = decoder.flush()
        record.cardDecoder = decoder
        devices[id] = record
        if let event { await cardEvent(event, on: id) }
    }

    private func cardEvent(_ event: CardReaderEvent, on id: String) async {
        guard let captureID = devices[id]?.capture, let capture = captures[captureID] else {
            // A swipe nobody asked for: its data is wiped at once, never kept.
            if case .swipe(let swipe) = event { swipe.wipe() }
            if case .encryptedSwipe(let swipe) = event { swipe.wipe() }
            logger.notice("swipe with no capture in progress discarded", metadata: ["device": "\(id)"])
            // Subscribers (the front's welcome screen) learn that a card was swiped, nothing more.
            if let info = devices[id]?.info { hub.broadcast(EventParams(type: "swipe.unclaimed", device: info)) }
            return
        }
        switch event {
        case .swipe(let swipe):
            defer { swipe.wipe() }
            end(captureID)
            await sealCard(CardCapturePayload.plaintext(swipe), card: swipe.card, capture: capture)
        case .encryptedSwipe(let swipe):
            defer { swipe.wipe() }
            end(captureID)
            await sealCard(CardCapturePayload.plaintext(swipe), card: swipe.card, capture: capture)
        case .failed(let error):
            devices[id]?.decodeFailures += 1
            fail(captureID, kind: nil, message: error.description)
        }
    }

    /// Seals the card's plaintext (wiped by the vault) and tells the capture's owner the masked view.
    private func sealCard(_ plaintext: SensitiveBytes, card: MaskedCard, capture: Capture) async {
        let masked = MaskedCardWire(last4: card.last4, first6: card.first6, brand: card.brand.rawValue,
                                    expiry: card.expiry.map { String(format: "%04d-%02d", $0.year, $0.month) },
                                    name: card.cardholderName?.displayName)
        let maskedJSON = (try? JSONEncoder().encode(masked)).map { String(decoding: $0, as: UTF8.self) }
        do {
            _ = try await vault.seal(plaintext, id: capture.id, kind: .card, device: capture.device, masked: maskedJSON)
        } catch {
            let message = (error as? RPCError)?.message ?? "the card could not be stored safely; please try again"
            captures[capture.id] = nil
            hub.publish(EventParams(type: "capture.failed", capture: capture.id, kind: "card", message: message), to: capture.owner)
            return
        }
        guard captures.removeValue(forKey: capture.id) != nil else { return }  // cancelled meanwhile
        completed[capture.id] = (capture.owner, .card)
        hub.publish(EventParams(type: "capture.done", capture: capture.id, kind: "card", masked: masked), to: capture.owner)
    }

    // MARK: Diagnostics

    func describe(_ id: String) throws -> DescriptorSummary {
        guard let record = devices[id] else { throw RPCError.app(.notFound, "no device with that id is present; kioskctl device list shows the ids") }
        guard let bytes = record.descriptor else {
            throw RPCError.app(.notFound, "\(id.prefix(64)) (\(record.info.driver)) has no HID report descriptor to describe")
        }
        do { return DescriptorSummary(try HIDReportDescriptor(bytes)) } catch {
            throw RPCError.app(.deviceUnavailable, "the device's report descriptor cannot be parsed: \(error.description)")
        }
    }

    func test(_ id: String) throws -> DeviceTestResult {
        guard let record = devices[id] else { throw RPCError.app(.notFound, "no device with that id is present; kioskctl device list shows the ids") }
        let noun = record.info.kind == .cardReader ? "swipe a card" : "draw on the pad"
        let verdict: String
        if !record.info.allowed {
            verdict = "present but not allowed: run kioskctl device allow \(id)"
        } else if record.reportsReceived == 0 {
            verdict = "allowed and ready, but no report has arrived yet: \(noun), then run the test again"
        } else if record.decodeFailures > 0 {
            verdict = "reports arrive, but \(record.decodeFailures) could not be decoded: clean the reader head or try another card"
        } else {
            verdict = "working: \(record.reportsReceived) reports received and decoded"
        }
        return DeviceTestResult(device: record.info, reportsReceived: record.reportsReceived, decodeFailures: record.decodeFailures,
                                lastReportAt: record.lastReportAt.map { Instant($0).description }, verdict: verdict)
    }

    // MARK: Clients

    func list() -> [DeviceInfo] { devices.values.map(\.info).sorted { $0.id < $1.id } }

    func allow(_ id: String, audit: AuditEntry) async throws {
        guard let record = devices[id] else { throw RPCError.app(.notFound, "no device with that id is present; plug it in, then allow it (kioskctl device list shows the ids)") }
        try await persist { try await store.allowDevice(id: id, kind: record.info.kind.rawValue, audit: audit) }
        allowed.insert(id)
        devices[id]?.info.allowed = true
    }

    func forget(_ id: String, audit: AuditEntry) async throws {
        // Only an id the kiosk knows is audited: a client's free text never reaches the audit log.
        guard allowed.contains(id) || devices[id] != nil else {
            throw RPCError.app(.notFound, "no device with that id is allowed or present; kioskctl device list shows the ids")
        }
        try await persist { try await store.forgetDevice(id: id, audit: audit) }
        allowed.remove(id)
        if let record = devices[id] {
            devices[id]?.info.allowed = record.emulated && allowEmulated
            if let capture = record.capture, devices[id]?.info.allowed == false {
                fail(capture, kind: .deviceUnavailable, message: "this device is no longer allowed on the kiosk")
            }
        }
    }

    private func persist(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            throw RPCError.app(.storageUnavailable, (error as? StoreError)?.description ?? "the kiosk's database cannot be written")
        }
    }

    func beginCapture(_ params: CaptureBeginParams, owner: ConnectionID) async throws -> String {
        if let problem = await vault.missingKeyProblem { throw RPCError.app(.notProvisioned, problem) }
        let kind: DeviceInfo.Kind = params.kind == .card ? .cardReader : .signaturePad
        let noun = kind == .cardReader ? "card reader" : "signature pad"
        let candidates = devices.values.filter { $0.info.kind == kind && (params.device == nil || $0.info.id == params.device) }
        guard !candidates.isEmpty else {
            throw RPCError.app(.deviceUnavailable, "no \(noun) is connected; ask staff to check the \(noun)")
        }
        guard let device = candidates.filter({ $0.info.allowed }).sorted(by: { $0.info.id < $1.info.id }).first else {
            throw RPCError.app(.notProvisioned, "the \(noun) is present but not allowed; a technician must allow it (kioskctl device allow ID)")
        }
        guard device.capture == nil else {
            throw RPCError.app(.busy, "the \(noun) is in use by another capture; try again in a moment")
        }
        let id = "K" + UUID().uuidString.prefix(8).lowercased()
        captures[id] = Capture(id: id, kind: params.kind, device: device.info.id, owner: owner)
        devices[device.info.id]?.capture = id
        devices[device.info.id]?.info.state = .capturing
        device.signals?.yield(.began(prompt: params.prompt))
        if var decoder = devices[device.info.id]?.cardDecoder {
            decoder.reset()  // nothing typed before the capture began may leak into it
            devices[device.info.id]?.cardDecoder = decoder
        }
        return id
    }

    /// The customer pressed Done on a signature.
    func finish(_ id: String, owner: ConnectionID) async throws {
        guard let capture = captures[id], capture.owner == owner else {
            throw RPCError.app(.notFound, "no capture with that id is in progress on this connection")
        }
        guard capture.kind == .signature else {
            throw RPCError.invalidParams("invalid params: a card capture ends when the card is swiped; cancel it instead", path: "params.capture")
        }
        guard capture.signature.pointCount > 0 else {
            throw RPCError.app(.conflict, "nothing has been signed yet; sign on the pad, then press Done")
        }
        end(id)
        let plaintext = SensitiveBytes(SignaturePayload.json(capture, driver: devices[capture.device]?.info.driver ?? "unknown"))
        do {
            _ = try await vault.seal(plaintext, id: id, kind: .signature, device: capture.device, masked: nil)
        } catch {
            captures[id] = nil
            throw error
        }
        guard captures.removeValue(forKey: id) != nil else { return }
        completed[id] = (owner, .signature)
        var done = EventParams(type: "capture.done", capture: id, kind: "signature",
                               points: capture.signature.pointCount, strokes: capture.signature.strokeCount)
        done.preview = SignaturePreview.strokes(capture.signature)
        hub.publish(done, to: owner)
    }

    func cancel(_ id: String, owner: ConnectionID) throws {
        guard let capture = captures[id], capture.owner == owner else {
            throw RPCError.app(.notFound, "no capture with that id is in progress on this connection")
        }
        end(id)
        captures[id] = nil
    }

    /// A client went away: its captures end and their data is wiped.
    func connectionClosed(_ owner: ConnectionID) {
        hub.unregister(owner)
        completed = completed.filter { $0.value.owner != owner }
        for capture in captures.values where capture.owner == owner {
            end(capture.id)
            captures[capture.id] = nil
        }
    }

    private func end(_ id: String) {
        guard let capture = captures[id] else { return }
        if devices[capture.device]?.capture == id {
            devices[capture.device]?.capture = nil
            devices[capture.device]?.info.state = .ready
            devices[capture.device]?.signals?.yield(.ended)
        }
    }

    private func fail(_ id: String, kind: ErrorKind?, message: String) {
        guard let capture = captures[id] else { return }
        end(id)
        captures[id] = nil
        hub.publish(EventParams(type: "capture.failed", capture: id, kind: capture.kind.rawValue, message: message,
                                error: kind?.rawValue), to: capture.owner)
    }

    /// Refuses a capture id this connection did not complete (or of the wrong kind).
    func requireOwnCapture(_ id: String, kind: CaptureKind, connection: ConnectionID) throws {
        guard let entry = completed[id], entry.owner == connection else {
            throw RPCError.app(.notFound, kind == .card ? "the card swipe was not found on this kiosk session; please swipe again"
                                                        : "the signature was not found on this kiosk session; please sign again")
        }
        guard entry.kind == kind else {
            throw RPCError.invalidParams("invalid params: capture \(id.prefix(40)) is a \(entry.kind.rawValue) capture, not a \(kind.rawValue)",
                                         path: kind == .card ? "params.method.capture" : "params.signature")
        }
    }

    /// Finds the device a technician's emulation command is for.
    func emulatedDevice(_ id: String?, kind: DeviceInfo.Kind) throws -> String {
        let match = devices.values.filter { $0.emulated && $0.info.kind == kind && (id == nil || $0.info.id == id) }
        guard let device = match.sorted(by: { $0.info.id < $1.info.id }).first else {
            throw RPCError.app(.deviceUnavailable, "no emulated \(kind == .cardReader ? "card reader" : "signature pad") is running; start kioskd with emulated_devices = true or --demo")
        }
        return device.info.id
    }
}

