/// What a payment's receipt says, as text already formatted by the daemon (dates in the branch's
/// zone, amounts with their currency, the method already masked). The encoder only lays it out:
/// it never formats money or dates, so the printed text is the text the front showed.
///
/// Every field is untrusted text for the encoder: control characters are removed and any digit
/// run that looks like a card number is masked before a byte reaches the printer
/// (`PrinterText`), whatever the caller passes.
public struct Receipt: Sendable, Equatable {
    /// One invoice the payment paid: its number and the amount applied to it.
    public struct Invoice: Sendable, Equatable {
        public var number: String
        public var amount: String

        public init(number: String, amount: String) {
            self.number = number; self.amount = amount
        }
    }

    /// The line printed when a payment still waits for the store (the wording).
    public static let pendingApproval = "Pending approval by the store"

    public var storeName: String
    public var addressLines: [String]
    /// Date and time as the customer reads it, e.g. "02/12/2026 20:15 (Europe/Paris)".
    public var printedAt: String
    public var account: String
    public var job: String?
    /// The payment's short id (what `kioskctl receipt reprint ID` takes).
    public var paymentID: String
    /// The total, formatted ("12,50 €").
    public var amount: String
    /// The method as masked text ("VISA •••• 1111").
    public var method: String
    public var invoices: [Invoice]
    public var stateLine: String
    /// Lines from the configuration (`[receipt] footer`), printed centred.
    public var footerLines: [String]

    public init(storeName: String, addressLines: [String], printedAt: String, account: String, job: String?,
                paymentID: String, amount: String, method: String, invoices: [Invoice],
                stateLine: String = Receipt.pendingApproval, footerLines: [String]) {
        self.storeName = storeName; self.addressLines = addressLines; self.printedAt = printedAt
        self.account = account; self.job = job; self.paymentID = paymentID; self.amount = amount
        self.method = method; self.invoices = invoices; self.stateLine = stateLine; self.footerLines = footerLines
    }
}

/// The character table the printer is told to use (ESC t n) and the text is encoded in.
///
/// A printer that names no code page gets `.cp858` (`ESCPOSPrinterDriver.codePage(deviceID:)`):
/// PC858 is page 19 on every Epson TM model this build lists, it has the euro sign and the
/// Western European letters, and it keeps PC850's layout, which compatible printers from other
/// makers carry more often than Windows-1252.
public enum PrinterCodePage: String, Sendable, Equatable, CaseIterable {
    /// PC858 (PC850 with the euro sign): ESC t 19.
    case cp858
    /// WPC1252 (Windows Latin 1): ESC t 16 on Epson printers.
    case cp1252

    /// The n of ESC t n (Epson's character code table numbers).
    public var escposTable: UInt8 {
        switch self {
        case .cp858: 19
        case .cp1252: 16
        }
    }

    /// glibc iconv's name for the page; //TRANSLIT turns what the page lacks into its
    /// transliteration ("—" → "--") or "?".
    var iconvName: String {
        switch self {
        case .cp858: "IBM858//TRANSLIT"
        case .cp1252: "WINDOWS-1252//TRANSLIT"
        }
    }
}
