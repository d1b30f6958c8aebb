import Foundation
import KioskCore
import KioskFixtures
import KioskProtocol
import KioskStore
import Logging
import Testing
@testable import KioskDaemon

/// The role × method matrix, generated from the declarations (``Methods/all``): every method
/// is asked by every role through the real router, over a real SQLite store holding the demo
/// accounts, and the one access check must answer exactly as the declaration says.
@Suite("Method access from the declarations")
struct MethodAccessTests {
    /// A router over a fresh store with the demo accounts, and a way to send it one line.
    struct Bench {
        let directory: URL
        let router: RequestRouter

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("method-access-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try KioskStore(directory: directory.path)
            let now = Date()
            let audit = AuditEntry(uid: 0, userName: "test", role: "technician", action: "sync.apply", detail: "")
            _ = try await store.apply(DemoStore.document(today: DemoStore.today(at: now), now: Instant(now)), audit: audit)
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let vault = CaptureVault(store: store, kioskID: "K-TEST", logger: logger)
            let devices = DeviceManager(store: store, vault: vault, logger: logger, allowEmulated: true)
            let sessions = SessionRegistry(store: store, policy: SessionPolicy(), logger: logger)
            router = RequestRouter(store: store, devices: devices, sessions: sessions, roles: RoleTable(), logger: logger, version: "test")
        }

        func cleanUp() { try? FileManager.default.removeItem(at: directory) }

        /// One request on `state`'s connection as `role`; the reply as a JSON object.
        func send(_ method: String, params: String = "{}", as role: Role, on state: inout ConnectionState) async throws -> [String: Any] {
            let caller = Caller(peer: PeerIdentity(pid: 1, uid: 4242, groups: [], userName: "tester"), role: role)
            let line = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
            let reply = await router.reply(to: Array(line.utf8), from: caller, state: &state)
            return try #require(try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])
        }
    }

    static func error(_ reply: [String: Any]) -> (code: Int, kind: String?, message: String)? {
        guard let error = reply["error"] as? [String: Any] else { return nil }
        return (error["code"] as? Int ?? 0, (error["data"] as? [String: Any])?["kind"] as? String, error["message"] as? String ?? "")
    }

    /// Whether `{}` is a complete set of params for `method` (then the session check is reached).
    static func takesEmptyParams<M: RPCMethod>(_ method: M) -> Bool {
        (try? JSONDecoder().decode(M.Params.self, from: Data("{}".utf8))) != nil
    }

    @Test("the router serves every declared method, and only those")
    func tableCoversTheDeclarations() async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        #expect(bench.router.table.missing.isEmpty, "declared but not served: \(bench.router.table.missing)")
        #expect(Set(bench.router.table.entries.keys) == Set(Methods.all.map { $0.name }))
        #expect(Set(Methods.all.map { $0.name }).count == Methods.all.count, "a method is declared twice")
    }

    @Test("every role × every method: refused by role exactly when the declaration says", arguments: Role.allCases)
    func roleMatrix(role: Role) async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        for method in Methods.all {
            var state = ConnectionState(id: ConnectionID.next())
            let reply = try await bench.send(method.name, as: role, on: &state)
            let refusedByRole = Self.error(reply).map { $0.code == -32001 && $0.message.contains("\(method.name) needs") } ?? false
            #expect(refusedByRole == !method.access.admits(role), "\(role.rawValue) calling \(method.name): \(reply)")
            #expect(Self.error(reply)?.code != -32601, "\(method.name) is declared but not found")
            if refusedByRole {
                let group = method.access.lowestRole == .technician ? "kiosk-tech" : "kiosk-manager"
                #expect(Self.error(reply)?.message.contains("add the user to group \(group)") == true, "\(reply)")
            }
        }
    }

    @Test("hello lists exactly the methods each role may call", arguments: Role.allCases)
    func helloCapabilities(role: Role) async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        var state = ConnectionState(id: ConnectionID.next())
        let reply = try await bench.send("hello", as: role, on: &state)
        let capabilities = try #require((reply["result"] as? [String: Any])?["capabilities"] as? [String])
        #expect(capabilities == Methods.all.filter { $0.access.admits(role) }.map { $0.name })
    }

    @Test("the front outside a session: every customer and signed-in method says sign in first")
    func frontNeedsASession() async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        for method in Methods.all where method.access.session != .none {
            var state = ConnectionState(id: ConnectionID.next())
            let reply = try await bench.send(method.name, as: .front, on: &state)
            let error = try #require(Self.error(reply), "\(method.name) answered the front without a session: \(reply)")
            if Self.takesEmptyParams(method) {
                #expect(error.kind == "not_signed_in", "\(method.name): \(reply)")
            } else {
                #expect(error.code == -32602, "\(method.name): \(reply)")  // its params are checked first
            }
        }
    }

    @Test("signed in as a view-only contact: each method needing a permission the profile lacks is refused with its sentence")
    func permissionsFromTheProfile() async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        let jamie = try #require(DemoStore.logins.first { $0.contact == "C-1001-2" })
        var state = ConnectionState(id: ConnectionID.next())
        let signIn = try await bench.send("session.begin", params: #"{"account":"1001","contact":"C-1001-2","pin":"\#(jamie.pin)"}"#,
                                          as: .front, on: &state)
        let granted = try #require(((signIn["result"] as? [String: Any])?["contact"] as? [String: Any])?["permissions"] as? [String])
        #expect(!granted.contains("pay"))
        var refused = 0
        for method in Methods.all where Self.takesEmptyParams(method) && method.name != Methods.sessionEnd.name {
            let needed: [ContactPermission] = switch method.access.session {
            case .customer(let p), .signedIn(let p): p
            case .none: []
            }
            let reply = try await bench.send(method.name, as: .front, on: &state)
            if let first = needed.first, !needed.contains(where: { granted.contains($0.rawValue) }) {
                #expect(Self.error(reply)?.kind == "permission_denied" && Self.error(reply)?.message == first.refusal, "\(method.name): \(reply)")
                refused += 1
            } else {
                #expect(Self.error(reply)?.kind != "permission_denied" || !method.access.admits(.front), "\(method.name): \(reply)")
            }
        }
        #expect(refused >= 2, "payment.options and payment.quote need pay")
        // Another account's data is refused, whatever the profile allows.
        let other = try await bench.send("account.get", params: #"{"account":"2001"}"#, as: .front, on: &state)
        #expect(Self.error(other)?.kind == "permission_denied", "\(other)")
    }

    @Test("staff read any account they name without a session; naming none without a session is sign in first")
    func staffNameTheAccount() async throws {
        let bench = try await Bench()
        defer { bench.cleanUp() }
        for method in Methods.all where method.access.session != .none && method.access.admits(.manager) {
            guard case .customer = method.access.session, Self.takesEmptyParams(method) else { continue }
            var state = ConnectionState(id: ConnectionID.next())
            let named = try await bench.send(method.name, params: #"{"account":"1001"}"#, as: .manager, on: &state)
            #expect(named["result"] != nil || (Self.error(named).map { $0.kind != "permission_denied" && $0.kind != "not_signed_in" } ?? false),
                    "\(method.name): \(named)")
            let unnamed = try await bench.send(method.name, as: .manager, on: &state)
            #expect(Self.error(unnamed)?.kind == "not_signed_in", "\(method.name): \(unnamed)")
        }
    }
}
