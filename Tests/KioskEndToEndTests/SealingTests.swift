import Foundation
import Testing

/// Captures sealed to the back office through the real daemon: provisioning, refusal without a
/// key, the round trip through `kiosk-backoffice open-capture`, rotation, the demo key, and a
/// leak scan of everything the kiosk wrote.
@Suite("Sealed captures", .serialized)
struct SealingTests {
    static let pan = "4111111111111111"
    /// Long enough that finding it by chance in ciphertext or base64 is out of the question.
    static let pin = "73914628"
    static let track1 = "%B4111111111111111^DOE/JOHN^28121010000000000000?"
    static let track2 = ";4111111111111111=28121010000000000000?"

    func sqlite(_ daemon: DaemonProcess, _ sql: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", sql]).stdout
    }

    /// Writes the stored envelope of `capture` to a file and opens it with the back office's key.
    func open(_ daemon: DaemonProcess, capture: String, privateKey: String) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let envelope = try sqlite(daemon, "SELECT envelope FROM sealed_capture WHERE id = '\(capture)'")
        let path = daemon.directory + "/\(capture).json"
        try envelope.write(toFile: path, atomically: true, encoding: .utf8)
        let opened = try runProcess(Products.backoffice, ["open-capture", "--private-key", privateKey, path])
        let json = (try? JSONSerialization.jsonObject(with: Data(opened.stdout.utf8))) as? [String: Any] ?? [:]
        return (opened.status, json, opened.stderr)
    }

    func swipe(_ daemon: DaemonProcess, _ client: RawClient) throws -> String {
        let capture = try client.call("device.capture.begin", params: ["kind": "card"], id: 20).result["capture"] as? String ?? ""
        #expect(try client.call("device.emulate.swipe", params: ["track1": Self.track1, "track2": Self.track2], id: 21).error == nil)
        let done = try client.nextEvent("capture.done")
        #expect(done["capture"] as? String == capture)
        return capture
    }

    @Test("without a back-office key, captures are refused with what to do; a technician installs one")
    func provisioning() throws {
        let daemon = try DaemonProcess(label: "seal-prov", configExtra: "emulated_devices = true\nkiosk_id = \"yard-7\"")
        let client = try daemon.client()
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        let refused = try client.call("device.capture.begin", params: ["kind": "card"], id: 2)
        #expect(refused.errorKind == "not_provisioned")
        #expect(refused.errorMessage.contains("kioskctl provision backoffice-key"))
        #expect(daemon.log.contains("no back-office key is installed"))
        let none = try daemon.kioskctl(["provision", "status"])
        #expect(none.stdout.contains("No back-office key is installed"))
        #expect(none.stdout.contains("yard-7"))

        // A private key file, a missing file and garbage are refused with a sentence.
        let keygen = try runProcess(Products.backoffice, ["keygen", "--out", daemon.directory + "/bo", "--key-id", "bo-2026"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let wrongKind = try daemon.kioskctl(["provision", "backoffice-key", daemon.directory + "/bo.key"])
        #expect(wrongKind.status != 0 && wrongKind.stderr.contains("a public key is needed"))
        let missing = try daemon.kioskctl(["provision", "backoffice-key", daemon.directory + "/nope.pub"])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"))
        try "garbage".write(toFile: daemon.directory + "/junk.pub", atomically: true, encoding: .utf8)
        let junk = try daemon.kioskctl(["provision", "backoffice-key", daemon.directory + "/junk.pub"])
        #expect(junk.status != 0 && junk.stderr.contains("kiosk-backoffice keygen"))
        #expect(!wrongKind.stderr.contains("private_key\""))

        let installed = try daemon.kioskctl(["provision", "backoffice-key", daemon.directory + "/bo.pub"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("bo-2026"))
        #expect(try daemon.kioskctl(["provision", "status"]).stdout.contains("sealed to back-office key bo-2026"))
        #expect(try sqlite(daemon, "SELECT action FROM audit_log").contains("provision.backoffice_key"))
        #expect(try client.call("device.capture.begin", params: ["kind": "card"], id: 3).error == nil)
    }

    @Test("managers may read the provisioning status but not install a key", .enabled(if: getuid() == 0))
    func roles() throws {
        let daemon = try DaemonProcess(label: "seal-roles")
        _ = try runProcess(Products.backoffice, ["keygen", "--out", daemon.directory + "/bo"])
        let manager = try daemon.kioskctl(["provision", "backoffice-key", daemon.directory + "/bo.pub"], uid: 50_101, gid: ScratchGroups.manager)
        #expect(manager.status != 0 && manager.stderr.contains("permission denied"))
        let status = try daemon.kioskctl(["provision", "status"], uid: 50_101, gid: ScratchGroups.manager)
        #expect(status.status == 0, "\(status.stderr)")
    }

    @Test("a swipe is sealed: the database holds an envelope only the back office opens, with the tracks inside")
    func cardRoundTrip() throws {
        let daemon = try DaemonProcess(label: "seal-card", configExtra: "emulated_devices = true\nkiosk_id = \"yard-7\"")
        let key = try daemon.provisionBackOfficeKey(keyID: "bo-one")
        let client = try daemon.client()
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        let capture = try swipe(daemon, client)
        let row = try sqlite(daemon, "SELECT kind, device, key_id, masked FROM sealed_capture WHERE id = '\(capture)'")
        #expect(row.hasPrefix("card|emulated-reader-1|bo-one|"))
        #expect(row.contains("\"last4\":\"1111\""))
        let opened = try open(daemon, capture: capture, privateKey: key)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.json["kiosk"] as? String == "yard-7")
        #expect(opened.json["device"] as? String == "emulated-reader-1")
        let payload = opened.json["payload"] as? [String: Any] ?? [:]
        #expect(payload["track2"] as? String == Self.track2)
        #expect(payload["track1"] as? String == Self.track1)
        #expect(payload["source"] as? String == "reader_clear")

        // Another back office's key opens nothing.
        let otherPrefix = daemon.directory + "/other"
        _ = try runProcess(Products.backoffice, ["keygen", "--out", otherPrefix, "--key-id", "bo-one"])
        let wrong = try open(daemon, capture: capture, privateKey: otherPrefix + ".key")
        #expect(wrong.status != 0 && wrong.stderr.contains("could not be opened"))
        #expect(!wrong.stderr.contains(Self.pan))
    }

    @Test("an encrypting reader's DUKPT ciphertext is forwarded inside the sealed capture and only the BDK opens it")
    func encryptingReader() throws {
        let daemon = try DaemonProcess(label: "seal-dukpt", configExtra: "emulated_devices = true")
        let key = try daemon.provisionBackOfficeKey()
        let client = try daemon.client()
        _ = try client.call("device.allow", params: ["id": "emulated-secure-reader-1"])
        var kSNs: [String] = []
        for round in 0..<2 {
            let capture = try client.call("device.capture.begin", params: ["kind": "card", "device": "emulated-secure-reader-1"], id: 2)
                .result["capture"] as? String ?? ""
            #expect(try client.call("device.emulate.swipe", params: ["device": "emulated-secure-reader-1", "track1": Self.track1, "track2": Self.track2], id: 3).error == nil)
            let done = try client.nextEvent("capture.done")
            let masked = done["masked"] as? [String: Any] ?? [:]
            #expect(masked["last4"] as? String == "1111")
            #expect((masked["first6"] as? String)?.hasPrefix("4111") == true)
            #expect(masked["expiry"] as? String == "2028-12")
            let opened = try open(daemon, capture: capture, privateKey: key)
            let payload = opened.json["payload"] as? [String: Any] ?? [:]
            #expect(payload["source"] as? String == "reader_encrypted", "\(opened.stderr)")
            let ksn = payload["ksn"] as? String ?? ""
            kSNs.append(ksn)
            #expect(ksn == "FFFF9876543210E0000\(round + 1)")
            let blocks = payload["blocks"] as? [[String: Any]] ?? []
            let track2Block = blocks.first { ($0["tracks"] as? [Int]) == [2] }
            let ciphertext = track2Block?["ciphertext"] as? String ?? ""
            #expect(!ciphertext.isEmpty && !ciphertext.contains(Self.pan))
            // The back office's side: derive the key from the BDK and the KSN, decrypt.
            let clear = try runProcess(Products.backoffice, ["dukpt", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn", ksn,
                                                             "--variant", "pin", "--decrypt", ciphertext])
            #expect(clear.status == 0, "\(clear.stderr)")
            let hex = clear.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let bytes = stride(from: 0, to: hex.count - 1, by: 2).compactMap { i -> UInt8? in
                let start = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
            }
            #expect(String(decoding: bytes.prefix(Self.track2.utf8.count), as: UTF8.self) == Self.track2)
            let wrongVariant = try runProcess(Products.backoffice, ["dukpt", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn", ksn,
                                                                    "--variant", "data", "--decrypt", ciphertext])
            #expect(!wrongVariant.stdout.contains(Self.track2.utf8.map { String(format: "%02X", $0) }.joined()))
        }
        #expect(Set(kSNs).count == 2, "the KSN advances per swipe")
        daemon.stop()
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            #expect(bytes.range(of: Data(Self.pan.utf8)) == nil, "\(file) holds the PAN")
        }
        #expect(!daemon.log.contains(Self.pan))
    }

    @Test("rotation: new captures use the new key, stored ones keep theirs and still open")
    func rotation() throws {
        let daemon = try DaemonProcess(label: "seal-rotate", configExtra: "emulated_devices = true")
        let oldKey = try daemon.provisionBackOfficeKey(keyID: "bo-2025")
        let client = try daemon.client()
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        let first = try swipe(daemon, client)
        let newKey = try daemon.provisionBackOfficeKey(keyID: "bo-2026")
        let second = try swipe(daemon, client)
        #expect(try sqlite(daemon, "SELECT key_id FROM sealed_capture WHERE id = '\(first)'").hasPrefix("bo-2025"))
        #expect(try sqlite(daemon, "SELECT key_id FROM sealed_capture WHERE id = '\(second)'").hasPrefix("bo-2026"))
        #expect(try open(daemon, capture: first, privateKey: oldKey).status == 0)
        #expect(try open(daemon, capture: second, privateKey: newKey).status == 0)
        let mismatch = try open(daemon, capture: first, privateKey: newKey)
        #expect(mismatch.stderr.contains("sealed to key \"bo-2025\""))
        let status = try daemon.kioskctl(["provision", "status"]).stdout
        #expect(status.contains("bo-2026") && status.contains("Earlier keys: bo-2025"))
    }

    @Test("--demo seals to a throwaway key and says so loudly")
    func demoKey() throws {
        let daemon = try DaemonProcess(label: "seal-demo", extraArguments: ["--demo"])
        #expect(daemon.log.contains("DEMO KEY"))
        #expect(try daemon.kioskctl(["provision", "status"]).stdout.contains("DEMO: captures are sealed to the throwaway demo key"))
        let client = try daemon.client()
        let capture = try swipe(daemon, client)
        let opened = try open(daemon, capture: capture, privateKey: daemon.dataDirectory + "/demo-backoffice.key")
        #expect(opened.status == 0, "\(opened.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.dataDirectory + "/demo-backoffice.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("leak scan: swipes, a signature, sign-in and a payment, a restart, then the PAN, the tracks and the PIN appear nowhere")
    func leakScan() throws {
        let daemon = try DaemonProcess(label: "seal-leak", configExtra: "emulated_devices = true")
        let key = try daemon.provisionBackOfficeKey()
        let client = try daemon.client()
        var seen: [String] = []
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        _ = try client.call("device.allow", params: ["id": "emulated-pad-1"], id: 2)
        let cards = [(Self.track1, Self.track2),
                     ("%B5555555555554444^PUBLIC/JANE Q^30011010000000000000?", ";5555555555554444=30011010000000000000?"),
                     ("%B371449635398431^AMEX/TEST^29121010000000000000?", ";371449635398431=29121010000000000000?")]
        var captures: [String] = []
        for (i, card) in cards.enumerated() {
            let begin = try client.call("device.capture.begin", params: ["kind": "card"], id: 10 + i)
            let capture = begin.result["capture"] as? String ?? ""
            seen.append("\(begin)")
            seen.append("\(try client.call("device.emulate.swipe", params: ["track1": card.0, "track2": card.1], id: 20 + i))")
            seen.append("\(try client.nextEvent("capture.done"))")
            captures.append(capture)
        }
        let sign = try client.call("device.capture.begin", params: ["kind": "signature"], id: 30).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.6]]]], id: 31)
        seen.append("\(try client.call("device.capture.finish", params: ["capture": sign], id: 32))")
        seen.append("\(try client.nextEvent("capture.done"))")
        // Through sign-in and payment: a wrong PIN, the right one, and a submit paid with the
        // last card swiped.
        seen.append("\(try client.call("sync.apply", params: PayingStore.document(count: 2, pin: Self.pin), id: 40))")
        seen.append("\(try client.call("session.begin", params: ["account": "C10000", "pin": "000000"], id: 41))")
        seen.append("\(try client.call("session.begin", params: ["account": "C10000", "pin": Self.pin], id: 42))")
        let paid = try client.call("payment.submit", params: ["amount": 1_000, "method": ["capture": captures[2]], "signature": sign,
                                                              "terms_sha256": PayingStore.termsSHA256], id: 43)
        #expect(paid.result["state"] as? String == "pending", "\(paid)")
        seen.append("\(paid)")
        seen.append(contentsOf: client.events.map { "\($0)" })
        daemon.stop()

        // Restart on the same data directory: everything is still there, still sealed.
        let again = try DaemonProcess(label: "seal-leak2", dataDirectory: daemon.dataDirectory)
        let count = try sqlite(again, "SELECT count(*) FROM sealed_capture").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(count == "4")
        let signature = try open(again, capture: sign, privateKey: key)
        #expect((signature.json["payload"] as? [String: Any])?["points"] as? Int == 2)
        for (capture, card) in zip(captures, cards) {
            #expect((try open(again, capture: capture, privateKey: key).json["payload"] as? [String: Any])?["track2"] as? String == card.1)
        }
        again.stop()

        let secrets = cards.flatMap { [$0.0, $0.1, String($0.1.dropFirst().prefix { $0 != "=" })] } + ["DOE/JOHN", "PUBLIC/JANE", Self.pin]
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory)
        #expect(files.contains("kiosk.sqlite"))
        for file in files where !file.hasSuffix(".lock") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds card data (\(secret.prefix(4))…)")
            }
        }
        for secret in secrets {
            #expect(!daemon.log.contains(secret) && !again.log.contains(secret), "a log holds card data (\(secret.prefix(4))…)")
            #expect(!seen.joined().contains(secret), "a client saw card data (\(secret.prefix(4))…)")
        }
    }
}
