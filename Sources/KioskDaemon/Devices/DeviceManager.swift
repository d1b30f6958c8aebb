import Foundation
import KioskCore
import KioskCrypto
import KioskDevices
import KioskProtocol
import KioskStore
import Logging

/// The one actor between devices and clients: it owns the `DeviceRegistry` (devices, allow
/// list), the `Captures` and the `EventHub`, so a report, the capture it completes and the
/// event it causes happen in the order the device produced them.
///
/// Transports (USB, the emulated devices) call `attach`, `feed` and `detach`; clients reach the
/// rest through the socket. Only devices a technician allowed are used. Clear card data lives
/// only inside a capture's `CardSwipe` (zeroizing buffers) until the vault seals it to the back
/// office; then it is wiped. Clients only ever see the masked view.
public actor DeviceManager {
    /// The name `SignaturePayload` knows a running capture by.
    typealias Capture = RunningCapture

    /// Internal (not private) for the printer extension in DeviceManagerPrinters.swift.
    var registry: DeviceRegistry
    private var captures = Captures()
    private var hub = EventHub()
    private let store: KioskStore
    /// Seals captures to the back office and stores them.
    public nonisolated let vault: CaptureVault
    private let logger: Logger
    /// The emulated encrypting reader's DUKPT state (its KSN advances per swipe).
    let secureReader = EmulatedSecureReader()

    public init(store: KioskStore, vault: CaptureVault, logger: Logger, allowEmulated: Bool) {
        self.store = store; self.vault = vault; self.logger = logger
        registry = DeviceRegistry(allowEmulated: allowEmulated)
    }

    // MARK: Connections (event delivery)

    func register(_ id: ConnectionID, output: OutboundQueue) { hub.register(id, output: output) }

    /// Names the handler already checked; an unknown one is skipped.
    func subscribe(_ id: ConnectionID, types: [String]) { hub.subscribe(id, types: types.compactMap(EventType.init(rawValue:))) }

    /// Loads the technician's allow list.
    public func start() async {
        registry.load(allowed: (try? await store.allowedDeviceIDs()) ?? [])
    }

    // MARK: Transports

    func attach(_ info: DeviceInfo, cardDecoder: (any CardReaderDecoder)? = nil, pad: (any PadDecoder)? = nil,
                descriptor: [UInt8]? = nil, printer: (any PrinterChannel)? = nil, emulated: Bool,
                signals: AsyncStream<CaptureSignal>.Continuation? = nil) {
        let info = registry.attach(info, cardDecoder: cardDecoder, pad: pad, descriptor: descriptor, printer: printer,
                                   emulated: emulated, signals: signals)
        logger.info("device attached", metadata: ["device": "\(info.id)", "driver": "\(info.driver)", "allowed": "\(info.allowed)"])
        hub.broadcast(.attached(info))
    }

    func detach(_ id: String) {
        guard let device = registry[id] else { return }
        if let capture = device.capture {
            fail(capture, error: .deviceUnavailable, message: "the \(device.noun) was disconnected; ask staff to check it, then try again")
        }
        guard var gone = registry.remove(id) else { return }
        gone.info.state = .detached
        gone.signals?.finish()
        logger.notice("device detached", metadata: ["device": "\(id)"])
        hub.broadcast(.detached(gone.info))
    }

    /// One input report from a device, in arrival order.
    func feed(_ id: String, report: [UInt8]) async {
        guard var device = registry[id] else { return }
        device.reportsReceived += 1
        device.lastReportAt = Date()
        if var decoder = device.cardDecoder {
            let event = decoder.consume(report: report)
            device.cardDecoder = decoder
            registry[id] = device
            if let event { await cardEvent(event, on: id) }
        } else if var pad = device.pad, let captureID = device.capture, var capture = captures[captureID] {
            guard !capture.isFull else {
                registry[id] = device
                fail(captureID, error: nil, message: "the signature is too long; press Clear and sign again")
                return
            }
            let sample = pad.sample(from: report)
            device.pad = pad
            registry[id] = device
            let progress = capture.record(report: report, sample: sample)
            captures[captureID] = capture
            if let progress { hub.publish(progress, to: capture.owner) }
        } else {
            registry[id] = device
        }
    }

    /// A reader that finishes swipes on an idle gap (keyboard wedge): when no report arrived
    /// for `gap`, the swipe in progress (if any) is completed.
    func flushIdle(_ id: String, after gap: Duration) async {
        guard var device = registry[id], var decoder = device.cardDecoder, let last = device.lastReportAt else { return }
        let seconds = Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18
        guard Date().timeIntervalSince(last) >= seconds else { return }
        let event = decoder.flush()
        device.cardDecoder = decoder
        registry[id] = device
        if let event { await cardEvent(event, on: id) }
    }

    private func cardEvent(_ event: CardReaderEvent, on id: String) async {
        guard let captureID = registry[id]?.capture, let capture = captures[captureID] else {
            // A swipe nobody asked for: its data is wiped at once, never kept.
            if case .swipe(let swipe) = event { swipe.wipe() }
            if case .encryptedSwipe(let swipe) = event { swipe.wipe() }
            logger.notice("swipe with no capture in progress discarded", metadata: ["device": "\(id)"])
            // Subscribers (the front's welcome screen) learn that a card was swiped, nothing more.
            if let info = registry[id]?.info { hub.broadcast(.swipeUnclaimed(info)) }
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
            registry[id]?.decodeFailures += 1
            fail(captureID, error: nil, message: error.description)
        }
    }

    /// Seals the card's plaintext (wiped by the vault) and tells the capture's owner the masked view.
    private func sealCard(_ plaintext: SensitiveBytes, card: MaskedCard, capture: RunningCapture) async {
        let masked = MaskedCardWire(last4: card.last4, first6: card.first6, brand: card.brand.rawValue,
                                    expiry: card.expiry.map { String(format: "%04d-%02d", $0.year, $0.month) },
                                    name: card.cardholderName?.displayName)
        let maskedJSON = (try? JSONEncoder().encode(masked)).map { String(decoding: $0, as: UTF8.self) }
        do {
            _ = try await vault.seal(plaintext, id: capture.id, kind: .card, device: capture.device, masked: maskedJSON)
        } catch {
            let message = (error as? RPCError)?.message ?? "the card could not be stored safely; please try again"
            captures.remove(capture.id)
            hub.publish(.failed(capture: capture.id, kind: .card, message: message, error: nil), to: capture.owner)
            return
        }
        guard captures.remove(capture.id) != nil else { return }  // cancelled meanwhile
        captures.complete(capture.id, owner: capture.owner, kind: .card)
        hub.publish(.cardDone(capture: capture.id, masked: masked), to: capture.owner)
    }

    // MARK: Diagnostics

    func describe(_ id: String) throws -> DescriptorSummary { try registry.present(id).describe() }

    func test(_ id: String) throws -> DeviceTestResult { try registry.present(id).test() }

    // MARK: Clients

    func list() -> [DeviceInfo] { registry.list() }

    func allow(_ id: String, audit: AuditEntry) async throws {
        guard let device = registry[id] else { throw RPCError.app(.notFound, "no device with that id is present; plug it in, then allow it (kioskctl device list shows the ids)") }
        try await persist { try await store.allowDevice(id: id, kind: device.info.kind.rawValue, audit: audit) }
        registry.allow(id)
    }

    func forget(_ id: String, audit: AuditEntry) async throws {
        // Only an id the kiosk knows is audited: a client's free text never reaches the audit log.
        guard registry.isKnown(id) else {
            throw RPCError.app(.notFound, "no device with that id is allowed or present; kioskctl device list shows the ids")
        }
        try await persist { try await store.forgetDevice(id: id, audit: audit) }
        if let device = registry.forget(id), let capture = device.capture {
            fail(capture, error: .deviceUnavailable, message: "this device is no longer allowed on the kiosk")
        }
    }

    private func persist(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            throw RPCError.app(.storageUnavailable, (error as? StoreError)?.description ?? "the kiosk's database cannot be written")
        }
    }

    func beginCapture(_ params: CaptureBeginParams, owner: ConnectionID) async throws -> String {
        if let problem = await vault.missingKeyProblem { throw RPCError.app(.notProvisioned, problem) }
        guard params.kind != .bank else { throw RPCError.invalidParams("invalid params: a bank capture needs its numbers", path: "params.kind") }
        let device = try registry.deviceForCapture(params.kind == .card ? .cardReader : .signaturePad, requested: params.device)
        let id = captures.begin(params.kind, device: device.info.id, owner: owner)
        registry[device.info.id]?.capture = id
        registry[device.info.id]?.info.state = .capturing
        device.signals?.yield(.began(prompt: params.prompt))
        if var decoder = registry[device.info.id]?.cardDecoder {
            decoder.reset()  // nothing typed before the capture began may leak into it
            registry[device.info.id]?.cardDecoder = decoder
        }
        return id
    }

    /// A bank account typed at the kiosk (already checked by the handler): sealed at once, its
    /// masked view sent to `owner` as `capture.done` before the reply. The numbers live only in
    /// the plaintext the vault wipes; nothing else keeps them.
    func beginBankCapture(routing: String, account: String, accountType: String, owner: ConnectionID) async throws -> String {
        if let problem = await vault.missingKeyProblem { throw RPCError.app(.notProvisioned, problem) }
        let last4 = String(account.suffix(4))
        let masked = MaskedCardWire(bankLast4: last4, accountType: accountType, description: PaymentMethodRules.bankDescription(last4: last4))
        let maskedJSON = (try? JSONEncoder().encode(masked)).map { String(decoding: $0, as: UTF8.self) }
        let plaintext = BankCapturePayload.sealed(routing: routing, account: account, accountType: accountType)
        let id = captures.newBankCapture(owner: owner)
        do {
            _ = try await vault.seal(plaintext, id: id, kind: .bank, device: "keypad", masked: maskedJSON)
        } catch {
            captures.forgetCompleted(id)
            throw error
        }
        hub.publish(.bankDone(capture: id, masked: masked), to: owner)
        return id
    }

    /// The customer pressed Done on a signature.
    func finish(_ id: String, owner: ConnectionID) async throws {
        let capture = try captures.owned(id, by: owner)
        guard capture.kind == .signature else {
            throw RPCError.invalidParams("invalid params: a card capture ends when the card is swiped; cancel it instead", path: "params.capture")
        }
        guard capture.signature.pointCount > 0 else {
            throw RPCError.app(.conflict, "nothing has been signed yet; sign on the pad, then press Done")
        }
        end(id)
        let plaintext = SensitiveBytes(SignaturePayload.json(capture, driver: registry[capture.device]?.info.driver ?? "unknown"))
        do {
            _ = try await vault.seal(plaintext, id: id, kind: .signature, device: capture.device, masked: nil)
        } catch {
            captures.remove(id)
            throw error
        }
        guard captures.remove(id) != nil else { return }
        captures.complete(id, owner: owner, kind: .signature)
        hub.publish(.signatureDone(capture: id, points: capture.signature.pointCount, strokes: capture.signature.strokeCount,
                                   preview: SignaturePreview.strokes(capture.signature)), to: owner)
    }

    func cancel(_ id: String, owner: ConnectionID) throws {
        _ = try captures.owned(id, by: owner)
        end(id)
        captures.remove(id)
    }

    /// A client went away: its captures end and their data is wiped.
    func connectionClosed(_ owner: ConnectionID) {
        hub.unregister(owner)
        for capture in captures.connectionClosed(owner) {
            end(capture.id)
            captures.remove(capture.id)
        }
    }

    /// Frees the capture's device (ready again; a pad with a screen is told the capture ended).
    private func end(_ id: String) {
        guard let capture = captures[id] else { return }
        if registry[capture.device]?.capture == id {
            registry[capture.device]?.capture = nil
            registry[capture.device]?.info.state = .ready
            registry[capture.device]?.signals?.yield(.ended)
        }
    }

    private func fail(_ id: String, error: ErrorKind?, message: String) {
        guard let capture = captures[id] else { return }
        end(id)
        captures.remove(id)
        hub.publish(.failed(capture: id, kind: capture.kind, message: message, error: error), to: capture.owner)
    }

    /// Refuses a capture id this connection did not complete (or of the wrong kind).
    func requireOwnCapture(_ id: String, kind: CaptureKind, connection: ConnectionID) throws {
        try captures.requireOwn(id, kind: kind, connection: connection)
    }

    /// Refuses a capture id this connection did not complete or that cannot pay; its kind.
    func requireOwnPayingCapture(_ id: String, connection: ConnectionID, path: String) throws -> CaptureKind {
        try captures.requireOwnPaying(id, connection: connection, path: path)
    }

    /// Finds the device a technician's emulation command is for.
    func emulatedDevice(_ id: String?, kind: DeviceInfo.Kind) throws -> String {
        try registry.emulatedDevice(id, kind: kind)
    }
}
