import Foundation

/// How an account's receivables are kept: paid invoice by invoice, or as a running balance.
public enum ReceivablesType: String, Codable, Sendable, CaseIterable {
    case openItem = "open_item"
    case balanceForward = "balance_forward"
}

/// Whether an account is billed as one, or per job (job 0 is the master job).
public enum BillingType: String, Codable, Sendable, CaseIterable {
    case account
    case job
}

/// A job on a job-billed account.
public struct Job: Codable, Sendable, Equatable {
    public var number: Int
    public var name: String
    public init(number: Int, name: String) { self.number = number; self.name = name }

    enum CodingKeys: String, CodingKey { case number, name }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decodeWhole(forKey: .number)
        name = try c.decode(String.self, forKey: .name)
    }
}

/// Links to outside systems; a nil link is shown, because it explains missing data.
public struct AccountLinks: Codable, Sendable, Equatable {
    public var erp: String?
    public var accounting: String?
    public var gateway: String?
    public init(erp: String? = nil, accounting: String? = nil, gateway: String? = nil) {
        self.erp = erp; self.accounting = accounting; self.gateway = gateway
    }
}

/// A person who may sign in at the kiosk for an account.
public struct Contact: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var profile: String
    public var revoked: Bool
    /// PHC-style `$pbkdf2-sha256$i=N$SALT$KEY`; never a clear PIN.
    public var pinHash: String?

    enum CodingKeys: String, CodingKey { case id, name, email, profile, revoked, pinHash = "pin_hash" }

    public init(id: String, name: String, email: String? = nil, profile: String, revoked: Bool = false, pinHash: String? = nil) {
        self.id = id; self.name = name; self.email = email; self.profile = profile; self.revoked = revoked; self.pinHash = pinHash
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        profile = try c.decode(String.self, forKey: .profile)
        revoked = try c.decodeIfPresent(Bool.self, forKey: .revoked) ?? false
        pinHash = try c.decodeIfPresent(String.self, forKey: .pinHash)
    }
}

/// A customer account as the back office sends it, with everything the kiosk shows about it.
public struct Account: Codable, Sendable, Equatable {
    public var number: String
    public var name: String
    public var company: String?
    /// Up to two address lines; empty lines are kept here and hidden when shown.
    public var address: [String]
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var phone: String?
    public var branch: String
    /// Minor units.
    public var creditLimit: Int
    /// Open orders and work orders not yet invoiced, in minor units.
    public var pendingTransactions: Int
    public var receivablesType: ReceivablesType
    public var billingType: BillingType
    public var assignedUser: String?
    public var links: AccountLinks
    public var jobs: [Job]
    public var contacts: [Contact]
    public var items: [Item]
    public var sales: [Sale]
    public var payments: [ProcessedPayment]
    public var cardsOnFile: [CardOnFile]
    public var statements: [Statement]
    /// Bank accounts the back office holds for the account (SYNC.md "Optional additions").
    public var bankAccountsOnFile: [BankAccountOnFile] = []
    /// The back office's autopay rules, in order. nil: the document did not say (the rules
    /// stay as they are); `[]`: there are none.
    public var autopayRules: [AutopayRule]?

    enum CodingKeys: String, CodingKey {
        case number, name, company, address, city, region, postalCode = "postal_code", country, phone, branch
        case creditLimit = "credit_limit", pendingTransactions = "pending_transactions"
        case receivablesType = "receivables_type", billingType = "billing_type", assignedUser = "assigned_user"
        case links, jobs, contacts, items, sales, payments, cardsOnFile = "cards_on_file", statements
        case bankAccountsOnFile = "bank_accounts_on_file", autopayRules = "autopay_rules"
    }

    public init(number: String, name: String, company: String? = nil, address: [String] = [], city: String? = nil,
                region: String? = nil, postalCode: String? = nil, country: String? = nil, phone: String? = nil,
                branch: String, creditLimit: Int = 0, pendingTransactions: Int = 0,
                receivablesType: ReceivablesType = .openItem, billingType: BillingType = .account,
                assignedUser: String? = nil, links: AccountLinks = AccountLinks(), jobs: [Job] = [],
                contacts: [Contact] = [], items: [Item] = [], sales: [Sale] = [], payments: [ProcessedPayment] = [],
                cardsOnFile: [CardOnFile] = [], statements: [Statement] = []) {
        self.number = number; self.name = name; self.company = company; self.address = address; self.city = city
        self.region = region; self.postalCode = postalCode; self.country = country; self.phone = phone
        self.branch = branch; self.creditLimit = creditLimit; self.pendingTransactions = pendingTransactions
        self.receivablesType = receivablesType; self.billingType = billingType; self.assignedUser = assignedUser
        self.links = links; self.jobs = jobs; self.contacts = contacts; self.items = items; self.sales = sales
        self.payments = payments; self.cardsOnFile = cardsOnFile; self.statements = statements
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        name = try c.decode(String.self, forKey: .name)
        company = try c.decodeIfPresent(String.self, forKey: .company)
        address = try c.decodeIfPresent([String].self, forKey: .address) ?? []
        city = try c.decodeIfPresent(String.self, forKey: .city)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        postalCode = try c.decodeIfPresent(String.self, forKey: .postalCode)
        country = try c.decodeIfPresent(String.self, forKey: .country)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        branch = try c.decode(String.self, forKey: .branch)
        creditLimit = try c.decodeWhole(forKey: .creditLimit)
        pendingTransactions = try c.decodeWholeIfPresent(forKey: .pendingTransactions) ?? 0
        receivablesType = try c.decode(ReceivablesType.self, forKey: .receivablesType)
        billingType = try c.decode(BillingType.self, forKey: .billingType)
        assignedUser = try c.decodeIfPresent(String.self, forKey: .assignedUser)
        links = try c.decodeIfPresent(AccountLinks.self, forKey: .links) ?? AccountLinks()
        jobs = try c.decodeIfPresent([Job].self, forKey: .jobs) ?? []
        contacts = try c.decodeIfPresent([Contact].self, forKey: .contacts) ?? []
        items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
        sales = try c.decodeIfPresent([Sale].self, forKey: .sales) ?? []
        payments = try c.decodeIfPresent([ProcessedPayment].self, forKey: .payments) ?? []
        cardsOnFile = try c.decodeIfPresent([CardOnFile].self, forKey: .cardsOnFile) ?? []
        statements = try c.decodeIfPresent([Statement].self, forKey: .statements) ?? []
        bankAccountsOnFile = try c.decodeIfPresent([BankAccountOnFile].self, forKey: .bankAccountsOnFile) ?? []
        autopayRules = try c.decodeIfPresent([AutopayRule].self, forKey: .autopayRules)
    }

    /// Address lines that are used (non-blank), in order.
    public var usedAddressLines: [String] {
        address.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
