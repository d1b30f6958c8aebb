import Foundation
import KioskCore
import KioskCrypto

/// The daemon in demo mode (emulated reader and pad) taking payments the way the front does:
/// sign in, sign on the pad, submit with the card on file, sign out; and card swipes. Reports
/// payment.submit and swipe → sealed capture latency over the socket, and kioskd's RSS after
/// all the payments.
func paymentsBench(_ size: BenchSize, bareRSS: Double) async throws -> [BenchFigure] {
    let payments = size.count(1_500, smoke: 20)
    let daemon = try BenchDaemon(arguments: ["--demo"])
    defer { daemon.stop() }
    let client = try BenchClient(path: daemon.socketPath)
    try client.call("sync.apply", payingDocument(accounts: payments))
    let terms = SignatureBinding.sha256Hex(Data(PaymentTerms.defaultText.utf8))

    var submits: [Double] = [], swipes: [Double] = [], hellos: [Double] = []
    let clock = ContinuousClock()
    for i in 0..<payments {
        try client.call("session.begin", ["account": "C\(10_000 + i)", "pin": benchPIN])
        if i < 300 {
            // Swipe → the sealed capture's capture.done, against one hello's round trip.
            let capture = try client.call("device.capture.begin", ["kind": "card", "device": "emulated-reader-1"])["capture"] as? String ?? ""
            let swipe = clock.now
            try client.call("device.emulate.swipe", ["track2": ";4111111111111111=28121010000000000000?"])
            _ = try client.event("capture.done")
            swipes.append(seconds(clock.now - swipe) * 1_000)
            _ = capture
            let hello = clock.now
            try client.call("hello")
            hellos.append(seconds(clock.now - hello) * 1_000)
        }
        let signature = try client.call("device.capture.begin", ["kind": "signature"])["capture"] as? String ?? ""
        try client.call("device.emulate.sign", ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5], [0.4, 0.2, 0.6]]]])
        try client.call("device.capture.finish", ["capture": signature])
        _ = try client.event("capture.done")
        let submit = clock.now
        try client.call("payment.submit", ["amount": 1_000 + i, "method": ["card_on_file": "K-\(i)"], "signature": signature,
                                           "terms_sha256": terms])
        submits.append(seconds(clock.now - submit) * 1_000)
        try client.call("session.end")
    }
    try await Task.sleep(for: .milliseconds(500))
    return [
        BenchFigure("payment.submit over the socket (signed in, card on file), p50", percentile(submits, 50), "ms"),
        BenchFigure("swipe → sealed capture (capture.done), p99", percentile(swipes, 99), "ms",
                    reference: "one hello round trip, p99", referenceValue: percentile(hellos, 99)),
        BenchFigure("kioskd RSS, --demo after \(payments.formatted()) payments", daemon.figures.rssMiB, "MiB",
                    reference: "a bare Swift + Foundation program", referenceValue: bareRSS, goal: .below(30)),
        BenchFigure("kioskd private memory after those payments (anonymous)", daemon.figures.anonymousMiB, "MiB"),
    ]
}

let benchPIN = "1234"

/// Accounts that can each pay once (dated a minute ahead: newer than the demo's data): one open invoice, a card on file, a contact who may pay.
func payingDocument(accounts: Int) -> [String: Any] {
    let hash = PINHash.make(pin: benchPIN, salt: Array("kioskd-bench-salt".utf8), iterations: 1_000)
    return [
        "format": "kioskpay.sync.v1", "as_of": ISO8601DateFormatter().string(from: Date().addingTimeInterval(60)), "currency": "USD", "receivables_manager": "U1",
        "branches": [["id": "B1", "name": "Bench Yard", "time_zone": "UTC", "accept_online_payments": true,
                      "pay_finance_charges_first": false, "terms": NSNull(), "notify_email": "ar@example.com", "notify_user": "U1"]],
        "users": [["id": "U1", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "notify": ["queue", "email"]]],
        "profiles": [["id": "full", "name": "Full", "permissions": ["view_balances", "view_open_items", "pay", "receive_receipts"]]],
        "accounts": (0..<accounts).map { i -> [String: Any] in [
            "number": "C\(10_000 + i)", "name": "Customer \(i)", "address": ["1 Main St"], "branch": "B1", "credit_limit": 100_000,
            "pending_transactions": 0, "receivables_type": "balance_forward", "billing_type": "account",
            "links": ["erp": NSNull(), "accounting": NSNull(), "gateway": NSNull()],
            "contacts": [["id": "P\(i)", "name": "Payer \(i)", "email": "payer\(i)@example.com", "profile": "full", "revoked": false,
                          "pin_hash": hash]],
            "items": [["id": "I-\(i)", "kind": "invoice", "number": "INV-\(i)", "date": "2026-10-01", "due_date": "2026-10-31",
                       "amount": 50_000, "open_amount": 50_000, "billed": true]],
            "cards_on_file": [["id": "K-\(i)", "description": "CARD ENDING IN 4242", "token": "tok-\(i)", "brand": "visa",
                               "last4": "4242", "expiry": "2030-01"]],
        ] },
    ]
}
