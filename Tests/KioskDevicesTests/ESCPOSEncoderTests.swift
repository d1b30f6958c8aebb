import Foundation
import Testing
@testable import KioskDevices

/// The ESC/POS bytes of receipts and test pages: exact layout, code pages, and that no field can
/// carry a printer command or a card number to the printer.
@Suite("ESC/POS encoder")
struct ESCPOSEncoderTests {
    static let sample = Receipt(
        storeName: "Quincaillerie Dupont", addressLines: ["12 rue des Lilas", "75011 Paris"],
        printedAt: "02/12/2026 20:15", account: "ACME-0042", job: "J-1187", paymentID: "P7K2Q9",
        amount: "EUR 1,234.50", method: "VISA •••• 1111",
        invoices: [Receipt.Invoice(number: "INV-2026-0001", amount: "EUR 1,000.00"),
                   Receipt.Invoice(number: "INV-2026-0002 Replacement of the front door lock", amount: "EUR 234.50")],
        footerLines: ["Thank you!"])

    /// Text as the printer gets it (ASCII only here), then LF.
    static func text(_ line: String) -> [UInt8] { Array(line.utf8) + [0x0A] }

    /// Written from the command reference, line by line; every laid-out line is 42 columns.
    @Test("a sample receipt, byte for byte (PC858, 42 columns)")
    func goldenReceipt() {
        let rule = String(repeating: "-", count: 42)
        let paired = [
            "Date                      02/12/2026 20:15",
            "Account                          ACME-0042",
            "Job                                 J-1187",
            "Payment                             P7K2Q9",
            "Method                      VISA **** 1111",
        ]
        let invoice1 = "INV-2026-0001                 EUR 1,000.00"
        let invoice2 = ["INV-2026-0002 Replacement of the front", "door lock                       EUR 234.50"]
        let total = "Total                         EUR 1,234.50"
        for line in paired + [invoice1, invoice2[1], total, rule] { #expect(line.count == 42, "\(line)") }

        var expected = hexBytes("1B40 1B7413")                      // ESC @, ESC t 19 (PC858)
        expected += hexBytes("1B6101 1B4501 1D2111")                 // centre, bold, double size
        expected += Self.text("Quincaillerie Dupont")
        expected += hexBytes("1D2100 1B4500")                        // normal size, bold off
        expected += Self.text("12 rue des Lilas") + Self.text("75011 Paris")
        expected += hexBytes("1B6100")                               // left
        expected += Self.text(rule)
        for line in paired { expected += Self.text(line) }
        expected += Self.text(rule)
        expected += Self.text("Invoices paid") + Self.text(invoice1) + Self.text(invoice2[0]) + Self.text(invoice2[1])
        expected += Self.text(rule)
        expected += hexBytes("1B4501") + Self.text(total) + hexBytes("1B4500")
        expected += [0x0A]
        expected += hexBytes("1B6101 1B4501") + Self.text("Pending approval by the store") + hexBytes("1B4500")
        expected += Self.text("Thank you!")
        expected += hexBytes("1B6100 1D564203")                      // left, GS V 66 3: feed and partial cut

        let actual = ESCPOSEncoder.receipt(Self.sample, codePage: .cp858)
        #expect(actual == expected, "first difference at byte \(Array(zip(actual, expected)).firstIndex { $0.0 != $0.1 } ?? min(actual.count, expected.count))")
    }

    @Test("accented names in PC858 and WPC1252; what a page lacks is transliterated or '?'")
    func codePages() {
        var r = Self.sample
        r.storeName = "Boulangerie Müller"
        r.account = "Peña Ça — 你"
        r.amount = "12,50 €"
        let cp858 = ESCPOSEncoder.receipt(r, codePage: .cp858)
        #expect(Array(cp858.prefix(5)) == hexBytes("1B40 1B7413"))
        #expect(cp858.contains(subsequence: Array("Boulangerie M".utf8) + [0x81] + Array("ller".utf8)))
        // ñ 0xA4, Ç 0x80, the em dash has no PC858 glyph: "--"; CJK: "?".
        #expect(cp858.contains(subsequence: [0x50, 0x65, 0xA4, 0x61, 0x20, 0x80, 0x61, 0x20, 0x2D, 0x2D, 0x20, 0x3F]))
        #expect(cp858.contains(subsequence: Array("12,50 ".utf8) + [0xD5]))          // € is 0xD5 in PC858

        let cp1252 = ESCPOSEncoder.receipt(r, codePage: .cp1252)
        #expect(Array(cp1252.prefix(5)) == hexBytes("1B40 1B7410"))
        #expect(cp1252.contains(subsequence: Array("Boulangerie M".utf8) + [0xFC] + Array("ller".utf8)))
        #expect(cp1252.contains(subsequence: [0x50, 0x65, 0xF1, 0x61, 0x20, 0xC7, 0x61, 0x20, 0x97, 0x20, 0x3F]))
        #expect(cp1252.contains(subsequence: Array("12,50 ".utf8) + [0x80]))
        // The mask glyph: WPC1252 has the bullet (0x95); PC858 prints "*".
        #expect(cp1252.contains(subsequence: Array("VISA ".utf8) + [0x95, 0x95, 0x95, 0x95, 0x20] + Array("1111".utf8)))
        // A decomposed "é" (e + combining acute) is composed first, so it prints as one letter.
        #expect(PrinterText.encode("Cafe\u{301}", page: .cp1252) == Array("Caf".utf8) + [0xE9])
    }

    @Test("the test page: code page, accented sample, cut")
    func testPage() {
        let page = ESCPOSEncoder.testPage(printerName: "EPSON TM-T20III", codePage: .cp858)
        var expected = hexBytes("1B40 1B7413 1B6101 1B4501") + Self.text("Printer test") + hexBytes("1B4500")
        expected += Self.text("EPSON TM-T20III") + hexBytes("1B6100") + Self.text(String(repeating: "-", count: 42))
        expected += Self.text("Code page" + String(repeating: " ", count: 17) + "PC858 (ESC t 19)")
        expected += [0x80] + Array("a co".utf8) + [0x96] + Array("te 12,50 ".utf8) + [0xD5] + Array(" -- M".utf8) + [0x81]
            + Array("ller, Pe".utf8) + [0xA4, 0x61, 0x0A]
        expected += Self.text(String(repeating: "-", count: 42)) + hexBytes("1D564203")
        #expect(page == expected)
        let wpc = ESCPOSEncoder.testPage(printerName: "x", codePage: .cp1252)
        #expect(wpc.contains(subsequence: [0xC7, 0x61, 0x20, 0x63, 0x6F, 0xFB]) && wpc.contains(subsequence: hexBytes("1B7410")))
    }

    @Test("DLE EOT requests")
    func statusRequests() {
        #expect(ESCPOSEncoder.statusRequest(.printer) == [0x10, 0x04, 0x01])
        #expect(ESCPOSEncoder.statusRequest(.rollPaperSensor) == [0x10, 0x04, 0x04])
        #expect(ESCPOSEncoder.statusRequests == hexBytes("100401 100402 100403 100404"))
    }

    /// Every text field carries command bytes (ESC @, GS V cut, DLE EOT, DLE ENQ, FS, CAN, DEL,
    /// C1 CSI): the output must hold only the encoder's own commands.
    @Test("no field can inject a printer command")
    func injection() throws {
        let evil = "A\u{1B}@\u{1D}V\u{41}\u{00}\u{10}\u{04}\u{01}\u{10}\u{05}\u{02}\u{1C}p\u{18}\u{7F}\u{9B}2J\u{0C}\u{1B}t\u{01}Z"
        let r = Receipt(storeName: evil, addressLines: [evil, evil], printedAt: evil, account: evil, job: evil,
                        paymentID: evil, amount: evil, method: evil,
                        invoices: [Receipt.Invoice(number: evil, amount: evil)], stateLine: evil, footerLines: [evil])
        for page in PrinterCodePage.allCases {
            let bytes = ESCPOSEncoder.receipt(r, codePage: page)
            let commands = try Self.commands(in: bytes)
            let clean = try Self.commands(in: ESCPOSEncoder.receipt(Self.sample, codePage: page))
            #expect(commands == clean, "the evil receipt has other commands than a clean one")
            #expect(bytes.contains(subsequence: Array("A@VA".utf8)), "the visible characters stay, their control bytes go")
            let test = try Self.commands(in: ESCPOSEncoder.testPage(printerName: evil, codePage: page))
            let cleanTest = try Self.commands(in: ESCPOSEncoder.testPage(printerName: "x", codePage: page))
            #expect(test == cleanTest)
        }
    }

    /// The encoder's command vocabulary, in order; throws at any other control byte.
    static func commands(in bytes: [UInt8]) throws -> [[UInt8]] {
        struct Stray: Error { let offset: Int; let byte: UInt8 }
        var found: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let rest = Array(bytes[i...].prefix(4))
            if b == 0x0A { i += 1; continue }
            if b >= 0x20 && b != 0x7F { i += 1; continue }
            let known: [[UInt8]] = [[0x1B, 0x40], [0x1B, 0x74, 0x13], [0x1B, 0x74, 0x10], [0x1B, 0x61, 0x00], [0x1B, 0x61, 0x01],
                                    [0x1B, 0x45, 0x00], [0x1B, 0x45, 0x01], [0x1D, 0x21, 0x00], [0x1D, 0x21, 0x11], [0x1D, 0x56, 0x42, 0x03]]
            guard let command = known.first(where: { rest.starts(with: $0) }) else { throw Stray(offset: i, byte: b) }
            found.append(command)
            i += command.count
        }
        return found
    }

    @Test("card numbers are masked to their last 4 wherever they are passed")
    func luhnMasking() {
        let pans = ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500 0000 0000 0004",
                    "3782 822463 10005", "6011000990139424", "4000 0000 0000 0000 006"]
        for pan in pans {
            let digits = pan.filter(\.isNumber)
            var r = Self.sample
            r.method = "VISA \(pan)"
            r.account = "acct \(pan) end"
            r.invoices = [Receipt.Invoice(number: "paid with \(pan)", amount: "1")]
            r.footerLines = [pan]
            for page in PrinterCodePage.allCases {
                let bytes = ESCPOSEncoder.receipt(r, codePage: page)
                for line in bytes.split(separator: 0x0A) {
                    let printed = String(decoding: line.filter { (0x30...0x39).contains($0) }, as: UTF8.self)
                    #expect(!printed.contains(String(digits.prefix(8))), "\(pan) reached the printer")
                }
                #expect(bytes.contains(subsequence: Array(" \(digits.suffix(4))".utf8)))
            }
        }
        #expect(PrinterText.maskCardNumbers("pay 4111 1111 1111 1111 now") == "pay •••• 1111 now")
        // Fullwidth digits are digits too (transliteration would make them ASCII).
        #expect(PrinterText.maskCardNumbers("４１１１１１１１１１１１１１１１") == "•••• 1111")
        // Not card numbers: a failed check digit, too short, too long, dates and amounts.
        for kept in ["4111 1111 1111 1112", "4111111111111112", "41111111116", "2026-12-02 20:15", "EUR 1,234.50",
                     "INV-2026-0001", "12345678901234567890123"] {
            #expect(PrinterText.maskCardNumbers(kept) == kept)
        }
        // A PAN beside other digits: only the card number's window goes.
        #expect(PrinterText.maskCardNumbers("job 12 4111 1111 1111 1111 x") == "job 12 •••• 1111 x")
        #expect(PrinterText.luhn([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))
    }

    @Test("long names wrap at words; an amount is never split and stays right-aligned")
    func layout() {
        let long = "Établissements Grand-Père et Fils de la Quincaillerie Centrale"
        var r = Self.sample
        r.storeName = long
        r.invoices = [Receipt.Invoice(number: "A very long invoice description that needs two lines at least", amount: "EUR 99,999,999.99")]
        let bytes = ESCPOSEncoder.receipt(r, codePage: .cp1252)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        // Double-size store name: 21 columns a line.
        #expect(lines.contains(Array("Grand-P".utf8) + [0xE8] + Array("re et Fils de".utf8)))   // exactly 21
        #expect(lines.contains(Array("la Quincaillerie".utf8)) && lines.contains(Array("Centrale".utf8)))
        let amountLine = lines.first { $0.contains(subsequence: Array("EUR 99,999,999.99".utf8)) }!
        #expect(amountLine.count == 42 && amountLine.suffix(17) == Array("EUR 99,999,999.99".utf8)[...])
        for line in lines where !line.contains(0x1B) && !line.contains(0x1D) { #expect(line.count <= 42) }

        #expect(Layout.wrap(Array("abc defgh".utf8), width: 4) == [Array("abc".utf8), Array("defg".utf8), Array("h".utf8)])
        #expect(Layout.pair(Array("Total".utf8), Array("1.00".utf8), width: 12) == [Array("Total   1.00".utf8)])
        #expect(Layout.pair(Array("Longer label".utf8), Array("1.00".utf8), width: 12)
                == [Array("Longer label".utf8), Array("        1.00".utf8)])
        #expect(Layout.pair([], Array("9".utf8), width: 3) == [Array("  9".utf8)])
        #expect(Layout.pair(Array("x".utf8), Array("123456".utf8), width: 4) == [Array("x".utf8), Array("1234".utf8), Array("56".utf8)])
        #expect(Layout.wrap([], width: 10).isEmpty)
    }

    @Test("random text in every field: no crash, no stray control byte")
    func randomFields() throws {
        var rng = SplitMix64(seed: 17)
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", "9", " ", "-", "€", "é", "Ç", "ñ", "—", "你", "\u{1B}", "\u{1D}", "\u{10}",
                                          "\u{04}", "\u{0A}", "\u{00}", "\u{7F}", "\u{85}", "\u{301}", "🙂", "\u{FEFF}", "４"]
        func text() -> String {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...60, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            return String(s)
        }
        for _ in 0..<300 {
            let r = Receipt(storeName: text(), addressLines: [text()], printedAt: text(), account: text(), job: text(),
                            paymentID: text(), amount: text(), method: text(),
                            invoices: [Receipt.Invoice(number: text(), amount: text())], stateLine: text(), footerLines: [text()])
            let columns = Int.random(in: 0...64, using: &rng)
            for page in PrinterCodePage.allCases {
                _ = try Self.commands(in: ESCPOSEncoder.receipt(r, codePage: page, columns: columns))
            }
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return subsequence.isEmpty }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
