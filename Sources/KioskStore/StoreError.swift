import Foundation
import KioskCore

/// Why the store could not do what was asked, as a sentence a technician can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case lockedByAnotherDaemon(directory: String, pid: String?)
    case notADatabase(path: String)
    case readOnly(path: String)
    case cannotOpen(path: String, reason: String)
    case corrupt(path: String, detail: String)
    case durabilityNotGuaranteed(found: Int)
    case invalidDocument(SyncDocumentError)
    case olderDocument(stored: String, received: String)
    case io(String)
    /// The write contradicts what is stored (the sentence says what and what to do).
    case conflict(String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the data directory \(path): \(reason); create it and give the kioskd user write access"
        case .lockedByAnotherDaemon(let dir, let pid):
            let who = pid.map { "kioskd (pid \($0))" } ?? "another kioskd"
            return "\(who) is already using the data directory \(dir); stop it first (systemctl stop kioskd) or pass another --data-dir"
        case .notADatabase(let path):
            return "\(path) is not a kioskpay database (SQLite says: file is not a database); move it aside and restore the last backup or re-sync"
        case .readOnly(let path):
            return "\(path) cannot be written (read-only file, directory or file system); give the kioskd user write access to it"
        case .cannotOpen(let path, let reason):
            return "cannot open the database \(path): \(reason)"
        case .corrupt(let path, let detail):
            return "the database \(path) failed its integrity check (\(detail)); stop the kiosk, move the file aside and restore the last backup"
        case .durabilityNotGuaranteed(let found):
            return "SQLite refused synchronous=FULL (found \(found)); payments would not be durable, so the daemon will not start"
        case .invalidDocument(let error):
            return "the sync document was refused: \(error.description)"
        case .olderDocument(let stored, let received):
            return "the sync document is dated \(received), older than the data already loaded (\(stored)); send a newer document"
        case .io(let text):
            return text
        case .conflict(let text):
            return text
        }
    }
}
