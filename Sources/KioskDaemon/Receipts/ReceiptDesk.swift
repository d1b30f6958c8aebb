import Foundation
import KioskCore
import KioskDevices
import KioskProtocol
import KioskStore
import Logging

/// Prints receipts, one at a time, on the kiosk's receipt printer, and keeps each attempt in the
/// `receipt` table so a receipt cut short shows in `status` and can be printed again.
///
/// A receipt goes out in chunks; the printer's real-time status (DLE EOT) is asked before the
/// first chunk and after each one, so paper running out or the cover opening mid-receipt stops
/// the job at once with the fault recorded, instead of filling the printer's buffer with a
/// receipt it will never finish. Printing runs here, outside the `DeviceManager`, so a slow or
/// stuck printer never holds up a swipe or a signature.
actor ReceiptDesk {
    /// Bytes per write between status checks (a receipt is ~1–2 kB).
    static let chunkSize = 512

    let store: KioskStore
    let devices: DeviceManager
    let settings: ReceiptSettings
    let logger: Logger
    let now: @Sendable () -> Date
    /// One job at a time: the jobs waiting for the printer.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(store: KioskStore, devices: DeviceManager, settings: ReceiptSettings, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store; self.devices = devices; self.settings = settings; self.logger = logger; self.now = now
    }

    /// Prints the receipt of `payment` (already checked: the caller may see it) and returns how it ended.
    func print(_ payment: PaymentRecord, stored: StoredAccount, requestedBy: String, audit: AuditEntry) async throws -> ReceiptRow {
        await acquire()
        defer { release() }
        let printer = await devices.receiptPrinter()
        let card: (brand: String?, last4: String?)
        do {
            card = try await store.receiptCard(payment: payment.id)
            _ = try await store.receiptAttemptBegins(payment: payment.id, account: payment.account, printer: printer?.id,
                                                     requestedBy: requestedBy, now: now(), audit: audit)
        } catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be written right now (\(error))") }
        let fault: String?
        if let printer {
            let codePage = settings.codePage ?? printer.channel.codePage
            let receipt = ReceiptContent.make(payment, card: card, stored: stored, settings: settings)
            let bytes = ESCPOSEncoder.receipt(receipt, codePage: codePage)
            fault = await run(bytes, on: printer.id, printer.channel)
        } else {
            fault = "no_printer"
        }
        let ended: ReceiptRecord?
        do { ended = try await store.receiptAttemptEnded(payment: payment.id, fault: fault, now: now()) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be written right now (\(error))")
        }
        if let fault {
            logger.warning("receipt not printed", metadata: ["payment": "\(payment.id)", "fault": "\(fault)", "printer": "\(printer?.id ?? "none")"])
        } else {
            logger.info("receipt printed", metadata: ["payment": "\(payment.id)", "printer": "\(printer?.id ?? "none")"])
        }
        guard let ended else { throw RPCError.app(.notFound, "the receipt's record is gone") }
        return Self.row(ended, forCustomer: requestedBy.hasPrefix("contact "))
    }

    /// `device.test` on a printer: a test page, and what the printer said.
    func testPage(_ id: String, info: DeviceInfo, channel: any PrinterChannel) async -> DeviceTestResult {
        await acquire()
        defer { release() }
        let bytes = ESCPOSEncoder.testPage(printerName: "\(info.driver) \(id)", codePage: settings.codePage ?? channel.codePage)
        let fault = await run(bytes, on: id, channel)
        let verdict: String
        if let fault {
            verdict = "the test page did not print (\(fault)): " + ReceiptFaultText.testAgain(fault, device: id)
        } else if !info.allowed {
            verdict = "printed a test page; check it, then allow the printer: kioskctl device allow \(id)"
        } else {
            verdict = "printed a test page: check that its accented line reads right and the paper was cut"
        }
        return DeviceTestResult(device: info, reportsReceived: 0, decodeFailures: 0, lastReportAt: nil, verdict: verdict)
    }

    /// Sends the bytes in chunks with a status check before and after each; the fault that
    /// stopped it, or nil when it all went out and the printer reports nothing wrong.
    private func run(_ bytes: [UInt8], on id: String, _ channel: any PrinterChannel) async -> String? {
        await devices.printerChecked(id, status: nil, printing: true)
        let (fault, last) = await send(bytes, channel)
        await devices.printerChecked(id, status: last, printing: false)
        return fault
    }

    private func send(_ bytes: [UInt8], _ channel: any PrinterChannel) async -> (fault: String?, last: PrinterStatus?) {
        var last: PrinterStatus?
        do {
            last = try await channel.status()
            if let fault = last?.fault { return (fault.rawValue, last) }
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + Self.chunkSize, bytes.count)
                try await channel.send(Array(bytes[offset..<end]))
                offset = end
                last = try await channel.status()
                if let fault = last?.fault { return (fault.rawValue, last) }
            }
            return (nil, last)
        } catch {
            // A printer that stopped taking data usually says why when asked.
            if error == .stalled, let status = try? await channel.status(), let fault = status.fault {
                return (fault.rawValue, status)
            }
            return (error.fault, last)
        }
    }

    static func row(_ r: ReceiptRecord, forCustomer: Bool) -> ReceiptRow {
        ReceiptRow(payment: r.payment, account: r.account, state: r.state.rawValue, fault: r.fault,
                   message: r.fault.map { forCustomer ? ReceiptFaultText.customer($0) : ReceiptFaultText.manager($0, payment: r.payment) },
                   printer: r.printer, attempts: r.attempts, requestedAt: r.requestedAt, requestedBy: r.requestedBy,
                   updatedAt: r.updatedAt, printedAt: r.printedAt)
    }

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
