import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl payments list`: what customers submitted, for managers.
struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payments", abstract: "Payments submitted at the kiosk (managers).",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List payments, newest first (deleted ones only with --state deleted).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "pending, scheduled, waiting, processed, rejected or deleted.") var state: String?
        @Option(help: "Only this account.") var account: String?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.paymentsList, PaymentsListParams(state: state, account: account), json: json) { list in
                guard !list.payments.isEmpty else { return ["No payments\(state.map { " in state \($0)" } ?? "")."] }
                return ListTables.payments(list.payments)
            }
        }
    }
}

/// `kioskctl payment show|process|reject|delete|reschedule|cancel ID`: one payment, for managers; changes audited.
struct PaymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payment", abstract: "Show, process, reject, delete, reschedule or cancel one payment (managers).",
                                                    subcommands: [Show.self, Process.self, Reject.self, Delete.self, Reschedule.self, Cancel.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a payment: state, method, lines, and every change of its state with who and when.",
            discussion: """
                A kiosk payment is found by its id alone; a back-office payment needs its account first.

                Examples:
                  kioskctl payment show P2345A
                  kioskctl payment show 100200 P-100200-1 --json
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("[ACCOUNT] ID: the payment's id (a kiosk payment's temporary id), or an account number and a payment id.",
                                     valueName: "id"))
        var words: [String]
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            guard (1...2).contains(words.count) else { throw ValidationError("give the payment's id, or an account number and the payment's id") }
        }

        func run() async throws {
            let params = words.count == 2 ? PaymentGetParams(account: words[0], id: words[1]) : PaymentGetParams(id: words[0])
            try await connection.show(Methods.paymentGet, params, json: json, PaymentCommand.lines)
        }
    }

    /// `payment show` as text: a heading, the method, the lines, then the history.
    static func lines(_ p: PaymentDetail) -> [String] {
        func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: p.currency) }
        let r = p.row
        var out = ["Payment \(r.id) (\(r.source)) of \(r.date): \(money(r.amount)) by \(r.method), \(r.state)"
                   + (r.autopayRule.map { ", autopay (rule \($0))" } ?? "")
                   + (r.payOn.map { ", pay on \($0)" } ?? "") + (r.waitingFor.map { ", waiting for \($0)" } ?? "")
                   + (r.reason.map { " [\($0): \(r.message ?? "")]" } ?? "")]
        out.append("  method: \(r.method)")
        out += p.applied.map { "  applied \(money($0.amount)) to \($0.kind ?? "item") \($0.number ?? $0.item)" }
        out += p.lines.map { "  chosen \(money($0.amount)) for \($0.number.map { "invoice \($0)" } ?? $0.id)" }
        if let history = p.history {
            out.append("History:")
            out += history.map { h in
                let change = h.from.map { "\($0) -> \(h.to)" } ?? "made \(h.to)"
                return "  \(h.at)  \(change)  by \(actor(h.actor))" + (h.reason.map { ": \($0)" } ?? "") + (h.message.map { " \"\($0)\"" } ?? "")
            }
        }
        return out
    }

    /// `sam (uid 1001, manager)`, `kioskd (daemon)`.
    static func actor(_ a: PaymentActorWire) -> String {
        "\(a.user ?? "someone") (" + (a.uid.map { "uid \($0), " } ?? "") + "\(a.role))"
    }

    struct Process: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Process a payment: it becomes an unapplied credit on the account; its amount cannot change.",
            discussion: "Examples:\n  kioskctl payment process P2345A\n  kioskctl payment process P2345A --overlap-ok --json")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The payment's temporary id.") var id: String
        @Flag(help: "Process a rejected payment even though another payment now covers some of its invoices (it would charge twice; audited).")
        var overlapOK = false
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            let params = PaymentProcessParams(id: id, overlapOK: overlapOK ? true : nil)
            try await connection.show(Methods.paymentProcess, params, json: json) { p in
                ["Processed \(p.id): \(MoneyFormat.format(p.amount, currency: p.currency)) is now an unapplied credit on account \(p.account)."]
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a payment; the customer sees the reason and message at their next sign-in.",
            discussion: "Examples:\n  kioskctl payment reject P2345A --reason payment --message \"Your card was declined; please call us.\"")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The payment's temporary id.") var id: String
        @Option(help: "account (account issue – call) or payment (payment issue – call).") var reason: String
        @Option(help: "What the customer is told (1–500 characters).") var message: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func validate() throws {
            guard ["account", "payment"].contains(reason) else { throw ValidationError("--reason must be account or payment") }
        }
        func run() async throws {
            let params = PaymentRejectParams(id: id, reason: "\(reason)_issue_call", message: message)
            try await connection.show(Methods.paymentReject, params, json: json) { p in
                ["Rejected \(p.id); account \(p.account) will see it at the next sign-in."]
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a payment: gone for the customer (the audit log and its history keep it); a new one may be made.",
            discussion: "Examples:\n  kioskctl payment delete P2345A --reason \"entered twice\"")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The payment's temporary id.") var id: String
        @Option(help: "Why (1–200 characters), kept in its history and shown by `report day`.") var reason: String?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            try await connection.show(Methods.paymentDelete, PaymentDeleteParams(id: id, reason: reason), json: json) { p in ["Deleted \(p.id)."] }
        }
    }
}

extension PaymentCommand {
    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a scheduled or waiting payment to another day (today … a year ahead, in the branch's zone; audited).",
            discussion: """
                Today makes it pending at once unless another payment of its scope is pending (then it waits).

                Examples:
                  kioskctl payment reschedule P2345A 2026-12-24
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The payment's temporary id.") var id: String
        @Argument(help: ArgumentHelp("The new day, YYYY-MM-DD.", valueName: "date")) var date: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func validate() throws {
            // The daemon checks the range in the branch's zone; a shape error is caught here.
            guard date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { throw ValidationError("the date must be YYYY-MM-DD, for example 2026-12-24") }
        }
        func run() async throws {
            try await connection.show(Methods.paymentReschedule, PaymentRescheduleParams(id: id, payOn: date), json: json) { p in
                switch p.state {
                case "scheduled": ["Rescheduled \(p.id): it runs on \(p.payOn ?? date)."]
                case "waiting": ["Rescheduled \(p.id) to today: it waits for \(p.waitingFor ?? "the pending payment of its scope")."]
                default: ["Rescheduled \(p.id) to today: it is now \(p.state)."]
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a scheduled or waiting payment before its day: it is never sent (audited).",
            discussion: "Examples:\n  kioskctl payment cancel P2345A")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The payment's temporary id.") var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            try await connection.show(Methods.paymentCancel, PaymentIDParams(id: id), json: json) { p in ["Cancelled \(p.id); it will not be sent."] }
        }
    }
}

/// `kioskctl outbox list`: what is waiting for the back office.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "outbox", abstract: "Entries waiting for the back office (managers).",
                                                    subcommands: [List.self, Retry.self])
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a dead entry again, with its same idempotency key (audited).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The entry's id from `kioskctl outbox list --state dead`.") var id: Int64
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            try await connection.show(Methods.outboxRetry, OutboxRetryParams(id: id), json: json) { _ in ["Entry \(id) is due again."] }
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List outbox entries, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "due, held (a waiting payment's), in_flight, delivered or dead.") var state: String?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            try await connection.show(Methods.outboxList, OutboxListParams(state: state), json: json) { list in
                guard !list.entries.isEmpty else { return ["The outbox is empty."] }
                return ListTables.outbox(list.entries)
            }
        }
    }
}
