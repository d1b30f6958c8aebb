import Foundation

/// A store branch: its time zone decides "today" for every figure of its accounts.
public struct Branch: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// IANA zone name, e.g. `America/Chicago`.
    public var timeZone: String
    public var acceptOnlinePayments: Bool
    public var payFinanceChargesFirst: Bool
    /// The branch's payment terms; nil means the kiosk's default text is used.
    public var terms: String?
    public var notifyEmail: String?
    public var notifyUser: String?

    enum CodingKeys: String, CodingKey {
        case id, name, timeZone = "time_zone", acceptOnlinePayments = "accept_online_payments"
        case payFinanceChargesFirst = "pay_finance_charges_first", terms, notifyEmail = "notify_email"
        case notifyUser = "notify_user"
    }

    public init(id: String, name: String, timeZone: String, acceptOnlinePayments: Bool = true,
                payFinanceChargesFirst: Bool = false, terms: String? = nil, notifyEmail: String? = nil, notifyUser: String? = nil) {
        self.id = id; self.name = name; self.timeZone = timeZone; self.acceptOnlinePayments = acceptOnlinePayments
        self.payFinanceChargesFirst = payFinanceChargesFirst; self.terms = terms; self.notifyEmail = notifyEmail
        self.notifyUser = notifyUser
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        timeZone = try c.decode(String.self, forKey: .timeZone)
        acceptOnlinePayments = try c.decodeIfPresent(Bool.self, forKey: .acceptOnlinePayments) ?? false
        payFinanceChargesFirst = try c.decodeIfPresent(Bool.self, forKey: .payFinanceChargesFirst) ?? false
        terms = try c.decodeIfPresent(String.self, forKey: .terms)
        notifyEmail = try c.decodeIfPresent(String.self, forKey: .notifyEmail)
        notifyUser = try c.decodeIfPresent(String.self, forKey: .notifyUser)
    }

    /// The branch's zone; validation guarantees the name is known.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }

    /// The day it is now at this branch.
    public func today(at now: Date) -> LocalDate { LocalDate(instant: now, in: zone) }

    /// The instant `day` begins in the branch's zone (when a scheduled payment becomes due).
    public func startOfDay(_ day: LocalDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: day.year, month: day.month, day: day.day)
        return calendar.date(from: components).map { calendar.startOfDay(for: $0) } ?? Date(timeIntervalSince1970: 0)
    }
}

/// A store user (employee): representatives, receivables managers, people to notify.
public struct StoreUser: Codable, Sendable, Equatable {
    public enum NotifyMethod: String, Codable, Sendable, CaseIterable { case queue, email, text }
    public var id: String
    public var firstName: String
    public var lastName: String
    public var email: String?
    public var cell: String?
    public var notify: [NotifyMethod]

    enum CodingKeys: String, CodingKey { case id, firstName = "first_name", lastName = "last_name", email, cell, notify }

    public init(id: String, firstName: String, lastName: String, email: String? = nil, cell: String? = nil, notify: [NotifyMethod] = []) {
        self.id = id; self.firstName = firstName; self.lastName = lastName; self.email = email; self.cell = cell; self.notify = notify
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        firstName = try c.decode(String.self, forKey: .firstName)
        lastName = try c.decode(String.self, forKey: .lastName)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        cell = try c.decodeIfPresent(String.self, forKey: .cell)
        notify = try c.decodeIfPresent([NotifyMethod].self, forKey: .notify) ?? []
    }
}

/// What a contact's profile lets them do at the kiosk.
public enum Permission: String, Codable, Sendable, CaseIterable {
    case viewBalances = "view_balances"
    case viewOpenItems = "view_open_items"
    case pay
    case viewCredits = "view_credits"
    case viewStatements = "view_statements"
    case viewHistory = "view_history"
    case receiveReceipts = "receive_receipts"
    case manageAutopay = "manage_autopay"
}

/// A named set of permissions.
public struct Profile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var permissions: [Permission]
    public init(id: String, name: String, permissions: [Permission]) { self.id = id; self.name = name; self.permissions = permissions }
}
