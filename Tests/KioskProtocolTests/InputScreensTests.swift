import Foundation
import Testing
@testable import KioskProtocol

/// The screens every request goes through (issue 11, points 7 and 9): control characters are
/// refused with the parameter's path, decoding errors name their path, and no sentence the
/// daemon writes carries a client's card data.
@Suite("Input screens")
struct InputScreensTests {
    static let track1 = "%B4111111111111111^DOE/JOHN^28121010000000000000?"
    static let track2 = ";4111111111111111=28121010000000000000?"

    @Test("card data is recognised: PAN runs, spaced PANs, track sentinels, PAN=expiry, ^NAME^expiry")
    func cardData() {
        for text in [Self.track1, Self.track2, "4111111111111111", "378282246310005", "601100099990",
                     "card 4111 1111 1111 1111 ok", "4111-1111-1111-1111", "%B4111^DOE/JOHN^2812?", ";4111=2812?",
                     "x4111=2812", "^DOE/JOHN^2812", "no account 4111111111111111 on this kiosk"] {
            #expect(CardDataPattern.appears(in: text), "\(text)")
        }
        for text in ["C10001", "1001", "payment P-7F3A2B", "10,000,000,000,000 minor units", "16777216 bytes",
                     "2026-12-01T21:46:57Z", "a; b = c", "100% sure", "12345678901", "fingerprint ab:cd:12:34",
                     "Sign for $123.45", "x ^ y", ""] {
            #expect(!CardDataPattern.appears(in: text), "\(text)")
        }
    }

    func violation(_ json: String, lineBreaks: Set<String> = []) -> ControlCharacterScreen.Violation? {
        ControlCharacterScreen.firstViolation(in: Data(json.utf8), root: "params", lineBreaks: lineBreaks)
    }

    @Test("a control character in any string parameter is found and named by its path")
    func controlCharacters() {
        #expect(violation(#"{"jsonrpc":"2.0","id":1,"method":"account.get","params":{"account":"C10001\u0000x"}}"#)?.path == "params.account")
        #expect(violation(#"{"id":1,"params":{"invoices":["a","b\u001fc"]}}"#)?.path == "params.invoices[1]")
        #expect(violation(#"{"id":1,"params":{"method":{"capture":"K1\n"}}}"#)?.path == "params.method.capture")
        #expect(violation(#"{"id":1,"params":{"a":"x\u007F"}}"#)?.scalar == 0x7F)
        #expect(violation("{\"id\":1,\"params\":{\"a\":\"x\u{85}\"}}")?.scalar == 0x85)  // C1, raw UTF-8
        #expect(violation("{\"id\":1,\"params\":{\"a\":\"x\u{01}\"}}")?.scalar == 0x01)  // raw, not escaped
        #expect(violation(#"{"id":1,"params":"\t"}"#)?.path == "params")
        let key = violation(#"{"id":1,"params":{"acc\u0000":"1"}}"#)
        #expect(key?.inMemberName == true && key?.path == "params")
        // A member name that is not a plain word is never repeated in the path.
        #expect(violation(#"{"id":1,"params":{"4111111111111111":"\u0000"}}"#)?.path == "params.*")
        // Outside params (the id, the method) is not this screen's business; clean text passes.
        #expect(violation(#"{"id":"a\u0000","method":"x\n","params":{"a":"é\u00e9\/\"\\"}}"#) == nil)
        #expect(violation(#"{"id":1,"params":{"a":"\ud83d\ude00 ok","b":[1,2.5,{"c":"d"}]}}"#) == nil)
    }

    @Test("line breaks pass only where a parameter is wrapped text, and NUL never does")
    func lineBreaks() {
        let pem = #"{"id":1,"params":{"public_key":"{\n\t\"kioskpay\": 1\r\n}"}}"#
        #expect(violation(pem) != nil)
        #expect(violation(pem, lineBreaks: ["params.public_key"]) == nil)
        #expect(violation(#"{"id":1,"params":{"public_key":"a\u0000"}}"#, lineBreaks: ["params.public_key"])?.scalar == 0)
        #expect(violation(#"{"id":1,"params":{"reports":["00\n01","02\t03"]}}"#, lineBreaks: ["params.reports[]"]) == nil)
        #expect(Methods.provisionBackofficeKey.lineBreakParams == ["params.public_key"])
        #expect(Methods.sessionBegin.lineBreakParams.isEmpty)
    }

    @Test("a document screened from its root names paths from there")
    func documentRoot() {
        let doc = Data(#"{"format":"kioskpay.sync.v1","branches":[{"terms":"a\nb"}],"accounts":[{"name":"x\u0000"}]}"#.utf8)
        #expect(ControlCharacterScreen.firstViolation(in: doc, root: nil, lineBreaks: Methods.syncDocumentLineBreaks)?.path == "accounts[0].name")
    }

    struct Params: Decodable { var account: String?; var job: Int?; var strokes: [[Double]]?; var flag: Bool? }

    func decodeError(_ request: String) -> RPCError? {
        let data = Data(request.utf8)
        do { _ = try JSONDecoder().decode(RPCParams<Params>.self, from: data); return nil } catch let error as DecodingError {
            return RPCError.invalidParams(decoding: error, request: data, as: Params.self)
        } catch { return nil }
    }

    @Test("wrong types are -32602 naming the path, also where Foundation names none")
    func wrongTypes() {
        let cases: [(String, String, String)] = [
            (#"{"params":{"account":12}}"#, "params.account", "expected a string"),
            (#"{"params":{"job":"x"}}"#, "params.job", "expected a whole number"),
            (#"{"params":{"flag":1}}"#, "params.flag", "expected true or false"),
            (#"{"params":"x"}"#, "params", "expected an object"),
            (#"{"params":{"strokes":[[0.5, 0.25]],"job":1.5}}"#, "params.job", "expected a whole number"),
            (#"{"params":{"job":1e400}}"#, "params.job", "out of range"),
            (#"{"params":{"job":99999999999999999999}}"#, "params.job", "out of range"),
            (#"{"params":{"account":"\ud800"}}"#, "params.account", "Unicode"),
            (#"{"params":{"strokes":[["x"]]}}"#, "params.strokes[0][0]", "expected a number"),
        ]
        for (request, path, hint) in cases {
            let error = decodeError(request)
            #expect(error?.code == -32602, "\(request)")
            #expect(error?.data?.path == path, "\(request) → \(String(describing: error))")
            #expect(error?.message.contains(hint) == true, "\(request) → \(String(describing: error))")
            #expect(error?.message.contains("not valid JSON") == false)
        }
        #expect(decodeError(#"{"params":{"job":2.0,"strokes":[[0.5]]}}"#) == nil)
    }

    @Test("no error sentence carries card data: the method name is not repeated, the last guard rewrites")
    func noEcho() {
        #expect(!RPCError.methodNotFound(Self.track1).message.contains("4111"))
        let leaky = RPCError.app(.notFound, "no account \(Self.track1) on this kiosk")
        #expect(!CardDataPattern.appears(in: leaky.withoutCardData().message))
        #expect(leaky.withoutCardData().kind == .notFound)
        let path = RPCError.invalidParams("invalid params", path: "params.4111111111111111").withoutCardData()
        #expect(path.data?.path == "params")
        let clean = RPCError.app(.conflict, "payment P-1 is pending")
        #expect(clean.withoutCardData() == clean)
        #expect(RPCID.string(Self.track2).mightBeCardData && RPCID.number(4_111_111_111_111_111).mightBeCardData)
        #expect(!RPCID.number(42).mightBeCardData && !RPCID.string("r1").mightBeCardData)
        #expect(RPCID.string("a\u{0}").hasControlCharacter)
    }
}
