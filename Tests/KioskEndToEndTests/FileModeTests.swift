#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The mode of a file, or nil when it does not exist.
func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
}

func octal(_ mode: mode_t?) -> String { mode.map { "0" + String($0, radix: 8) } ?? "missing" }

/// Runs a program under `umask` (the shell sets it, then execs the program).
func underUmask(_ umask: String) -> [String] { ["/bin/sh", "-c", "umask \(umask) && exec \"$@\"", "sh"] }

/// Files keep their modes whatever the umask: the database and its WAL and shared-memory files
/// 0600, the lock 0640, private keys 0600, public keys 0644.
@Suite("File modes whatever the umask")
struct FileModeTests {
    @Test("kioskd's database, WAL, SHM, lock and demo key under umask 022 and 000", arguments: ["022", "000"])
    func daemonFiles(umask: String) throws {
        let daemon = try DaemonProcess(label: "modes-\(umask)", extraArguments: ["--demo"], wrapper: underUmask(umask))
        // --demo has written its store (and the WAL) and its demo key before READY=1.
        #expect(try daemon.client().call("hello").error == nil)
        let data = daemon.dataDirectory
        for (file, mode) in [("kiosk.sqlite", 0o600), ("kiosk.sqlite-wal", 0o600), ("kiosk.sqlite-shm", 0o600),
                             ("kioskd.lock", 0o640), ("demo-backoffice.key", 0o600)] as [(String, mode_t)] {
            #expect(fileMode(data + "/" + file) == mode, "umask \(umask): \(file) is \(octal(fileMode(data + "/" + file)))")
        }
        #expect(fileMode(data) == 0o750, "umask \(umask): the data directory is \(octal(fileMode(data)))")
        #expect(fileMode(daemon.socketPath).map { $0 & 0o777 } == 0o660)
    }

    @Test("a database an older kioskd left 0644 (and its WAL and SHM) is narrowed to 0600 at start")
    func narrowedAtStart() throws {
        let first = try DaemonProcess(label: "modes-old")
        #expect(try first.client().call("sync.apply", params: PayingStore.document(count: 1)).error == nil)
        let data = first.dataDirectory
        kill(first.process.processIdentifier, SIGKILL)  // leaves the WAL and SHM behind
        first.process.waitUntilExit()
        for file in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm"] { chmod(data + "/" + file, 0o644) }
        let second = try DaemonProcess(label: "modes-old2", dataDirectory: data)
        #expect(try second.client().call("account.get", params: ["account": "C10000"]).error == nil)
        for file in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm"] {
            #expect(fileMode(data + "/" + file) == 0o600, "\(file) is \(octal(fileMode(data + "/" + file)))")
        }
    }

    @Test("kiosk-backoffice keygen and its database under umask 000, 022 and 077", arguments: ["000", "022", "077"])
    func exportedFiles(umask: String) throws {
        let directory = try makeScratchDirectory("modes-bo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sh = underUmask(umask)
        let keygen = try runProcess(sh[0], Array(sh.dropFirst()) + [Products.backoffice, "keygen", "--out", directory + "/bo"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        #expect(fileMode(directory + "/bo.key") == 0o600, "umask \(umask): bo.key is \(octal(fileMode(directory + "/bo.key")))")
        #expect(fileMode(directory + "/bo.pub") == 0o644, "umask \(umask): bo.pub is \(octal(fileMode(directory + "/bo.pub")))")
        let document = directory + "/doc.json"
        try JSONSerialization.data(withJSONObject: PayingStore.document(count: 1)).write(to: URL(fileURLWithPath: document))
        let database = directory + "/backoffice.sqlite"
        let publish = try runProcess(sh[0], Array(sh.dropFirst()) + [Products.backoffice, "sync", "publish", "--db", database, document])
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(fileMode(database) == 0o600, "umask \(umask): the back office's database is \(octal(fileMode(database)))")
    }
}
