#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The test harness itself, on a busy machine: copies of executables that run while other
/// tests spawn processes, and time limits that catch hangs but not slowness.
@Suite("Test harness on a loaded machine")
struct HarnessTests {
    @Test("publicCopy's copies of kioskctl run while other threads spawn processes (no ETXTBSY)")
    func copiesRunWhileOthersSpawn() throws {
        let stop = LockedBox(false)
        let spawners = DispatchGroup()
        for _ in 0..<4 {
            spawners.enter()
            Thread.detachNewThread {
                while !stop.get() { _ = try? runProcess("/bin/sleep", ["0.02"]) }
                spawners.leave()
            }
        }
        defer { stop.set(true); spawners.wait() }
        var failures: [String] = []
        for round in 0..<60 where failures.count < 3 {
            let directory = try makeScratchDirectory("copy-\(round)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            do {
                let result = try runProcess(try publicCopy(of: Products.kioskctl, in: directory), ["--help"])
                if result.status != 0 { failures.append("round \(round): status \(result.status) \(result.stderr)") }
            } catch {
                failures.append("round \(round): \(error)")  // "Text file busy" with a copy still open for writing
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("publicCopy to another file system copies in a child process, and the copy runs")
    func copyAcrossFileSystems() throws {
        var shm = stat(), build = stat()
        guard stat("/dev/shm", &shm) == 0, stat(Products.kioskctl, &build) == 0, shm.st_dev != build.st_dev else { return }
        let directory = "/dev/shm/kioskpay-copy-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let copy = try publicCopy(of: Products.kioskctl, in: directory)
        var info = stat()
        #expect(stat(copy, &info) == 0 && info.st_mode & 0o777 == 0o755 && info.st_nlink == 1)
        #expect(try runProcess(copy, ["--help"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kioskctl"])
    }

    @Test("a time limit kills a process that waits on nothing, soon after the limit")
    func hangIsKilled() throws {
        let started = Date()
        let result = try runProcess("/bin/sleep", ["600"], timeout: 2)
        #expect(result.status != 0)
        #expect(Date().timeIntervalSince(started) < 60, "a real hang must still be caught")
    }

    @Test("a time limit does not kill a process that is working, however long it takes")
    func slowIsNotKilled() throws {
        // About two seconds of shell arithmetic on an idle machine (far more on a loaded one),
        // under a 0.5 s limit: it is always running, so it is slow, not hung.
        let result = try runProcess("/bin/sh", ["-c", "i=0; while [ $i -lt 1500000 ]; do i=$((i+1)); done; echo $i"], timeout: 0.5)
        #expect(result.status == 0, "status \(result.status)")
        #expect(result.stdout == "1500000\n")
    }
}
