// usb-probe's step mode: `--step STEP` (repeatable) runs USB operations in order on the first
// matching device, printing one line per outcome, then closes the handle and exits 0. Used by
// USBBulkTests for bulk transfers, the printer class and reports longer than a packet.
//
//   class                         interface class and endpoints
//   device-id                     printer class GET_DEVICE_ID
//   write:HEX:MS                  one bulk OUT transfer (timeout MS)
//   pattern:N:MS                  one bulk OUT transfer of N bytes i & 0xff (no 10 04 inside)
//   read:LEN:MS                   one bulk IN transfer
//   spawn-read:LEN:MS             a bulk IN transfer in the background ...
//   await-read                    ... and its outcome
//   interrupt:LEN:COUNT           COUNT interrupt IN transfers of LEN bytes
//   sleep:MS
//   close                         closes the handle (cancelling what is in flight)
import Foundation
import KioskDevices

/// How a USB error is printed: its case name, so tests compare exact words.
func errorName(_ error: USBError) -> String {
    switch error {
    case .deviceGone: return "deviceGone"
    case .timedOut: return "timedOut"
    case .closed: return "closed"
    case .stalled: return "stalled"
    case .overflow: return "overflow"
    case .busy: return "busy"
    case .accessDenied: return "accessDenied"
    case .notFound: return "notFound"
    case .libusb(_, let code): return "libusb(\(code))"
    case .transfer(_, let status): return "transfer(\(status))"
    }
}

func endpointHex(_ e: USBEndpoint?) -> String {
    e.map { String(format: "%02x", $0.address) } ?? "none"
}

func runSteps(_ steps: [String], device: USBDevice, handle: USBDeviceHandle) async throws {
    let bulk = try device.bulkEndpoints()
    let outAddress = bulk.out?.address ?? 0x01, inAddress = bulk.in?.address ?? 0x82
    var background: Task<Result<[UInt8], USBError>, Never>?
    for step in steps {
        let p = step.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let n1 = p.count > 1 ? Int(p[1]) ?? 0 : 0, n2 = p.count > 2 ? Int(p[2]) ?? 0 : 0
        switch p[0] {
        case "class":
            let c = try device.interfaceClass()
            let interrupt = try device.interruptInEndpoints().first
            print("interface-class \(c) bulk-in=\(endpointHex(bulk.in)) bulk-out=\(endpointHex(bulk.out)) interrupt-in=\(endpointHex(interrupt))")
        case "device-id":
            do { print("device-id \(try await handle.printerDeviceID())") } catch { print("device-id-error \(errorName(error))") }
        case "write", "pattern":
            let data = p[0] == "write" ? bytes(Substring(p[1])) : (0..<n1).map { UInt8($0 & 0xFF) }
            do {
                let n = try await handle.bulkWrite(endpoint: outAddress, data: data, timeout: .milliseconds(n2))
                print("wrote \(n)")
            } catch {
                print("write-error \(errorName(error))")
            }
        case "read":
            do { print("read \(hex(try await handle.bulkRead(endpoint: inAddress, length: n1, timeout: .milliseconds(n2))))") } catch {
                print("read-error \(errorName(error))")
            }
        case "spawn-read":
            let (length, timeout) = (n1, n2)
            background = Task {
                do throws(USBError) {
                    return .success(try await handle.bulkRead(endpoint: inAddress, length: length, timeout: .milliseconds(timeout)))
                } catch {
                    return .failure(error)
                }
            }
        case "await-read":
            let start = ContinuousClock.now
            switch await background?.value {
            case .success(let b): print("read \(hex(b))")
            case .failure(let e): print("read-error \(errorName(e))")
            case nil: print("await-read without spawn-read")
            }
            print("awaited-ms \(Int(Double((ContinuousClock.now - start).components.attoseconds) / 1e15 + Double((ContinuousClock.now - start).components.seconds) * 1000))")
        case "interrupt":
            guard let endpoint = try device.interruptInEndpoints().first else { print("interrupt-error none"); continue }
            let reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: n1)
            var count = 0
            do {
                for try await report in reader.reports {
                    print("report \(report.bytes.count) \(hex(report.bytes))")
                    count += 1
                    if count == n2 { break }
                }
            } catch let error as USBError {
                print("interrupt-error \(errorName(error))")
            }
            await reader.stop()
        case "sleep":
            try await Task.sleep(for: .milliseconds(n1))
        case "close":
            let start = ContinuousClock.now
            await handle.close()
            let d = ContinuousClock.now - start
            print("closed ms=\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)")
        default:
            print("error unknown step \(step)")
        }
    }
    if let background { _ = await background.value }
}
