import Foundation

/// One billed line of an invoice (sync `items[].lines`): a name and a signed amount (a
/// discount is negative). Their sum need not equal the invoice's amount.
public struct InvoiceLine: Codable, Sendable, Equatable {
    public static let nameLength = 1...200
    public var name: String
    public var amount: Int

    public init(name: String, amount: Int) { self.name = name; self.amount = amount }

    enum CodingKeys: String, CodingKey { case name, amount }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        amount = try c.decodeWhole(forKey: .amount)
    }
}

/// A past statement's aging as the back office printed it: all five buckets, or none.
public struct StatementAging: Codable, Sendable, Equatable {
    public var current: Int, days1to30: Int, days31to60: Int, days61to90: Int, over90: Int

    enum CodingKeys: String, CodingKey {
        case current, days1to30 = "1_30", days31to60 = "31_60", days61to90 = "61_90", over90 = "over_90"
    }

    public init(current: Int, days1to30: Int, days31to60: Int, days61to90: Int, over90: Int) {
        self.current = current; self.days1to30 = days1to30; self.days31to60 = days31to60
        self.days61to90 = days61to90; self.over90 = over90
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        current = try c.decodeWhole(forKey: .current)
        days1to30 = try c.decodeWhole(forKey: .days1to30)
        days31to60 = try c.decodeWhole(forKey: .days31to60)
        days61to90 = try c.decodeWhole(forKey: .days61to90)
        over90 = try c.decodeWhole(forKey: .over90)
    }

    /// The buckets with their sync keys, in printed order.
    public var buckets: [(key: String, amount: Int)] {
        [("current", current), ("1_30", days1to30), ("31_60", days31to60), ("61_90", days61to90), ("over_90", over90)]
    }
}

/// One printed line of a past statement: `amount` ≥ 0, the kind gives the sign.
public struct StatementLine: Codable, Sendable, Equatable {
    public var date: LocalDate
    public var kind: ItemKind
    public var number: String
    public var amount: Int

    public init(date: LocalDate, kind: ItemKind, number: String, amount: Int) {
        self.date = date; self.kind = kind; self.number = number; self.amount = amount
    }

    enum CodingKeys: String, CodingKey { case date, kind, number, amount }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(LocalDate.self, forKey: .date)
        kind = try c.decode(ItemKind.self, forKey: .kind)
        number = try c.decode(String.self, forKey: .number)
        amount = try c.decodeWhole(forKey: .amount)
    }
}
