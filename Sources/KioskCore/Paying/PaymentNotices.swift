import Foundation

/// Who is told about a submitted payment (DOMAIN.md "After a payment is submitted"): the
/// account's assigned user, the receivables manager, the branch's notify user — each by the
/// methods that user chose — and the branch's notify email address; one person is told once.
public struct NoticeRecipient: Sendable, Equatable {
    public enum Who: Sendable, Equatable {
        case user(StoreUser)
        case address(String)
    }
    public var who: Who
    /// `queue`, `email`, `text` for users; `email` for an address.
    public var methods: [String]
    /// Why this person is told (assigned_user, receivables_manager, branch_user, branch_email), in order.
    public var roles: [String]

    /// Stable key for deduplication and idempotency keys.
    public var key: String {
        switch who {
        case .user(let u): return "user:\(u.id)"
        case .address(let a): return "email:\(a.lowercased())"
        }
    }
}

public enum PaymentNotices {
    /// The deduplicated recipients. A user is the same person whichever role names them; the
    /// branch address is the same person as a named user who has that email address and is
    /// told by email (so they do not get two emails).
    public static func recipients(assignedUser: StoreUser?, receivablesManager: StoreUser?, branchUser: StoreUser?,
                                  branchEmail: String?) -> [NoticeRecipient] {
        var out: [NoticeRecipient] = []
        for (user, role) in [(assignedUser, "assigned_user"), (receivablesManager, "receivables_manager"), (branchUser, "branch_user")] {
            guard let user else { continue }
            if let i = out.firstIndex(where: { $0.key == "user:\(user.id)" }) { out[i].roles.append(role); continue }
            out.append(NoticeRecipient(who: .user(user), methods: user.notify.map(\.rawValue), roles: [role]))
        }
        if let email = branchEmail?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
            let sameUser = out.firstIndex { r in
                if case .user(let u) = r.who { return u.email?.lowercased() == email.lowercased() && u.notify.contains(.email) }
                return false
            }
            if let i = sameUser { out[i].roles.append("branch_email") }
            else { out.append(NoticeRecipient(who: .address(email), methods: ["email"], roles: ["branch_email"])) }
        }
        // A user who chose no method is not told (their choice), but stays deduplicated above.
        return out.filter { !$0.methods.isEmpty }
    }

    /// Contacts who get a receipt: not revoked, with an email, and whose profile receives receipts.
    public static func receiptContacts(_ contacts: [Contact], permissions: [String: [String]]) -> [Contact] {
        var seen = Set<String>()
        return contacts.filter { c in
            guard !c.revoked, let email = c.email, !email.isEmpty,
                  permissions[c.profile]?.contains(Permission.receiveReceipts.rawValue) == true else { return false }
            return seen.insert(email.lowercased()).inserted
        }
    }
}

/// The terms a customer accepts before paying: the branch's text, or this default.
public enum PaymentTerms {
    public static let defaultText = """
    By paying, I authorize the store to charge the amount shown to the payment method I chose, \
    to apply it to the invoices or balance shown, and I confirm I am allowed to use this payment \
    method for this account. Questions about this payment: contact the store.
    """

    public static func text(for branch: Branch) -> String {
        if let terms = branch.terms, !terms.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return terms }
        return defaultText
    }
}
