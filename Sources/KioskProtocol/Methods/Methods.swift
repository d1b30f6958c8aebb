/// Every socket method this daemon serves, one declaration each, grouped by area in this
/// folder; each area's file lists its own (adding a method touches only its area's file).
/// ``all`` is the order `hello` lists them in.
public enum Methods {
    /// Every declared method. The daemon's handler table must serve exactly these (it stops
    /// at start-up otherwise), and a test checks docs/PROTOCOL.md's method table against them.
    public static let all: [any RPCMethod] = session + account + sync + device + provision + payment + link + document
        + calendar + people + paymentMethod + autopay + audit + report + maintenance + search + receipt

    /// The declaration called `name`, if any.
    public static func named(_ name: String) -> (any RPCMethod)? {
        byName[name]
    }

    private static let byName: [String: any RPCMethod] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
