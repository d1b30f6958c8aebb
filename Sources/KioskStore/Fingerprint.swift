import Foundation

/// A 128-bit change fingerprint (two FNV-1a 64 lanes with different bases).
///
/// It only answers "did this account's data change since the last sync?", so that applying
/// the same document twice writes nothing. It is not a security hash and guards no secret.
struct Fingerprint {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Fingerprint.prime
            b = (b ^ UInt64(byte ^ 0x5a)) &* Fingerprint.prime
        }
    }

    var hex: String {
        func h(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return h(a) + h(b)
    }

    static func of(_ data: Data) -> String {
        var f = Fingerprint()
        f.add(data)
        return f.hex
    }
}
