import Foundation
import KioskCrypto
import KioskDevices
import KioskProtocol

/// An emulated MagTek MagneSafe V5 (encrypting) reader: it masks the tracks the way the
/// factory-set reader does, encrypts each track with TDES DUKPT under the ANSI X9.24 test BDK
/// (PIN variant, MagTek's default) with a real, advancing KSN, and builds the 887-byte HID
/// report — which then goes through the real `MagneSafeHIDDecoder`. So the demo and the tests
/// carry genuine reader ciphertext that only a holder of the BDK can read, and the kiosk
/// forwards it without decrypting.
///
/// The test BDK `0123456789ABCDEFFEDCBA9876543210` is public: this reader is for demos and
/// tests only, like every `emulated-*` device.
actor EmulatedSecureReader {
    static let id = "emulated-secure-reader-1"
    static let serial = "EMU-SECURE-1"

    static var info: DeviceInfo {
        DeviceInfo(id: id, kind: .cardReader, driver: "emulated-\(MagneSafeHIDDecoder.driverName)",
                   vendorID: 0x0801, productID: 0x0011, serial: serial, allowed: false, state: .attached)
    }

    private var ksn: TDESDUKPT.KSN

    init() {
        // Counter 1 of the X9.24 test key: a fresh reader's first transaction.
        ksn = (try? TDESDUKPT.KSN(DUKPT.ansiTestInitialKSN).withCounter(1))!
    }

    /// The report a real reader would send for a swipe of these clear tracks (SS…ES each).
    func report(track1: String?, track2: String?) throws -> [UInt8] {
        let current = ksn
        do { ksn = try ksn.next() } catch { throw RPCError.app(.deviceUnavailable, "the emulated secure reader has used up its keys; restart kioskd") }
        func track(_ clear: String?) throws -> MagneSafeReportEncoder.Track {
            guard let clear, !clear.isEmpty else { return .absent }
            var bytes = Array(clear.utf8)
            defer { for i in bytes.indices { bytes[i] = 0 } }
            let ciphertext: [UInt8]
            do {
                ciphertext = try TDESDUKPT.encrypt(data: bytes, bdk: DUKPT.ansiTestBDK, ksn: current, variant: .pin)
            } catch {
                throw RPCError.app(.deviceUnavailable, "the emulated secure reader could not encrypt: \(error.description)")
            }
            return MagneSafeReportEncoder.Track(masked: Self.masked(bytes), ciphertext: ciphertext, clearLength: bytes.count)
        }
        let fields = MagneSafeReportEncoder.Fields(
            track1: try track(track1), track2: try track(track2), cardEncodeType: 0x00,
            deviceSerial: Array(Self.serial.utf8), encryptionStatus: 0x0006, ksn: current.bytes,
            encryptedSessionID: [UInt8](repeating: 0, count: 8), version: Array("EMU-1".utf8))
        do { return try MagneSafeReportEncoder.report(fields, layout: .v887) } catch {
            throw RPCError.invalidParams("invalid params: the tracks do not fit a MagneSafe report (\(error.description))", path: "params")
        }
    }

    /// MagTek's factory masking (`04040Y` without the Mod-10 tweak): the PAN's first 4 and last
    /// 4 digits clear, the others `0`; separators, name and expiry clear; the rest `0`.
    static func masked(_ track: [UInt8]) -> [UInt8] {
        guard let start = track.first else { return [] }
        var out = [start]
        var i = 1
        if start == UInt8(ascii: "%"), i < track.count { out.append(track[i]); i += 1 }  // format code
        let panEnd = track[i...].firstIndex { $0 == UInt8(ascii: "^") || $0 == UInt8(ascii: "=") } ?? track.count - 1
        let pan = track[i..<panEnd]
        for (n, digit) in pan.enumerated() { out.append(n < 4 || n >= pan.count - 4 ? digit : UInt8(ascii: "0")) }
        i = panEnd
        var fieldSeparators = 0
        var clearAfterSeparator = 0
        while i < track.count {
            let b = track[i]
            if b == UInt8(ascii: "^") || b == UInt8(ascii: "=") {
                fieldSeparators += 1
                // Track 1: name until the next ^, then 4 expiry digits; track 2: 4 expiry digits.
                clearAfterSeparator = (start == UInt8(ascii: "%") && fieldSeparators == 1) ? Int.max : 4
                out.append(b)
            } else if b == UInt8(ascii: "?") {
                out.append(b)
            } else if clearAfterSeparator > 0 {
                out.append(b)
                if clearAfterSeparator != Int.max { clearAfterSeparator -= 1 }
            } else {
                out.append(UInt8(ascii: "0"))
            }
            i += 1
        }
        return out
    }
}
