import Foundation
import KioskCore
import KioskFixtures
import KioskProtocol
import KioskStore

/// `items.open` paged (issue 16 item 2): the real kioskd over its socket, on a database
/// holding an account with 10,000 open invoices (filled with KioskStore.apply before the
/// daemon starts). Timed: the first page of 25 and the last page, each one request and its
/// reply line, against one `hello` round trip on the same connection (what any call costs).
/// The page is read in SQL in pay order (migration 019), so the late page costs what the
/// first does. Staff read it as the kiosk's technician (uid 0, socket_group = 0), naming the
/// account as the front's own session would.
func pagingBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let open = size.count(10_000, smoke: 500)
    let rounds = size.count(300, smoke: 30)
    var document = SyntheticStore.document(accounts: 2, itemsPerAccount: 10)
    let number = document.accounts[1].number  // billed by account, open item
    let start = LocalDate("2025-01-01")!
    document.accounts[1].items = (0..<open).map { i in
        let date = start.adding(days: i % 680)
        return Item(id: "I1-\(i)", kind: .invoice, number: String(200_000 + i), job: nil, date: date, dueDate: date.adding(days: 30),
                    poNumber: i % 5 == 0 ? "PO-\(i)" : nil, amount: 10_000 + i, openAmount: 5_000 + i, billed: true)
    }
    let data = scratch()
    defer { try? FileManager.default.removeItem(atPath: data) }
    // The whole list's reply size before paging (the old single reply), encoded here once.
    let wholeBytes: Int
    do {
        let store = try KioskStore(directory: data)
        _ = try await store.apply(document, audit: nil)
        guard let stored = try await store.account(number: number) else { throw BenchFailure("account \(number) was not stored") }
        let o = Figures.openItems(stored.account, scope: .account, branch: stored.branch, today: LocalDate("2026-11-20")!)
        wholeBytes = try JSONEncoder().encode(OpenItemsResult(
            invoices: o.invoices.map {
                .init(id: $0.id, number: $0.number, job: $0.job, date: $0.date.description, dueDate: $0.dueDate?.description,
                      poNumber: $0.poNumber, amount: $0.amount, openAmount: $0.openAmount, amountDue: $0.amountDue, pastDue: $0.pastDue)
            }, financeCharges: o.financeCharges, financeChargesRequired: o.financeChargesRequired, currency: stored.currency)).count
    }  // the store (and its directory lock) is released here, before kioskd opens the directory

    let daemon = try BenchDaemon(dataDirectory: data)
    defer { daemon.stop() }
    let client = try BenchClient(path: daemon.socketPath)
    let limit = PageWindow.defaultLimit
    let lastPage = (open - 1) / limit

    /// One request line out, its reply line in; the reply's bytes. Not parsed inside the
    /// timing; checked once below.
    func roundTrip(_ line: [UInt8]) throws -> Int {
        try client.write(line)
        return try client.line().count
    }
    func request(_ method: String, _ params: [String: Any]) throws -> [UInt8] {
        try [UInt8](JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 7, "method": method, "params": params])) + [10]
    }
    let first = try request("items.open", ["account": number, "page": 0, "limit": limit])
    let last = try request("items.open", ["account": number, "page": lastPage, "limit": limit])
    let hello = try request("hello", [:])

    // The replies are what the list holds: a full first page, a last page, the whole count.
    let firstReply = try client.call("items.open", ["account": number, "page": 0, "limit": limit])
    let lastReply = try client.call("items.open", ["account": number, "page": lastPage, "limit": limit])
    guard firstReply["count"] as? Int == open, (firstReply["invoices"] as? [Any])?.count == limit,
          lastReply["more"] as? Bool == false, ((lastReply["invoices"] as? [Any])?.count ?? 0) > 0 else {
        throw BenchFailure("items.open did not page \(open) invoices: \(firstReply["count"] ?? "no count")")
    }

    var pageBytes = 0
    for _ in 0..<5 { _ = try roundTrip(first); _ = try roundTrip(hello) }  // warm the connection and the statement cache
    let firstPage = try await latenciesMS(rounds) { pageBytes = try roundTrip(first) }
    let latePage = try await latenciesMS(rounds) { _ = try roundTrip(last) }
    let hellos = try await latenciesMS(rounds) { _ = try roundTrip(hello) }
    let label = open.formatted(.number.grouping(.automatic))
    return [
        BenchFigure("items.open page 0 of 25, \(label) open invoices, kioskd over the socket, p50", percentile(firstPage, 50), "ms",
                    reference: "one hello round trip, p50", referenceValue: percentile(hellos, 50)),
        BenchFigure("items.open page 0 of 25, \(label) open invoices, kioskd over the socket, p99", percentile(firstPage, 99), "ms",
                    reference: "one hello round trip, p50", referenceValue: percentile(hellos, 50), goal: .below(5)),
        BenchFigure("items.open last page (\(lastPage)), \(label) open invoices, p50", percentile(latePage, 50), "ms",
                    reference: "page 0, p50", referenceValue: percentile(firstPage, 50)),
        BenchFigure("items.open last page (\(lastPage)), \(label) open invoices, p99", percentile(latePage, 99), "ms",
                    reference: "page 0, p99", referenceValue: percentile(firstPage, 99)),
        BenchFigure("items.open reply, page of 25", Double(pageBytes) / 1_024, "KiB",
                    reference: "the whole list in one reply (before paging)", referenceValue: Double(wholeBytes) / 1_024),
    ]
}
