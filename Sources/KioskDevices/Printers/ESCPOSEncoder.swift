/// ESC/POS bytes for a receipt, a test page and status requests. Pure: the daemon sends the
/// bytes over the printer's bulk OUT endpoint; tests compare them byte for byte.
///
/// Commands (Epson ESC/POS command reference): ESC @ initialize, ESC t n code table, ESC a n
/// justification, ESC E n emphasis, GS ! n character size, GS V 66 n feed to the cutter and
/// partial cut, DLE EOT n real-time status. Text only enters through `PrinterText.encode`, so
/// no field can carry a command byte or a card number.
public enum ESCPOSEncoder {
    /// Columns of Font A (12×24) on 80 mm paper with the 72 mm print width of the TM-T20/T88.
    public static let defaultColumns = 42

    // MARK: Commands

    static let initialize: [UInt8] = [0x1B, 0x40]
    static func codeTable(_ page: PrinterCodePage) -> [UInt8] { [0x1B, 0x74, page.escposTable] }
    static let alignLeft: [UInt8] = [0x1B, 0x61, 0x00]
    static let alignCenter: [UInt8] = [0x1B, 0x61, 0x01]
    static let boldOn: [UInt8] = [0x1B, 0x45, 0x01]
    static let boldOff: [UInt8] = [0x1B, 0x45, 0x00]
    /// GS ! 0x11: double width and double height (the store name); GS ! 0 back to normal.
    static let doubleSize: [UInt8] = [0x1D, 0x21, 0x11]
    static let normalSize: [UInt8] = [0x1D, 0x21, 0x00]
    /// GS V 66 3: feed to the cutting position plus 3 lines (so the last line clears the cutter),
    /// then a partial cut (the receipt stays hanging until the customer takes it).
    static let feedAndCut: [UInt8] = [0x1D, 0x56, 0x42, 0x03]
    static let lineFeed: UInt8 = 0x0A

    /// DLE EOT n: the printer answers one status byte at once, even mid-job or offline.
    public static func statusRequest(_ query: PrinterStatusQuery) -> [UInt8] {
        [0x10, 0x04, query.rawValue]
    }

    /// The four requests in the order `PrinterStatus(answers:)` reads their answers.
    public static var statusRequests: [UInt8] {
        PrinterStatusQuery.allCases.flatMap(statusRequest)
    }

    // MARK: Documents

    /// A customer's receipt: the store's name large, its address, the payment's details with
    /// amounts right-aligned, the invoices paid, the state line and the configured footer; cut.
    /// `columns` below 16 is taken as 16 (no real paper is narrower).
    public static func receipt(_ r: Receipt, codePage: PrinterCodePage, columns: Int = defaultColumns) -> [UInt8] {
        let width = max(columns, 16)
        var page = Page(codePage: codePage, width: width)
        page.begin()
        page.bytes += alignCenter + boldOn + doubleSize
        page.wrapped(r.storeName, width: width / 2)
        page.bytes += normalSize + boldOff
        for line in r.addressLines { page.wrapped(line) }
        page.bytes += alignLeft
        page.rule()
        page.pair("Date", r.printedAt)
        page.pair("Account", r.account)
        if let job = r.job, !job.isEmpty { page.pair("Job", job) }
        page.pair("Payment", r.paymentID)
        page.pair("Method", r.method)
        page.rule()
        if !r.invoices.isEmpty {
            page.wrapped("Invoices paid")
            for invoice in r.invoices { page.pair(invoice.number, invoice.amount) }
            page.rule()
        }
        page.bytes += boldOn
        page.pair("Total", r.amount)
        page.bytes += boldOff
        page.bytes.append(lineFeed)
        page.bytes += alignCenter + boldOn
        page.wrapped(r.stateLine)
        page.bytes += boldOff
        for line in r.footerLines { page.wrapped(line) }
        page.bytes += alignLeft + feedAndCut
        return page.bytes
    }

    /// The accented sample of the test page: each of its letters and the euro sign is in both
    /// pages, so a wrong ESC t shows at once.
    public static let codePageSample = "Ça coûte 12,50 € — Müller, Peña"

    /// `kioskctl device test PRINTER`: the printer's name, the code page in use, a sample with
    /// accents and the euro sign, and a cut.
    public static func testPage(printerName: String, codePage: PrinterCodePage, columns: Int = defaultColumns) -> [UInt8] {
        let width = max(columns, 16)
        var page = Page(codePage: codePage, width: width)
        page.begin()
        page.bytes += alignCenter + boldOn
        page.wrapped("Printer test")
        page.bytes += boldOff
        page.wrapped(printerName)
        page.bytes += alignLeft
        page.rule()
        page.pair("Code page", codePage == .cp858 ? "PC858 (ESC t 19)" : "WPC1252 (ESC t 16)")
        page.wrapped(codePageSample)
        page.rule()
        page.bytes += feedAndCut
        return page.bytes
    }
}

/// The bytes of one document being laid out, `width` single-byte characters per line.
struct Page {
    let codePage: PrinterCodePage
    let width: Int
    var bytes: [UInt8] = []

    init(codePage: PrinterCodePage, width: Int) {
        self.codePage = codePage; self.width = width
    }

    mutating func begin() {
        bytes += ESCPOSEncoder.initialize + ESCPOSEncoder.codeTable(codePage)
    }

    mutating func line(_ text: [UInt8]) {
        bytes += text
        bytes.append(ESCPOSEncoder.lineFeed)
    }

    mutating func rule() { line([UInt8](repeating: 0x2D, count: width)) }

    /// Text wrapped at word boundaries; an empty text prints nothing.
    mutating func wrapped(_ text: String, width: Int? = nil) {
        for piece in Layout.wrap(PrinterText.encode(text, page: codePage), width: width ?? self.width) { line(piece) }
    }

    /// A label and a right-aligned value (an amount, an id): the value is never split.
    mutating func pair(_ label: String, _ value: String) {
        let lines = Layout.pair(PrinterText.encode(label, page: codePage), PrinterText.encode(value, page: codePage), width: width)
        for piece in lines { line(piece) }
    }
}

/// Line layout over encoded bytes (one byte, one column in a single-byte code page).
enum Layout {
    static let space: UInt8 = 0x20

    /// Word wrap: breaks at spaces, splits only a word longer than the line.
    static func wrap(_ text: [UInt8], width: Int) -> [[UInt8]] {
        let width = max(width, 1)
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for word in text.split(separator: space, omittingEmptySubsequences: true) {
            var word = Array(word)
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current += [space] + word
                continue
            }
            if !current.isEmpty { lines.append(current); current = [] }
            while word.count > width {
                lines.append(Array(word.prefix(width)))
                word.removeFirst(width)
            }
            current = word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The label left, the value right on the same line when both fit; otherwise the label
    /// wraps and the value goes right-aligned on the label's last line or a line of its own.
    static func pair(_ label: [UInt8], _ value: [UInt8], width: Int) -> [[UInt8]] {
        guard value.count <= width else { return wrap(label, width: width) + wrap(value, width: width) }
        var lines = wrap(label, width: width)
        let last = lines.popLast() ?? []
        if value.isEmpty {
            return last.isEmpty ? lines : lines + [last]
        }
        if last.isEmpty || last.count + 1 + value.count <= width {
            let gap = width - last.count - value.count
            return lines + [last + [UInt8](repeating: space, count: gap) + value]
        }
        return lines + [last, [UInt8](repeating: space, count: width - value.count) + value]
    }
}
