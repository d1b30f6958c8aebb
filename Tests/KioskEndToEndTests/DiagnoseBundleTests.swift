#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 15 item 7's diagnostic bundle through a real kioskd that has taken a card payment
/// with a known card number and PIN, and holds a back-office token and private keys: the
/// bundle has the files it promises, and none of those secrets, in any file, in any form.
@Suite("Diagnostic bundle", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct DiagnoseBundleTests {
    static let pan = "5500005555555559"
    static let pin = "582914"
    static let token = "kt-Zq8TbW3rVxN4p7LmA2sD9fGh"
    static let clientKeyBody = "TUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFDZmFrZQ"

    /// A demo kiosk with a back-office link configured (token file, client key), a real
    /// back-office key installed, and Pat's PIN changed to ``pin`` and a payment made with a
    /// card swiped (``pan``) after signing in with it. Returns the daemon and every secret.
    static func kiosk() throws -> (DaemonProcess, secrets: [String]) {
        let scratch = try makeScratchDirectory("diagnose-secrets")
        let tokenFile = scratch + "/backoffice.token", keyFile = scratch + "/client.key", certFile = scratch + "/client.pem"
        try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try "-----BEGIN PRIVATE KEY-----\n\(clientKeyBody)\n-----END PRIVATE KEY-----\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\nTUlJQ2Zha2VjZXJ0\n-----END CERTIFICATE-----\n".write(toFile: certFile, atomically: true, encoding: .utf8)
        chmod(tokenFile, 0o600); chmod(keyFile, 0o600)
        let link = """
            kiosk_id = "yard-7"
            [backoffice]
            url = "http://127.0.0.1:9/api"
            token_file = "\(tokenFile)"
            client_certificate = "\(certFile)"
            client_key = "\(keyFile)"
            """
        let daemon = try DaemonProcess(label: "diagnose", configExtra: link, extraArguments: ["--demo"])
        var secrets = [pan, pin, token, clientKeyBody]
        secrets += try keyMaterial(daemon.dataDirectory + "/demo-backoffice.key")
        secrets += try keyMaterial(try daemon.provisionBackOfficeKey())

        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"]).error == nil)
        #expect(try client.call("pin.change", params: ["old_pin": "4821", "new_pin": pin], id: 2).error == nil)
        let paying = try daemon.client()
        #expect(try paying.call("session.begin", params: ["account": "1001", "pin": pin]).error == nil)
        let terms = (try paying.call("payment.options", params: ["job": 1], id: 3).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let capture = try paying.call("device.capture.begin", params: ["kind": "card", "device": "emulated-reader-1"], id: 4).result["capture"] as? String ?? ""
        _ = try paying.call("device.emulate.swipe", params: ["track2": ";\(pan)=28121010000000000000?"], id: 5)
        _ = try paying.nextEvent("capture.done")
        let paid = try paying.call("payment.submit", params: ["job": 1, "invoices": ["I-1001-1"], "method": ["capture": capture],
                                                              "signature": try PaymentTests().sign(paying), "terms_sha256": terms], id: 6)
        #expect(paid.result["method_description"] as? String == "CARD ENDING IN 5559", "\(paid)")
        return (daemon, secrets)
    }

    /// The private key a key file holds (its `private_key` member, base64), and its bytes in hex.
    static func keyMaterial(_ path: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let key = try #require(object?["private_key"] as? String)
        let hex = (Data(base64Encoded: key) ?? Data()).map { String(format: "%02x", $0) }.joined()
        return [key, hex]
    }

    /// The secrets `text` holds: as written, and the card number with spaces and dashes taken
    /// out; any PEM private key block.
    static func leaks(_ text: String, _ secrets: [String]) -> [String] {
        var found = secrets.filter { text.contains($0) }
        if !found.contains(pan), text.filter({ $0 != " " && $0 != "-" }).contains(pan) { found.append(pan) }
        if text.contains("BEGIN PRIVATE KEY") { found.append("BEGIN PRIVATE KEY") }
        return found
    }

    static func unpack(_ bundle: String) throws -> [String: Data] {
        let into = try makeScratchDirectory("diagnose-unpacked")
        let tar = try runProcess("/bin/tar", ["-xzf", bundle, "-C", into])
        #expect(tar.status == 0, "\(tar.stderr)")
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: into)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = into + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        try? FileManager.default.removeItem(atPath: into)
        return files
    }

    @Test("the bundle has every promised file and no card number, PIN, token or key in any of them")
    func bundleHasNoSecrets() throws {
        let (daemon, secrets) = try Self.kiosk()
        let out = try BackupRestoreTests.outputDirectory(daemon)
        // Default name, in the current directory, as a technician.
        let made = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=\(ScratchGroups.technician)", "--groups=\(ScratchGroups.socketGroup)", "--",
                                                       "/usr/bin/env", "-C", out, try publicCopy(of: Products.kioskctl, in: daemon.directory),
                                                       "--socket", daemon.socketPath, "diagnose"])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.count == 1 && names[0].hasPrefix("kioskpay-diagnose-yard-7-") && names[0].hasSuffix("Z.tar.gz"), "\(names)")
        let bundle = out + "/" + (names.first ?? "")
        #expect(made.stdout.contains("Diagnostic bundle written to \(bundle)"), "\(made.stdout)")
        #expect(BackupRestoreTests.mode(bundle).mode == 0o600)

        let files = try Self.unpack(bundle)
        let folder = String(names.first?.dropLast(".tar.gz".count) ?? "")
        let expected = ["README.txt", "versions.txt", "config.json", "status.txt", "status.json", "devices.json", "descriptors.json",
                        "integrity.txt", "outbox.json", "journal.txt", "diagnose.json"]
        #expect(Set(files.keys) == Set(expected.map { folder + "/" + $0 }), "\(files.keys.sorted())")

        // No secret in any file as written, and no card number with its separators taken out
        // (5500 0055 5555 5559, 5500-0055-…); file names too.
        for (name, data) in files {
            #expect(Self.leaks(String(decoding: data, as: UTF8.self), secrets).isEmpty && Self.leaks(name, secrets).isEmpty,
                    "\(name) holds a secret: \(Self.leaks(String(decoding: data, as: UTF8.self), secrets).map { $0.prefix(4) })")
        }
        // The scan finds what it looks for: the demo key's file, a PAN written with spaces.
        let demoKey = try String(contentsOfFile: daemon.dataDirectory + "/demo-backoffice.key", encoding: .utf8)
        #expect(!Self.leaks(demoKey, secrets).isEmpty)
        #expect(Self.leaks("card 5500 0055-5555 5559 on file", secrets) == [Self.pan])

        func text(_ name: String) -> String { String(decoding: files[folder + "/" + name] ?? Data(), as: UTF8.self) }
        let config = try JSONSerialization.jsonObject(with: files[folder + "/config.json"] ?? Data()) as? [String: Any] ?? [:]
        let link = config["backoffice"] as? [String: Any] ?? [:]
        #expect(link["token_file"] as? String == "<redacted>" && link["client_key"] as? String == "<redacted>", "\(link)")
        #expect(link["url"] as? String == "http://127.0.0.1:9/api" && config["kiosk_id"] as? String == "yard-7", "\(config)")
        #expect(config["pin_max_failures"] as? Int == 5, "counts are not secrets")
        #expect(text("versions.txt").contains("kioskd ") && text("versions.txt").contains("kioskctl ") && text("versions.txt").contains("OS (kioskd)"))
        #expect(text("status.txt").contains("sealing key: back-office key installed (key bo-test"), "\(text("status.txt"))")
        #expect(text("integrity.txt").hasPrefix("ok"), "\(text("integrity.txt"))")
        #expect(text("devices.json").contains("emulated-reader-1") && text("descriptors.json").contains("emulated-pad-1"))
        #expect(text("outbox.json").contains("\"payment/due\""), "\(text("outbox.json"))")
        #expect(text("journal.txt").contains("journalctl"), "\(text("journal.txt"))")

        // --json is kioskd's object; the same promise holds there.
        let json = try ContactTests.ctl(daemon, ["diagnose", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(json.status == 0 && object?["integrity"] as? [String] == ["ok"], "\(json.stderr)")
        for secret in secrets { #expect(!json.stdout.contains(secret)) }
        daemon.stop()
        for secret in secrets where secret != Self.clientKeyBody { #expect(!daemon.log.contains(secret), "the log holds \(secret.prefix(4))…") }
    }

    @Test("diagnose: a manager may, the front may not (77); an existing output needs --force (73); an unwritable directory is 73; kioskd down: a smaller bundle and 69")
    func diagnoseRefusals() throws {
        let daemon = try PaymentTests().demo("diagnose-refusals")
        let out = try BackupRestoreTests.outputDirectory(daemon)
        let bundle = out + "/bundle.tar.gz"
        let manager = try ContactTests.ctl(daemon, ["diagnose", "--output", bundle])
        #expect(manager.status == 0 && FileManager.default.fileExists(atPath: bundle), "\(manager.stderr)")
        let again = try ContactTests.ctl(daemon, ["diagnose", "--output", bundle])
        #expect(again.status == 73 && again.stderr.contains("exists already") && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try ContactTests.ctl(daemon, ["diagnose", "--output", bundle, "--force"]).status == 0)
        let unwritable = try ContactTests.ctl(daemon, ["diagnose", "--output", daemon.directory + "/bundle.tar.gz"])
        #expect(unwritable.status == 73 && unwritable.stderr.contains("cannot write in"), "\(unwritable.stderr)")
        let front = try ContactTests.ctl(daemon, ["diagnose", "--output", out + "/front.tar.gz"], gid: ScratchGroups.front)
        #expect(front.status == 77 && !FileManager.default.fileExists(atPath: out + "/front.tar.gz"), "\(front.stderr)")
        let frontStatus = try ContactTests.ctl(daemon, ["status"], gid: ScratchGroups.front)
        #expect(frontStatus.status == 77, "\(frontStatus.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["bundle.tar.gz"], "no partial files left")

        // kioskd down: still a bundle (versions, journal, why), and 69.
        #expect(daemon.stop() == 0)
        let down = try ContactTests.ctl(daemon, ["diagnose", "--output", out + "/down.tar.gz"])
        #expect(down.status == 69 && down.stderr.contains("not running") && down.stdout.contains("kioskd did not answer"), "\(down.stdout)\(down.stderr)")
        let files = try Self.unpack(out + "/down.tar.gz")
        #expect(Set(files.keys.map { String($0.split(separator: "/").last ?? "") }) == ["README.txt", "kioskd.txt", "versions.txt", "journal.txt"],
                "\(files.keys.sorted())")
    }
}
