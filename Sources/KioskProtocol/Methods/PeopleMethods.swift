/// The account's people: contacts and their profiles for managers, and the customer's own
/// PIN (PROTOCOL.md "People").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let people: [any RPCMethod] = [
        contactsList, contactUnlock, contactRevoke, contactRestore, contactSetProfile, contactSetPIN, pinChange, profilesList,
    ]

    public static let contactsList = MethodDeclaration<ContactsListParams, ContactsListResult>("contacts.list", .staff)
    public static let contactUnlock = MethodDeclaration<ContactParams, ContactInfo>("contact.unlock", .staff)
    public static let contactRevoke = MethodDeclaration<ContactParams, ContactInfo>("contact.revoke", .staff)
    public static let contactRestore = MethodDeclaration<ContactParams, ContactInfo>("contact.restore", .staff)
    public static let contactSetProfile = MethodDeclaration<ContactSetProfileParams, ContactInfo>("contact.set_profile", .staff)
    public static let contactSetPIN = MethodDeclaration<ContactSetPINParams, ContactInfo>("contact.set_pin", .staff)
    public static let pinChange = MethodDeclaration<PINChangeParams, OKResult>("pin.change", .signedIn())
    public static let profilesList = MethodDeclaration<EmptyParams, ProfilesListResult>("profiles.list", .staff)
}
