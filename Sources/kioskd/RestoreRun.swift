#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskStore
import KioskSystem

/// `kioskd --restore FILE`: the store's restore (KioskStore.restore), its report on stdout,
/// and the exit status for each refusal (Kioskd.exitCauses).
struct RestoreRun {
    let file: String
    let dataDirectory: String

    func run() -> Never {
        let uid = getuid()
        let user = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(uid)"
        let outcome: RestoreOutcome
        do {
            outcome = try KioskStore.restore(from: file, directory: dataDirectory, uid: uid, userName: user)
        } catch {
            fail(error.description, status: Self.status(error))
        }
        var lines = ["Restored \(file) (\(outcome.bytes) bytes, sha256 \(outcome.sha256)) into \(dataDirectory)/\(KioskStore.fileName):"
                     + " \(outcome.accounts) account(s), \(outcome.payments) payment(s); integrity checked."]
        lines.append(outcome.keptAs.map { "The database that was there is kept as \($0)." } ?? "There was no database before.")
        if !outcome.migrated.isEmpty { lines.append("Brought up to this kioskd's schema: \(outcome.migrated.joined(separator: ", ")).") }
        lines.append("Start kioskd now: systemctl start kioskd.socket kioskd")
        StandardStreams.output(lines.joined(separator: "\n") + "\n")
        exit(ExitStatus.success.rawValue)
    }

    static func status(_ error: RestoreError) -> ExitStatus {
        switch error {
        case .daemonRunning: return .unavailable
        case .missingFile: return .noInput
        case .notADatabase, .failedIntegrity, .notKioskpay, .newerSchema: return .dataError
        case .store: return .ioError
        }
    }
}
