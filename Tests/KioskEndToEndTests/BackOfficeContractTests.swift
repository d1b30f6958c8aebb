import Foundation
import Testing

/// `kiosk-backoffice serve` reads every POST with the contract's types: a body that does not
/// fit is refused with a 400 whose detail names the field, nothing is recorded, and the kiosk
/// (which retries nothing but 408/425/429/5xx) makes such an entry dead for a manager to see.
@Suite("Reference back office: bodies that do not fit the contract", .serialized,
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
struct BackOfficeContractTests {
    func post(_ office: BackOfficeProcess, _ path: String, _ body: String, topic: String? = nil, key: String) throws -> (status: Int, body: String) {
        let token = try String(contentsOfFile: office.tokenFile, encoding: .utf8)
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(token)",
                         "-H", "Idempotency-Key: \(key)", "-H", "Content-Type: application/json", "--data-binary", body]
        if let topic { arguments += ["-H", "Kiosk-Topic: \(topic)"] }
        let out = try runProcess("/usr/bin/curl", arguments + ["http://127.0.0.1:\(office.port)/v1/kiosks/yard-7/\(path)"]).stdout
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    @Test("a payment or an outcome missing a member is refused naming it; a fitting outcome is accepted and mirrored")
    func misfitsRefused() throws {
        let office = try BackOfficeProcess(label: "bo-contract")
        defer { office.stop() }
        try office.start()

        let payment = try post(office, "payments", #"{"payment":"K7M2QX","amount":100}"#, key: "k1")
        #expect(payment.status == 400, "\(payment)")
        #expect(payment.body.contains("Not a payment") && payment.body.contains(#"the field \"kiosk\" is missing"#), "\(payment.body)")
        #expect(try office.sql("SELECT count(*) FROM payment") == "0")

        let outcome = try post(office, "notifications", #"{"payment":"K7M2QX","by":"kiosk"}"#, topic: "payment.outcome", key: "k2")
        #expect(outcome.status == 400 && outcome.body.contains(#"the field \"state\" is missing"#), "\(outcome)")
        let receipt = try post(office, "notifications", #"{"payment":"K7M2QX"}"#, topic: "receipt", key: "k3")
        #expect(receipt.status == 400 && receipt.body.contains("Not a receipt"), "\(receipt)")
        #expect(try office.sql("SELECT count(*) FROM message") == "0")

        let fits = try post(office, "notifications", #"{"payment":"K7M2QX","state":"deleted","by":"kiosk"}"#, topic: "payment.outcome", key: "k4")
        #expect(fits.status == 202 && fits.body == #"{"accepted":true}"#, "\(fits)")
    }
}
