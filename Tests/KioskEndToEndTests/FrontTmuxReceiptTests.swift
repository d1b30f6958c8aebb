import Foundation
import KioskDevices
import KioskFixtures
import Testing

/// The walk-through of issue 17: a customer pays at the real `kiosk-front` (under tmux) against
/// the real `kioskd --demo`, runs under the USB test bed with an Epson TM-T20II-like printer
/// (Tests/Fixtures/usb/printer-receipt.json), and presses P: the emulated printer's bulk OUT
/// endpoint receives exactly the receipt's ESC/POS bytes, between the status requests kioskd
/// sends before and after each chunk.
@Suite("kiosk-front under tmux: receipt printer", .serialized, .enabled(if: USBTestBed.available, "umockdev is not installed"))
struct FrontTmuxReceiptTests {
    static let printer = "serial:TMT20-0001"
    static let statusRequests: [UInt8] = [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4]

    /// The receipt bytes out of what the printer received: the status requests kioskd sends
    /// before the first chunk and after each one are checked and taken out.
    static func receiptBytes(_ received: [UInt8], chunk: Int = 512) -> [UInt8]? {
        var rest = received[...]
        var out: [UInt8] = []
        guard rest.starts(with: statusRequests) else { return nil }
        rest = rest.dropFirst(statusRequests.count)
        while !rest.isEmpty {
            // A chunk is `chunk` bytes, or fewer for the last, then the status requests again.
            let size = min(chunk, rest.count - statusRequests.count)
            guard size > 0 else { return nil }
            out += rest.prefix(size)
            rest = rest.dropFirst(size)
            guard rest.starts(with: statusRequests) else { return nil }
            rest = rest.dropFirst(statusRequests.count)
        }
        return out
    }

    @Test("pay 2001's balance, press P: 'Your receipt is printed', and the printer got exactly the receipt's bytes")
    func printAfterPaying() throws {
        let record = try makeScratchDirectory("receipt-record")
        let daemon = try DaemonProcess(label: "front-receipt", configExtra: "[receipt]\naddress = [\"5 River Rd\"]\nfooter = [\"Thank you!\"]",
                                       extraArguments: ["--demo"],
                                       wrapper: [Products.usbHarness, "--record", record, FixtureFiles.path("usb/printer-receipt.json"), "--"])
        defer { daemon.stop() }
        let tech = try daemon.client()
        _ = try USBDaemonTests().waitFor(tech, Self.printer) { $0?["kind"] as? String == "receipt_printer" }
        #expect(try tech.call("device.allow", params: ["id": Self.printer], id: 2).error == nil)

        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signIn(account: "2001", pin: "2468", greeting: "Total")
        try front.keys("1")
        try front.waitFor("Amount to pay:")
        try front.type("9.99")
        try front.keys("Enter")
        try front.waitFor("Waiting for your signature")
        try front.keys("d")
        try front.waitFor("points signed")
        try front.keys("Enter")
        try front.waitFor("I agree")
        try front.keys("Space", "Enter")
        try front.waitFor("Press Enter to pay now")
        try front.keys("Enter")
        let done = try front.waitFor("P Print a receipt")
        let id = String(try #require(done.firstMatch(of: /Payment number \(temporary\): (\w+)/)).1)
        try front.keys("p")
        try front.waitFor("Your receipt is printed. Please take it.")
        try front.saveScreen("receipt-printed")
        #expect(try !front.screen().contains("P Print a receipt"), "one receipt per payment from the front")

        let received = Array(try Data(contentsOf: URL(fileURLWithPath: record + "/printer.out")))
        let receipt = try #require(Self.receiptBytes(received), "status requests around every chunk: \(received.count) bytes")
        // The receipt as the encoder makes it from what the kiosk knows of this payment.
        let payments = try tech.call("payments.list", params: ["account": "2001"], id: 3).result["payments"] as? [[String: Any]] ?? []
        let created = try #require(payments.first { $0["id"] as? String == id }?["created_at"] as? String, "\(payments)")
        let expected = ESCPOSEncoder.receipt(Receipt(
            storeName: "Riverside Yard", addressLines: ["5 River Rd"], printedAt: Self.localTime(created),
            account: "2001 Harbor Farm Supply", job: nil, paymentID: id, amount: "$9.99", method: "MASTERCARD •••• 4444",
            invoices: [Receipt.Invoice(number: "On account", amount: "$9.99")], stateLine: Receipt.pendingApproval,
            footerLines: ["Thank you!"]), codePage: .cp858)
        #expect(receipt == expected, "the printer received:\n\(String(decoding: receipt.map { $0 < 0x20 || $0 > 0x7E ? 0x2E : $0 }, as: UTF8.self))")
        #expect(String(decoding: receipt, as: UTF8.self).range(of: #"\d{13,19}"#, options: .regularExpression) == nil, "no long digit run")
        try front.keys("Enter")
        try front.waitFor("Type your account number")
    }

    /// An RFC 3339 instant as the branch's clock shows it (America/Chicago in the demo).
    static func localTime(_ wire: String) -> String {
        let parse = ISO8601DateFormatter()
        guard let date = parse.date(from: wire) else { return wire }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: DemoStore.timeZoneIdentifier)
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }
}
