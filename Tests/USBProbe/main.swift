// usb-probe: exercises KioskDevices' USB layer end to end, for the emulated test bed.
//
//   usb-probe [--vid HEX] [--pid HEX] [--sessions N] [--set-feature ID:HEX] [--get-feature ID:LEN]
//
// Waits (hotplug, with enumeration) for a device matching VID/PID, opens it, detaches the
// kernel driver and claims interface 0, prints its identity and HID report descriptor, then
// prints every interrupt IN report until the device goes away ("gone"). Repeats for N
// sessions (default 1), then exits 0. One line per fact, so tests can assert on stdout.
// With `--step STEP` (repeatable; Steps.swift) it runs those operations on the first device
// instead (bulk transfers, the printer class, interrupt transfers of a chosen length).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskDevices

/// One unbuffered line on stdout (the harness test reads it through a pipe).
func print(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

var vendorID: UInt16 = 0x04DF
var productID: UInt16 = 0x0012
var sessions = 1
var setFeature: (UInt8, [UInt8])?
var getFeature: (UInt8, Int)?
var steps: [String] = []
func bytes(_ hex: Substring) -> [UInt8] {
    let d = Array(hex)
    return stride(from: 0, to: d.count - 1, by: 2).compactMap { UInt8(String(d[$0...$0 + 1]), radix: 16) }
}
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--vid": vendorID = UInt16(args.popFirst() ?? "", radix: 16) ?? vendorID
    case "--pid": productID = UInt16(args.popFirst() ?? "", radix: 16) ?? productID
    case "--sessions": sessions = Int(args.popFirst() ?? "") ?? sessions
    case "--step": steps.append(args.popFirst() ?? "")
    case "--set-feature":
        let p = (args.popFirst() ?? "").split(separator: ":")
        if p.count == 2, let id = UInt8(p[0], radix: 16) { setFeature = (id, bytes(p[1])) }
    case "--get-feature":
        let p = (args.popFirst() ?? "").split(separator: ":")
        if p.count == 2, let id = UInt8(p[0], radix: 16), let n = Int(p[1]) { getFeature = (id, n) }
    default:
        FileHandle.standardError.write(Data("usage: usb-probe [--vid HEX] [--pid HEX] [--sessions N] [--set-feature ID:HEX] [--get-feature ID:LEN] [--step STEP ...]\n".utf8))
        exit(2)
    }
}

func fail(_ message: String) -> Never {
    print("error \(message)")
    exit(1)
}

do {
    let context = try USBContext(logLevel: .warning)
    let events = try context.hotplugEvents(vendorID: vendorID, productID: productID)
    var done = 0
    eventLoop: for await event in events {
        switch event {
        case .left(let info):
            print("left \(info.vidPid) port=\(info.portPath)")
        case .arrived(let device):
            print("arrived \(device.info.vidPid) port=\(device.info.portPath) address=\(device.info.deviceAddress)")
            let handle = try device.open()
            let info = await handle.deviceInfo()
            print("info serial=\(info.serialNumber ?? "-") manufacturer=\(info.manufacturer ?? "-") product=\(info.product ?? "-") identity=\(info.identity)")
            print("kernel-driver-before-claim=\(try handle.kernelDriverActive() ? "yes" : "no")")
            try handle.setAutoDetachKernelDriver(true)
            try handle.claimInterface(0)
            print("kernel-driver-after-claim=\(try handle.kernelDriverActive() ? "yes" : "no")")
            if !steps.isEmpty {
                try await runSteps(steps, device: device, handle: handle)
                await handle.close()
                break eventLoop
            }
            guard let endpoint = try device.interruptInEndpoints().first else { fail("no interrupt IN endpoint") }
            print("endpoint 0x\(String(endpoint.address, radix: 16)) max-packet=\(endpoint.maxPacketSize)")
            let descriptor = try await handle.hidReportDescriptor()
            print("descriptor \(hex(descriptor))")
            if let request = setFeature {
                try await handle.setReport(.feature, id: request.0, data: request.1)
                print("set-feature \(request.0) ok")
            }
            if let request = getFeature {
                do {
                    let data = try await handle.getReport(.feature, id: request.0, length: request.1)
                    print("feature \(request.0) \(hex(data))")
                } catch {
                    print("feature \(request.0) failed: \(error)")
                }
            }
            let reader = try InterruptReader(handle: handle, endpoint: endpoint.address, length: endpoint.maxPacketSize)
            var count = 0
            var first: ContinuousClock.Instant?
            var last: ContinuousClock.Instant?
            do {
                for try await report in reader.reports {
                    if first == nil { first = report.receivedAt }
                    last = report.receivedAt
                    count += 1
                    print("report \(hex(report.bytes))")
                }
                print("stopped")
            } catch USBError.deviceGone {
                print("gone")
            }
            if let first, let last, count > 1 {
                let seconds = Double((last - first).components.attoseconds) / 1e18 + Double((last - first).components.seconds)
                print("session reports=\(count) span-ms=\(Int(seconds * 1000))")
            } else {
                print("session reports=\(count)")
            }
            await handle.close()
            done += 1
            if done == sessions { break eventLoop }
        }
    }
    context.close()
    print("bye")
} catch let error as USBError {
    fail(error.description)
} catch {
    fail("\(error)")
}
