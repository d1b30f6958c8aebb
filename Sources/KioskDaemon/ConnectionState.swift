import Foundation
import KioskProtocol

/// What one connection carries between its requests. Requests on a connection are served in
/// order by one task, so this is plain value state, never shared.
public struct ConnectionState: Sendable {
    /// Which connection this is (captures and events are addressed by it).
    public let id: ConnectionID
    /// A chunked sync document being received (at most one per connection).
    var upload: PendingUpload?
    public init(id: ConnectionID) { self.id = id }
}

/// A sync document arriving in chunks; it lives and dies with its connection (its spool file
/// has no name and closes with the last copy of this value).
struct PendingUpload: Sendable {
    let id: String
    let size: Int
    var received: Int
    let spool: SyncUploadSpool
}
