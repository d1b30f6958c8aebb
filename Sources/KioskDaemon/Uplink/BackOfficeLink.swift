import Foundation

/// The link as the rest of the daemon sees it: the relay (when `[backoffice]` is configured)
/// and its status, shared with the request handlers.
public struct BackOfficeLink: Sendable {
    let relay: OutboxRelay?
    let status: LinkStatus
    let url: String?

    public init() { relay = nil; status = LinkStatus(); url = nil }
    init(relay: OutboxRelay, status: LinkStatus, url: String) { self.relay = relay; self.status = status; self.url = url }
}
