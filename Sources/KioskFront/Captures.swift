import Foundation
import KioskProtocol

/// Swipe and signature: captures on kioskd's devices, followed through their events.
extension FrontState {
    /// The demo card (a standard test number): sent to the emulated reader only, never drawn.
    static let demoTracks = EmulateSwipeParams(track1: "%B4111111111111111^DEMO/CARD^28121010000000000000?",
                                               track2: ";4111111111111111=28121010000000000000?")

    /// A demo signature: two loops and a flourish, in pad coordinates 0…1.
    public static let demoStrokes: [[[Double]]] = {
        var loop: [[Double]] = []
        for i in 0...40 {
            let t = Double(i) / 40 * 4 * Double.pi
            loop.append([0.08 + 0.5 * Double(i) / 40 + 0.06 * cos(t), 0.5 + 0.25 * sin(t), 0.6])
        }
        let flourish: [[Double]] = (0...20).map { i in
            let x = 0.6 + 0.35 * Double(i) / 20
            return [x, 0.55 - 0.2 * sin(Double(i) / 20 * Double.pi), 0.5]
        }
        return [loop, flourish]
    }()

    mutating func beginSignature() -> [Effect] {
        screen = .signature(SignatureModel())
        let prompt = autopaySigning != nil ? Self.padPrompt("Sign to authorize autopay")
            : Self.padPrompt("Sign for \(format.money(draft.total, "USD" == draft.currency ? "USD" : draft.currency))")
        return [send(.captureSignature, Methods.deviceCaptureBegin, CaptureBeginParams(kind: .signature, prompt: prompt))]
    }

    /// Pads with a screen accept only A–Z a–z 0–9 space $ . , : (40 at most).
    static func padPrompt(_ text: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $.,:")
        let kept = String(text.map { allowed.contains($0) ? $0 : " " }.prefix(40)).trimmingCharacters(in: .whitespaces)
        return kept.isEmpty ? nil : kept
    }

    mutating func swipeKey(_ key: Key, _ model: inout SwipeModel) -> [Effect] {
        defer { if case .swipe = screen { screen = .swipe(model) } }
        switch key {
        case .escape:
            screen = .pay(payModelAgain())
            return model.capture.map { [send(.captureCancel, Methods.deviceCaptureCancel, CaptureRef(capture: $0))] } ?? []
        case .enter where model.phase == .read:
            return beginSignature()
        case .char("v"), .char("V"), .function(3):
            guard model.phase == .read, let capture = model.capture, draft.savedCapture != capture else { return [] }
            return openSaveMethod(capture: capture, bank: false, masked: model.masked ?? "")
        case .enter where model.phase == .failed:
            model = SwipeModel()
            return [send(.captureCard, Methods.deviceCaptureBegin, CaptureBeginParams(kind: .card))]
        case .function(9), .char("s"), .char("S"):
            guard config.demo, model.phase == .waiting else { return [] }
            return [send(.emulate, Methods.deviceEmulateSwipe, Self.demoTracks)]
        default: return []
        }
    }

    mutating func signatureKey(_ key: Key, _ model: inout SignatureModel) -> [Effect] {
        guard !model.finishing else { return [] }
        defer { if case .signature = screen { screen = .signature(model) } }
        switch key {
        case .escape:
            if autopaySigning != nil { autopayBackToEditor(message: nil) } else { screen = .pay(payModelAgain()) }
            return model.capture.map { [send(.captureCancel, Methods.deviceCaptureCancel, CaptureRef(capture: $0))] } ?? []
        case .char("c"), .char("C"), .function(6):
            var effects: [Effect] = model.capture.map { [send(.captureCancel, Methods.deviceCaptureCancel, CaptureRef(capture: $0))] } ?? []
            effects += beginSignature()
            return effects
        case .enter, .function(10):
            guard let capture = model.capture else { return [] }
            guard model.points > 0 else { model.message = Self.signFirst; return [] }
            model.finishing = true
            return [send(.captureFinish, Methods.deviceCaptureFinish, CaptureRef(capture: capture))]
        case .function(9), .char("d"), .char("D"):
            guard config.demo, model.capture != nil else { return [] }
            return [send(.emulate, Methods.deviceEmulateSign, EmulateSignParams(strokes: Self.demoStrokes))]
        default: return []
        }
    }

    private func payModelAgain() -> PayModel {
        var model = PayModel()
        model.cards = cards(for: draft.job)
        model.choice = model.cards.count
        if session?.balanceForward == true {
            model.askAmount = true
            model.maximum = session?.balances?.total ?? 0
            let digits = LocaleFormat.fractionDigits(draft.currency)
            model.amountEntry = draft.amount.map { AmountEntry(minor: $0, fractionDigits: digits) } ?? AmountEntry(fractionDigits: digits)
        }
        return model
    }

    mutating func captureReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch (screen, purpose, result) {
        case (.swipe(var model), .captureCard, .success(let data)):
            model.capture = Wire.decode(CaptureRef.self, data)?.capture
            model.phase = model.capture == nil ? .failed : .waiting
            screen = .swipe(model)
        case (.swipe(var model), _, .failure(let failure)):
            model.phase = .failed
            model.message = Self.deviceMessage(failure, device: "card reader")
            screen = .swipe(model)
        case (.signature(var model), .captureSignature, .success(let data)):
            model.capture = Wire.decode(CaptureRef.self, data)?.capture
            screen = .signature(model)
        case (.signature(var model), _, .failure(let failure)):
            model.finishing = false
            model.message = failure.kind == ErrorKind.conflict.rawValue ? Self.signFirst : Self.deviceMessage(failure, device: "signature pad")
            screen = .signature(model)
        default: break
        }
        return []
    }

    static let signFirst = "Please sign on the pad first."

    /// A device request that failed, for the customer: what to do, never the device's id or
    /// the technician's command (those are in kioskd's log and `kioskctl device list`).
    static func deviceMessage(_ failure: Failure, device: String) -> String {
        switch failure.kind {
        case ErrorKind.permissionDenied.rawValue?:
            return "Demo keys work only when the front runs as the user who started kioskd --demo."
        case ErrorKind.deviceUnavailable.rawValue?, ErrorKind.notProvisioned.rawValue?:
            return "The \(device) is not available. Please ask a store employee."
        case ErrorKind.busy.rawValue?:
            return "The \(device) is in use. Please wait a moment and try again."
        default:
            return "The \(device) did not answer. Please try again, or ask a store employee."
        }
    }

    /// `capture.*` events for the capture on show; others (stale captures) are ignored.
    mutating func captureEvent(_ event: EventParams) -> [Effect] {
        switch screen {
        case .swipe(var model) where event.capture != nil && event.capture == model.capture:
            switch event.type {
            case "capture.progress": model.phase = .reading
            case "capture.done":
                guard let masked = event.masked else { model.phase = .failed; model.message = "The card could not be read, please swipe again."; break }
                model.phase = .read
                let text = Self.maskedDescription(masked)
                model.masked = text
                draft.cardCapture = model.capture
                draft.methodDescription = text
            case "capture.failed":
                model.phase = .failed
                model.capture = nil
                model.message = Self.failedCapture(event, device: "card reader", fallback: "the card could not be read, please swipe again")
            default: break
            }
            screen = .swipe(model)
        case .signature(var model) where event.capture != nil && event.capture == model.capture:
            switch event.type {
            case "capture.progress":
                model.points = event.points ?? model.points
                if let preview = event.preview { model.strokes = preview }
                // Signing answers "Please sign on the pad first": it goes once there are points.
                if model.points > 0, model.message == Self.signFirst { model.message = nil }
            case "capture.done":
                if autopaySigning != nil, let capture = model.capture { autopaySigned(capture: capture); return [] }
                draft.signature = model.capture
                draft.termsSHA256 = session?.options?.terms.sha256
                screen = .terms(TermsModel(text: session?.options?.terms.text ?? "No terms were provided."))
                return []
            case "capture.failed":
                model.capture = nil
                model.finishing = false
                model.message = Self.failedCapture(event, device: "signature pad", fallback: "the pad stopped") + " Press C to start again."
            default: break
            }
            screen = .signature(model)
        default: break
        }
        return []
    }

    /// "VISA •••• 1111  exp 2028-12": brand, last four and expiry only.
    static func maskedDescription(_ masked: MaskedCardWire) -> String {
        let digits = masked.last4.filter(\.isNumber).suffix(4)
        if masked.brand == nil, masked.accountType != nil { return "ACCOUNT ENDING \(digits)" }
        var text = "\((masked.brand ?? "card").uppercased()) •••• \(digits)"
        if let expiry = masked.expiry { text += "  exp \(expiry.prefix(7))" }
        return text
    }

    /// A `capture.failed` event for the customer: a failure with an error kind (the device
    /// went away, sealing is not provisioned…) gets the front's own sentence, since kioskd's
    /// may be for staff; a reading failure ("please swipe again") keeps kioskd's, written for
    /// the customer.
    static func failedCapture(_ event: EventParams, device: String, fallback: String) -> String {
        if let kind = event.error {
            return deviceMessage(Failure(kind: kind, message: event.message ?? ""), device: device)
        }
        return sentence(event.message ?? fallback)
    }

    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let body = first.uppercased() + text.dropFirst()
        return body.hasSuffix(".") ? body : body + "."
    }
}
