import Crypto
import Foundation
import KioskCrypto

/// Seal and open cost per capture, as ratios to a bare AES-256-GCM seal/open of the same
/// plaintext with a fixed key (the symmetric floor HPKE adds a key agreement to).
func sealingBench(_ size: BenchSize) async throws -> [BenchFigure] {
    var figures: [BenchFigure] = []
    let clock = ContinuousClock()
    let key = BackOfficePrivateKey.generate()
    let sealer = CaptureSealer(recipient: key.publicKey)
    let opener = CaptureOpener(privateKey: key)
    let context = CaptureContext(kind: .card, device: "serial:BENCH", kiosk: "bench", capturedAt: "2026-11-26T10:00:00Z")
    let card = Data(#"{"format":"kioskpay-card","version":1,"source":"reader_clear","driver":"magtek-hid","track1":"%B4111111111111111^DOE/JOHN^28121010000000000000?","track2":";4111111111111111=28121010000000000000?","luhn_valid":true,"lrc_checked":false,"masked":{"first6":"411111","last4":"1111","brand":"visa","expiry":"2028-12","name":"JOHN DOE"}}"#.utf8)
    let signature = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })  // ~a 30 s signature's payload
    for (label, plaintext, rounds) in [("card capture (\(card.count) B)", card, size.count(5_000, smoke: 50)), ("signature (\(signature.count / 1000) kB)", signature, size.count(200, smoke: 5))] {
        let symmetricKey = SymmetricKey(size: .bits256)
        var boxes: [AES.GCM.SealedBox] = []
        let aesSeal = try clock.measure { for _ in 0..<rounds { boxes.append(try AES.GCM.seal(plaintext, using: symmetricKey)) } }
        let aesOpen = try clock.measure { for box in boxes { _ = try AES.GCM.open(box, using: symmetricKey) } }
        var sealed: [SealedCapture] = []
        let seal = try clock.measure { for _ in 0..<rounds { sealed.append(try sealer.seal(plaintext, context: context)) } }
        let open = try clock.measure { for s in sealed { _ = try opener.open(s) } }
        func us(_ d: Duration) -> Double { seconds(d) * 1e6 / Double(rounds) }
        figures.append(BenchFigure("seal a \(label)", us(seal), "µs", reference: "AES-GCM alone", referenceValue: us(aesSeal)))
        figures.append(BenchFigure("open a \(label)", us(open), "µs", reference: "AES-GCM alone", referenceValue: us(aesOpen)))
    }
    return figures
}
