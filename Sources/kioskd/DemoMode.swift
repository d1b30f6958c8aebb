#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures
import KioskDaemon
import KioskStore
import KioskSystem

/// `kioskd --demo`: a realistic store in its own data directory, never the real one.
enum DemoMode {
    /// Points the daemon at the demo directory and lets the user who started it in as technician.
    static func prepare(_ configuration: inout Configuration, dataDirectoryGiven: Bool, socketGiven: Bool) throws {
        if !dataDirectoryGiven {
            let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            configuration.dataDirectory = base + "/kioskd-demo"
        }
        if !socketGiven {
            configuration.socketPath = configuration.dataDirectory + "/kioskd.sock"
        }
        // Demo only: emulated reader and pad, usable at once.
        configuration.emulatedDevices = true
        configuration.allowEmulatedDevices = true
        configuration.demoSealingKey = true
        // Demo only: whoever started the demo may use every method through kioskctl.
        configuration.roles.groups[.technician, default: []].append(.gid(getgid()))
    }

    /// Applies the demo document (dated today) and prints how to sign in.
    static func seed(_ store: KioskStore, configuration: Configuration) async throws {
        let now = Date()
        let today = DemoStore.today(at: now)
        let document = DemoStore.document(today: today, now: Instant(now))
        let audit = AuditEntry(uid: getuid(), userName: "demo", role: "technician", action: "sync.apply", detail: "")
        do {
            _ = try await store.apply(document, audit: audit)
        } catch {
            // The demo store may hold newer data from an earlier run today: keep it.
            guard case .olderDocument = error else { throw error }
        }
        var lines = ["kioskd demo store: \(configuration.dataDirectory)",
                     "socket: \(configuration.socketPath)",
                     "try: kioskctl --socket \(configuration.socketPath) account show 1001",
                     "demo sign-ins (demo data only; real PINs never leave the back office):"]
        for login in DemoStore.logins {
            lines.append("  account \(login.account)  contact \(login.contact)  PIN \(login.pin)")
        }
        StandardStreams.bestEffort(Data((lines.joined(separator: "\n") + "\n").utf8), to: STDOUT_FILENO)
    }
}
