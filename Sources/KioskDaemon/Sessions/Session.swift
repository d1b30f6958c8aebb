import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// One signed-in customer on one front connection.
struct Session: Sendable {
    let token: String
    let account: String
    /// As stored at the start of the current request (``SessionRegistry/currentAsStored(_:)``):
    /// a profile changed by a manager applies from the next request.
    var contact: SignInContact
    let started: ContinuousClock.Instant
    var lastActivity: ContinuousClock.Instant

    func allows(_ permission: Permission) -> Bool { contact.permissions.contains(permission.rawValue) }
    func allows(_ permission: ContactPermission) -> Bool { contact.permissions.contains(permission.rawValue) }
}
