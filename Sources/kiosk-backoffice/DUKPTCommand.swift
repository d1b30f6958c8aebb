import ArgumentParser
import KioskCrypto

/// `kiosk-backoffice dukpt`: the technician's check that a BDK and a reader's KSN give the key
/// (or the clear data) the back office expects, e.g. when a reader is swapped or re-keyed.
struct DUKPTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dukpt",
        abstract: "Derive a DUKPT working key, or decrypt a reader's data, from a BDK and a KSN.",
        discussion: """
            Without --aes128/--aes256 the BDK is a 16-byte TDES key and the KSN 10 bytes \
            (ANSI X9.24-1:2009, the MagTek and ID TECH swipe readers). With them the BDK is an AES key \
            of that size and the KSN 12 bytes (ANSI X9.24-3-2017); working keys have the BDK's own size.

            Variants (default: pin, the card-data key of MagTek readers):
              pin       TDES PIN variant; AES key usage 0x1000 (PIN encryption)
              data      TDES data-request variant; AES key usage 0x3000 (data)
              data-owf  TDES data-request variant + the X9.24-1:2009 one-way
                        step (ID TECH's default); not for AES
              mac       TDES MAC-request variant; AES key usage 0x2000 (MAC)
            If a TDES decryption gives garbage, try pin, data-owf and data in turn.

            Prints one line of uppercase hex: the working key, or with --decrypt the clear data \
            (CBC, zero IV; the reader's zero padding is kept). Hex may contain spaces.

            Keys and clear card data are printed, and a key on the command line is visible to other \
            users of this machine: run it only on a secured back-office machine.
            """)

    /// Which DUKPT the BDK belongs to.
    enum Scheme: String, EnumerableFlag {
        case tdes, aes128, aes256

        static func help(for value: Scheme) -> ArgumentHelp? {
            switch value {
            case .tdes: "TDES DUKPT with a 16-byte BDK and a 10-byte KSN."
            case .aes128: "AES DUKPT with a 16-byte AES-128 BDK and a 12-byte KSN."
            case .aes256: "AES DUKPT with a 32-byte AES-256 BDK and a 12-byte KSN."
            }
        }
    }

    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case pin, data, dataOWF = "data-owf", mac
    }

    @Option(help: ArgumentHelp("Base derivation key, hex.", valueName: "hex"))
    var bdk: String

    @Option(help: ArgumentHelp("Key serial number as the reader sends it, hex.", valueName: "hex"))
    var ksn: String

    @Flag var scheme: Scheme = .tdes

    @Option(help: "Working key: pin, data, data-owf (TDES only) or mac.")
    var variant: Variant = .pin

    @Option(name: .customLong("decrypt"), help: ArgumentHelp("Ciphertext to decrypt with the working key, hex.", valueName: "hex"))
    var ciphertext: String?

    func run() throws {
        var key = try workingKey()
        defer { DUKPT.wipe(&key) }
        guard let ciphertext else {
            emit(DUKPTHex.encode(key))
            return
        }
        let data = try DUKPTHex.decode(ciphertext, field: "ciphertext (--decrypt)")
        var clear = scheme == .tdes
            ? try DUKPTCipher.tdesCBCDecrypt(key: key, data: data)
            : try DUKPTCipher.aesCBCDecrypt(key: key, data: data)
        defer { DUKPT.wipe(&clear) }
        emit(DUKPTHex.encode(clear))
    }

    private func workingKey() throws -> [UInt8] {
        var bdkBytes = try DUKPTHex.decode(bdk, field: "BDK")
        defer { DUKPT.wipe(&bdkBytes) }
        switch scheme {
        case .tdes:
            guard bdkBytes.count == TDESDUKPT.keyLength else {
                throw DUKPTCommandError(
                    "The BDK must be 16 bytes (32 hex digits) for TDES DUKPT, but \(bdkBytes.count) bytes were given; "
                        + "add --aes128 or --aes256 for an AES BDK.")
            }
            let tdesVariant: TDESDUKPT.Variant = switch variant {
            case .pin: .pin
            case .data: .dataRequest
            case .dataOWF: .dataRequestOWF
            case .mac: .mac
            }
            return try TDESDUKPT.workingKey(bdk: bdkBytes, ksn: TDESDUKPT.KSN(hex: ksn), variant: tdesVariant)
        case .aes128, .aes256:
            let expected = scheme == .aes128 ? 16 : 32
            guard bdkBytes.count == expected else {
                throw DUKPTCommandError(
                    "--\(scheme.rawValue) needs a \(expected)-byte BDK (\(expected * 2) hex digits), but \(bdkBytes.count) bytes were given.")
            }
            let usage: AESDUKPT.KeyUsage
            switch variant {
            case .pin: usage = .pinEncryption
            case .data: usage = .dataEncryption
            case .mac: usage = .macGeneration
            case .dataOWF:
                throw DUKPTCommandError("--variant data-owf is TDES only; AES DUKPT has no one-way step, use --variant data.")
            }
            return try AESDUKPT.workingKey(bdk: bdkBytes, ksn: AESDUKPT.KSN(hex: ksn), usage: usage)
        }
    }
}

/// A usage mistake in `dukpt` that the key library cannot name (it prints as one line).
private struct DUKPTCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
