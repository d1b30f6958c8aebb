import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// The statements list ("Load more" past 25, a cursor), a past statement's page, "Send me
/// this" and "My documents", driven by keys and replies and read back as canvas text.
struct PastStatementTests {
    func signedIn() -> FrontState {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber"))
        _ = state.update(.connected, now: 0)
        state.session = SessionData(account: "1001", contactName: "Pat Doe", permissions: ["view_statements", "view_history"],
                                    idleSeconds: 120, endsAt: 900)
        state.screen = .home
        return state
    }

    func rows(_ range: Range<Int>) -> [StatementsResult.Row] {
        range.map { n in
            StatementsResult.Row(number: "S-\(100 - n)", issuedAt: "2026-\(String(format: "%02d", 1 + n % 12))-28T23:00:00Z", job: 1, jobName: "Smith remodel")
        }
    }

    func reply<T: Encodable>(_ state: inout FrontState, _ purpose: Purpose, _ value: T, at now: Double = 2) -> [Effect] {
        state.update(.reply(purpose, generation: state.generation, .success(try! JSONEncoder().encode(value))), now: now)
    }

    func requests(_ effects: [Effect]) -> [Request] {
        effects.compactMap { if case .send(let r) = $0 { r } else { nil } }
    }

    @Test("30 statements: 25, then L loads the next page after them; rows show the job's name and the time issued")
    func loadMore() throws {
        var state = signedIn()
        #expect(requests(state.update(.key(.char("3")), now: 1)).map(\.method) == ["statements.list"])
        _ = reply(&state, .statements, StatementsResult(statements: rows(0..<25), page: 0, more: true))
        var text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("L Load more") && text.contains("Job 1 Smith remodel") && text.contains("issued "), "\(text)")
        #expect(text.range(of: #"\d{1,2}:\d{2}"#, options: .regularExpression) != nil, "the time of day is shown: \(text)")
        let asked = requests(state.update(.key(.char("l")), now: 3))
        let params = try #require(asked.first.flatMap { try? JSONSerialization.jsonObject(with: $0.params) as? [String: Any] })
        #expect(asked.first?.method == "statements.list" && params["page"] as? Int == 1)
        #expect(requests(state.update(.key(.char("l")), now: 3)).isEmpty, "one page at a time")
        _ = reply(&state, .statements, StatementsResult(statements: rows(25..<30), page: 1, more: false))
        guard case .statements(let model) = state.screen else { Issue.record("left the list"); return }
        #expect(model.rows.count == 30 && model.rows.last?.number == "S-71" && !model.more)
        for _ in 0..<3 { _ = state.update(.key(.pageDown), now: 4) }
        text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("S-71") && !text.contains("L Load more"), "\(text)")
    }

    @Test("Enter opens the statement under the cursor as a page; S asks for it by email; Esc goes back to the list as it was")
    func pageAndSend() throws {
        var state = signedIn()
        _ = state.update(.key(.char("3")), now: 1)
        _ = reply(&state, .statements, StatementsResult(statements: rows(0..<3), page: 0, more: false))
        _ = state.update(.key(.down), now: 2)
        let open = requests(state.update(.key(.enter), now: 2))
        #expect(open.first?.method == "statement.get" && String(decoding: open.first?.params ?? Data(), as: UTF8.self).contains("S-99"))
        let detail = StatementDetail(number: "S-99", issuedAt: "2026-02-28T23:00:00Z", job: 1, jobName: "Smith remodel", openingBalance: 2_500,
                                     closingBalance: 12_500, aging: .init(current: 10_000, days1to30: 2_500, days31to60: 0, days61to90: 0, over90: 0),
                                     lines: [.init(date: "2026-02-01", kind: "invoice", number: "10023", amount: 10_000)], currency: "USD")
        _ = reply(&state, .pastStatement, detail)
        var text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("Statement S-99") && text.contains("Opening balance") && text.contains("$25.00") && text.contains("Invoice 10023")
                && text.contains("$125.00") && text.contains("1–30 days past due") && text.contains("S Send me this"), "\(text)")
        let send = requests(state.update(.key(.char("s")), now: 3))
        #expect(send.first?.method == "document.send")
        let params = try #require(send.first.flatMap { try? JSONSerialization.jsonObject(with: $0.params) as? [String: Any] })
        #expect(params["kind"] as? String == "statement" && params["id"] as? String == "S-99" && params["contact"] == nil)
        let row = DocumentRow(id: "D22222222", kind: "statement", ref: "S-99", job: nil, contact: "C1", to: "pat@…", state: "queued",
                              requestedAt: "2026-03-01T10:00:00Z", sentAt: nil, error: nil)
        _ = reply(&state, .sendDocument, row, at: 4)
        text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("We will email it to pat@…"), "\(text)")
        #expect(state.session?.documentNotice?.contains("pat@…") == true)
        _ = state.update(.key(.escape), now: 5)
        guard case .statements(let list) = state.screen else { Issue.record("not back on the list"); return }
        #expect(list.scroll == 1 && list.rows.count == 3)
    }

    @Test("a contact without an email is told so; My documents shows sent and failed ones and refreshes while one is on its way")
    func documents() throws {
        var state = signedIn()
        _ = state.sendMeThis(kind: .invoice, id: "I-1")
        _ = state.update(.reply(.sendDocument, generation: state.generation,
                                .failure(Failure(kind: "conflict", message: "this contact has no email address on file; the store can add one"))), now: 2)
        #expect(state.session?.documentNotice == "It cannot be emailed: this contact has no email address on file; the store can add one.")

        #expect(requests(state.update(.key(.char("d")), now: 3)).map(\.method) == ["documents.list"])
        let waiting = DocumentRow(id: "D2", kind: "statement", ref: "S-99", job: nil, contact: "C1", to: "pat@…", state: "accepted",
                                  requestedAt: "2026-03-01T10:00:00Z", sentAt: nil, error: nil)
        let failed = DocumentRow(id: "D1", kind: "invoice", ref: "40117", job: nil, contact: "C1", to: "pat@…", state: "failed",
                                 requestedAt: "2026-02-01T10:00:00Z", sentAt: nil, error: "the mail server refused the address")
        _ = reply(&state, .documents, DocumentsListResult(documents: [waiting, failed], page: 0, more: false), at: 3)
        var text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("on its way to pat@…") && text.contains("could not be sent: the mail server refused the address"), "\(text)")
        #expect(requests(state.update(.tick, now: 4)).isEmpty, "not before the refresh interval")
        #expect(requests(state.update(.tick, now: 5.5)).map(\.method) == ["documents.list"])
        var sent = waiting
        sent.state = "sent"; sent.sentAt = "2026-03-01T10:00:03Z"
        _ = reply(&state, .documents, DocumentsListResult(documents: [sent, failed], page: 0, more: false), at: 6)
        text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("sent to pat@…") && !text.contains("on its way"), "\(text)")
        #expect(requests(state.update(.tick, now: 20)).isEmpty, "nothing on its way: no refresh")
        _ = state.update(.key(.escape), now: 21)
        _ = state.update(.key(.escape), now: 21)  // sign out: the notice goes with the session
        #expect(state.session == nil)
    }
}
