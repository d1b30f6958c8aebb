import Crypto
import Foundation
import XCTest
@testable import KioskCrypto

final class SealingTests: XCTestCase {
    let context = CaptureContext(kind: .card, device: "usb:1-2", kiosk: "lumber-yard-1", capturedAt: "2026-11-26T10:00:00Z")

    func testRoundTrip() throws {
        let key = BackOfficePrivateKey.generate()
        let plaintext = Data(#"{"track2":";4111111111111111=28041010000000000000?"}"#.utf8)
        let sealed = try CaptureSealer(recipient: key.publicKey).seal(plaintext, context: context)
        XCTAssertEqual(sealed.keyID, key.id)
        XCTAssertEqual(sealed.encapsulatedKey.count, 32)
        XCTAssertEqual(sealed.ciphertext.count, plaintext.count + 16)
        XCTAssertEqual(try CaptureOpener(privateKey: key).open(sealed), plaintext)
        // Through JSON, as stored and relayed.
        let reread = try SealedCapture.decode(json: sealed.json)
        XCTAssertEqual(reread, sealed)
        XCTAssertEqual(try CaptureOpener(privateKey: key).open(reread), plaintext)
    }

    func testEachSealIsFresh() throws {
        let key = BackOfficePrivateKey.generate()
        let a = try CaptureSealer(recipient: key.publicKey).seal(Data("same".utf8), context: context)
        let b = try CaptureSealer(recipient: key.publicKey).seal(Data("same".utf8), context: context)
        XCTAssertNotEqual(a.encapsulatedKey, b.encapsulatedKey)
        XCTAssertNotEqual(a.ciphertext, b.ciphertext)
    }

    func testEveryFlippedCiphertextOrKeyBitFails() throws {
        let key = BackOfficePrivateKey.generate()
        let sealed = try CaptureSealer(recipient: key.publicKey).seal(Data("card data".utf8), context: context)
        let opener = CaptureOpener(privateKey: key)
        for bit in 0..<(sealed.ciphertext.count * 8) {
            var ct = sealed.ciphertext
            ct[bit / 8] ^= UInt8(1 << (bit % 8))
            let tampered = SealedCapture(keyID: sealed.keyID, context: sealed.context, encapsulatedKey: sealed.encapsulatedKey, ciphertext: ct)
            XCTAssertThrowsError(try opener.open(tampered), "ciphertext bit \(bit)") { XCTAssertEqual($0 as? SealingError, .openFailed) }
        }
        for bit in 0..<(sealed.encapsulatedKey.count * 8) {
            var enc = sealed.encapsulatedKey
            enc[bit / 8] ^= UInt8(1 << (bit % 8))
            let tampered = SealedCapture(keyID: sealed.keyID, context: sealed.context, encapsulatedKey: enc, ciphertext: sealed.ciphertext)
            XCTAssertThrowsError(try opener.open(tampered), "enc bit \(bit)")
        }
    }

    func testEveryContextFieldIsBound() throws {
        let key = BackOfficePrivateKey.generate()
        let sealed = try CaptureSealer(recipient: key.publicKey).seal(Data("sig".utf8), context: context)
        let opener = CaptureOpener(privateKey: key)
        var variants: [CaptureContext] = []
        var c = context; c.kind = .signature; variants.append(c)
        c = context; c.device = "usb:1-3"; variants.append(c)
        c = context; c.kiosk = "lumber-yard-2"; variants.append(c)
        c = context; c.capturedAt = "2026-11-26T10:00:01Z"; variants.append(c)
        for changed in variants {
            let moved = SealedCapture(keyID: sealed.keyID, context: changed, encapsulatedKey: sealed.encapsulatedKey, ciphertext: sealed.ciphertext)
            XCTAssertThrowsError(try opener.open(moved)) { XCTAssertEqual($0 as? SealingError, .openFailed) }
        }
        // Every bit of the JSON envelope: either it no longer decodes, or it no longer opens.
        let json = sealed.json
        var opened = 0
        for bit in 0..<(json.count * 8) {
            var bytes = json
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            if let env = try? SealedCapture.decode(json: bytes), (try? opener.open(env)) != nil {
                // Only changes that decode to the same envelope (e.g. base64 bits that do not count) may open.
                XCTAssertEqual(env, sealed, "bit \(bit) changed the envelope yet it opened")
                opened += 1
            }
        }
        XCTAssertLessThan(opened, 16, "only a few base64 padding bits may be ignored")
    }

    func testWrongKeyFails() throws {
        let key = BackOfficePrivateKey.generate(id: try KeyID("bo-1"))
        let other = BackOfficePrivateKey.generate(id: try KeyID("bo-1"))
        let sealed = try CaptureSealer(recipient: key.publicKey).seal(Data("x".utf8), context: context)
        XCTAssertThrowsError(try CaptureOpener(privateKey: other).open(sealed)) { XCTAssertEqual($0 as? SealingError, .openFailed) }
        let renamed = BackOfficePrivateKey(id: try KeyID("bo-2"), key: key.key)
        XCTAssertThrowsError(try CaptureOpener(privateKey: renamed).open(sealed)) {
            XCTAssertEqual($0 as? SealingError, .keyMismatch(envelope: "bo-1", key: "bo-2"))
            XCTAssertTrue(String(describing: $0).contains("open it with that key"))
        }
    }

    func testKeyFilesRoundTripAndRefuseTheWrongKind() throws {
        let key = BackOfficePrivateKey.generate()
        let pub = try BackOfficePublicKey(fileContents: key.publicKey.fileContents)
        XCTAssertEqual(pub, key.publicKey)
        let priv = try BackOfficePrivateKey(fileContents: key.fileContents)
        XCTAssertEqual(priv.key.rawRepresentation, key.key.rawRepresentation)
        XCTAssertThrowsError(try BackOfficePublicKey(fileContents: key.fileContents)) {
            XCTAssertEqual($0 as? SealingError, .wrongKeyFileKind(expected: "public key", found: "private key"))
        }
        XCTAssertThrowsError(try BackOfficePrivateKey(fileContents: key.publicKey.fileContents))
        // The public key file never contains the private key.
        let privateB64 = key.key.rawRepresentation.base64EncodedString()
        XCTAssertFalse(String(decoding: key.publicKey.fileContents, as: UTF8.self).contains(privateB64))
    }

    func testMalformedKeyFilesGetASentence() {
        let cases: [String] = [
            "", "not json", "[]", #"{"kioskpay":"backoffice-public-key"}"#,
            #"{"kioskpay":"something-else","version":1,"key_id":"a","kem":"X25519","public_key":"AAAA"}"#,
            #"{"kioskpay":"backoffice-public-key","version":2,"key_id":"a","kem":"X25519","public_key":"AAAA"}"#,
            #"{"kioskpay":"backoffice-public-key","version":1,"key_id":"a","kem":"P-256","public_key":"AAAA"}"#,
            #"{"kioskpay":"backoffice-public-key","version":1,"key_id":"a","kem":"X25519","public_key":"AAAA"}"#,
            #"{"kioskpay":"backoffice-public-key","version":1,"key_id":"a b","kem":"X25519","public_key":"\#(Data(count: 32).base64EncodedString())"}"#,
            #"{"kioskpay":"backoffice-public-key","version":1,"key_id":"","kem":"X25519","public_key":"\#(Data(count: 32).base64EncodedString())"}"#,
            String(repeating: " ", count: 5000),
        ]
        for text in cases {
            XCTAssertThrowsError(try BackOfficePublicKey(fileContents: Data(text.utf8)), text) { error in
                let sentence = String(describing: error)
                XCTAssertTrue(sentence.hasSuffix("."), sentence)
                XCTAssertGreaterThan(sentence.count, 20)
            }
        }
    }

    func testMalformedEnvelopesGetASentence() throws {
        let key = BackOfficePrivateKey.generate()
        let sealed = try CaptureSealer(recipient: key.publicKey).seal(Data("x".utf8), context: context)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: sealed.json) as? [String: Any])
        object["version"] = 7
        let future = try JSONSerialization.data(withJSONObject: object)
        XCTAssertThrowsError(try SealedCapture.decode(json: future)) { XCTAssertEqual($0 as? SealingError, .unsupportedVersion(7)) }
        for field in ["enc", "ciphertext", "suite", "key_id", "kind", "device", "kiosk", "captured_at", "kioskpay"] {
            var o = try XCTUnwrap(JSONSerialization.jsonObject(with: sealed.json) as? [String: Any])
            o[field] = nil
            XCTAssertThrowsError(try SealedCapture.decode(json: try JSONSerialization.data(withJSONObject: o)), field) {
                guard case .malformedEnvelope = $0 as? SealingError else { return XCTFail("\($0)") }
            }
        }
        var o = try XCTUnwrap(JSONSerialization.jsonObject(with: sealed.json) as? [String: Any])
        o["enc"] = "%%%"
        XCTAssertThrowsError(try SealedCapture.decode(json: try JSONSerialization.data(withJSONObject: o)))
        o["enc"] = Data(count: 5).base64EncodedString()
        let short = try SealedCapture.decode(json: try JSONSerialization.data(withJSONObject: o))
        XCTAssertThrowsError(try CaptureOpener(privateKey: key).open(short)) {
            guard case .malformedEnvelope = $0 as? SealingError else { return XCTFail("\($0)") }
        }
        for junk in ["", "{", "null", "[1,2]", "\u{0}"] {
            XCTAssertThrowsError(try SealedCapture.decode(json: Data(junk.utf8)))
        }
    }

    func testRotationKeepsTheKeyIDOfEachCapture() throws {
        let old = BackOfficePrivateKey.generate(id: try KeyID("bo-2025"))
        let new = BackOfficePrivateKey.generate(id: try KeyID("bo-2026"))
        let before = try CaptureSealer(recipient: old.publicKey).seal(Data("a".utf8), context: context)
        let after = try CaptureSealer(recipient: new.publicKey).seal(Data("b".utf8), context: context)
        XCTAssertEqual(before.keyID.rawValue, "bo-2025")
        XCTAssertEqual(after.keyID.rawValue, "bo-2026")
        XCTAssertEqual(try CaptureOpener(privateKey: old).open(before), Data("a".utf8))
        XCTAssertEqual(try CaptureOpener(privateKey: new).open(after), Data("b".utf8))
    }

    func testContextLimits() throws {
        let key = BackOfficePrivateKey.generate()
        var c = context; c.device = ""
        XCTAssertThrowsError(try CaptureSealer(recipient: key.publicKey).seal(Data(), context: c))
        c = context; c.kiosk = String(repeating: "k", count: 300)
        XCTAssertThrowsError(try CaptureSealer(recipient: key.publicKey).seal(Data(), context: c))
    }

    func testSignatureBindingChangesWithEveryField() {
        let base = SignatureBinding(paymentID: "T7K2", account: "1001", amount: 12345, currency: "USD",
                                    termsSHA256: String(repeating: "a", count: 64), signatureSHA256: String(repeating: "b", count: 64),
                                    signedAt: "2026-11-26T10:00:00Z")
        var digests: Set<String> = [base.digest]
        var b = base; b.paymentID = "T7K3"; digests.insert(b.digest)
        b = base; b.account = "1002"; digests.insert(b.digest)
        b = base; b.amount = 12346; digests.insert(b.digest)
        b = base; b.currency = "CAD"; digests.insert(b.digest)
        b = base; b.termsSHA256 = String(repeating: "c", count: 64); digests.insert(b.digest)
        b = base; b.signatureSHA256 = String(repeating: "d", count: 64); digests.insert(b.digest)
        b = base; b.signedAt = "2026-11-26T10:00:01Z"; digests.insert(b.digest)
        // Moving a character between adjacent fields must not collide (length prefixes).
        b = base; b.paymentID = "T7K21"; b.account = "001"; digests.insert(b.digest)
        XCTAssertEqual(digests.count, 9)
        XCTAssertEqual(base.digest.count, 64)
    }
}
