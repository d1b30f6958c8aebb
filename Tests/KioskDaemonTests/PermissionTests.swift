import Foundation
import KioskCore
import KioskFixtures
import KioskProtocol
import KioskStore
import Logging
import Testing
@testable import KioskDaemon

/// Issue 13 item 9: every permission the sync format names (KioskCore's ``Permission``) is
/// enforced. Which methods each guards is derived from the declarations (``Methods/all``), so a
/// new method is covered without touching this file; the table below states the same thing
/// for a reader, and a test keeps the two equal.
@Suite("Every permission the sync format names is enforced")
struct PermissionTests {
    /// What each permission guards today, as the declarations say.
    static let stated: [Permission: Set<String>] = [
        .viewBalances: ["account.balances", "account.summary", "account.activity"],
        .viewOpenItems: ["items.open", "invoices.list", "invoice.get"],
        .pay: ["payment.options", "payment.quote", "payment.submit", "calendar.month", "calendar.day",
               "payment_methods.list", "payment_method.save", "payment_method.remove", "payment_method.set_default"],
        // Credits are served by credits.list alone (account.balances shows their total under view_balances).
        .viewCredits: ["credits.list"],
        .viewStatements: ["statements.list", "statement.current", "statement.get"],
        .viewHistory: ["history.list", "invoices.list", "invoice.get", "payment.get", "calendar.month", "calendar.day"],
        // Not a method: who is sent receipts (PaymentNotices.receiptContacts, checked below).
        .receiveReceipts: [],
        .manageAutopay: ["autopay.list", "autopay.create", "autopay.update", "autopay.move", "autopay.enable", "autopay.disable",
                         "autopay.delete"],
    ]

    /// The permissions of which a session needs one to call `method` (none: no permission asked).
    static func needs(_ method: any RPCMethod) -> [ContactPermission] {
        switch method.access.session {
        case .customer(let p), .signedIn(let p): return p
        case .none: return []
        }
    }

    static func guarded(by permission: Permission) -> [any RPCMethod] {
        Methods.all.filter { needs($0).contains { $0.rawValue == permission.rawValue } }
    }

    /// Params that decode for methods that do not take `{}` (the session check comes after decoding).
    static let sampleParams: [String: String] = [
        "invoice.get": #"{"id":"I-1001-0"}"#,
        "payment.get": #"{"id":"P-1001-1"}"#,
        "calendar.month": #"{"year":2026,"month":12}"#,
        "statement.get": #"{"number":"S-NONE"}"#,
        "payment_method.save": #"{"capture":"C-NONE"}"#,
        "payment_method.remove": #"{"id":"K-NONE"}"#,
        "payment_method.set_default": #"{"id":"K-NONE"}"#,
        "calendar.day": #"{"date":"2026-12-24"}"#,
        "payment.submit": #"{"method":{"card_on_file":"K-NONE"},"signature":"S-NONE","terms_sha256":"00"}"#,
        "autopay.create": #"{"method":{"card_on_file":"K-NONE"},"criteria":[],"signature":"S-NONE","terms_sha256":"00"}"#,
        "autopay.update": #"{"id":"A-NONE"}"#,
        "autopay.move": #"{"id":"A-NONE","position":1}"#,
        "autopay.enable": #"{"id":"A-NONE"}"#,
        "autopay.disable": #"{"id":"A-NONE"}"#,
        "autopay.delete": #"{"id":"A-NONE"}"#,
    ]

    static func params(for method: any RPCMethod) -> String? {
        if let sample = sampleParams[method.name] { return sample }
        return MethodAccessTests.takesEmptyParams(method) ? "{}" : nil
    }

    /// The demo store plus one profile per permission holding only it, one holding all but it,
    /// and one holding none.
    static func document(now: Date) -> SyncDocument {
        var doc = DemoStore.document(today: DemoStore.today(at: now), now: Instant(now))
        for p in Permission.allCases {
            doc.profiles.append(Profile(id: "only-\(p.rawValue)", name: "Only \(p.rawValue)", permissions: [p]))
            doc.profiles.append(Profile(id: "all-but-\(p.rawValue)", name: "All but \(p.rawValue)", permissions: Permission.allCases.filter { $0 != p }))
        }
        doc.profiles.append(Profile(id: "nothing", name: "Nothing", permissions: []))
        return doc
    }

    @Test("the stated table is what the declarations say, and every permission the sync names is in it")
    func statedMatchesDeclarations() {
        #expect(Set(Self.stated.keys) == Set(Permission.allCases))
        #expect(Set(Permission.allCases.map(\.rawValue)) == Set(ContactPermission.allCases.map(\.rawValue)),
                "the sync's permission names and the protocol's are one list")
        for p in Permission.allCases {
            #expect(Set(Self.guarded(by: p).map(\.name)) == Self.stated[p], "\(p.rawValue) guards \(Self.guarded(by: p).map(\.name))")
        }
    }

    @Test("for each permission: without it a contact is refused (permission_denied) on every method it guards, with it allowed",
          arguments: Permission.allCases)
    func enforced(permission: Permission) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("permissions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try KioskStore(directory: directory.path)
        let now = Date()
        _ = try await store.apply(Self.document(now: now), audit: nil)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let vault = CaptureVault(store: store, kioskID: "K-TEST", logger: logger)
        let devices = DeviceManager(store: store, vault: vault, logger: logger, allowEmulated: true)
        let sessions = SessionRegistry(store: store, policy: SessionPolicy(), logger: logger)
        let router = RequestRouter(store: store, devices: devices, sessions: sessions, roles: RoleTable(), logger: logger, version: "test")

        func send(_ method: String, _ params: String, as role: Role, on state: inout ConnectionState) async throws -> [String: Any] {
            let caller = Caller(peer: PeerIdentity(pid: 1, uid: 4242, groups: [], userName: "tester"), role: role)
            let line = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
            let reply = await router.reply(to: Array(line.utf8), from: caller, state: &state)
            return try #require(try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])
        }
        // One front session for Pat; a manager changes Pat's profile between requests, and the
        // session has the new permissions from its next request (contact.set_profile).
        var front = ConnectionState(id: ConnectionID.next())
        var manager = ConnectionState(id: ConnectionID.next())
        let pat = try #require(DemoStore.logins.first { $0.contact == "C-1001-1" })
        let signIn = try await send("session.begin", #"{"account":"1001","contact":"C-1001-1","pin":"\#(pat.pin)"}"#, as: .front, on: &front)
        #expect(signIn["result"] != nil, "\(signIn)")
        func profile(_ id: String) async throws {
            let set = try await send("contact.set_profile", #"{"account":"1001","contact":"C-1001-1","profile":"\#(id)"}"#, as: .manager, on: &manager)
            #expect((set["result"] as? [String: Any])?["profile"] as? String == id, "\(set)")
        }

        for method in Self.guarded(by: permission) {
            let params = try #require(Self.params(for: method), "\(method.name) needs a sample in PermissionTests.sampleParams")
            let alternatives = Self.needs(method)
            try await profile("nothing")
            let without = try await send(method.name, params, as: .front, on: &front)
            #expect(MethodAccessTests.error(without)?.kind == "permission_denied", "\(method.name) without any permission: \(without)")
            try await profile("all-but-\(permission.rawValue)")
            let allBut = try await send(method.name, params, as: .front, on: &front)
            if alternatives.count == 1 {
                #expect(MethodAccessTests.error(allBut)?.kind == "permission_denied", "\(method.name) without \(permission.rawValue): \(allBut)")
            } else {
                #expect(MethodAccessTests.error(allBut)?.kind != "permission_denied", "\(method.name) also allows \(alternatives): \(allBut)")
            }
            try await profile("only-\(permission.rawValue)")
            let with = try await send(method.name, params, as: .front, on: &front)
            #expect(MethodAccessTests.error(with)?.kind != "permission_denied" && MethodAccessTests.error(with)?.kind != "session_expired",
                    "\(method.name) with \(permission.rawValue): \(with)")
        }

        if permission == .receiveReceipts {
            // Enforced where receipts are addressed: only contacts whose profile has it get one.
            let contacts = [Contact(id: "A", name: "A", email: "a@example.com", profile: "only-receive_receipts"),
                            Contact(id: "B", name: "B", email: "b@example.com", profile: "all-but-receive_receipts")]
            let permissions = Dictionary(uniqueKeysWithValues: Self.document(now: now).profiles.map { ($0.id, $0.permissions.map(\.rawValue)) })
            #expect(PaymentNotices.receiptContacts(contacts, permissions: permissions).map(\.id) == ["A"])
        }
    }
}
