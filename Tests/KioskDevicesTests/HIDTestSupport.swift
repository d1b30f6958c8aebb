import Foundation
import Testing
@testable import KioskDevices

// Shared helpers for the HID descriptor tests (HID*.swift).



/// Minimal JSON value, so the fixture's mixed arrays ([id, [["X", 5], ["array", 1, "Tip"]]])
/// decode without Any-casting.
enum HIDJSON: Decodable, Equatable {
    case string(String)
    case number(Int)
    case array([HIDJSON])
    case object([String: HIDJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) { self = .number(int) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let array = try? container.decode([HIDJSON].self) { self = .array(array) }
        else { self = .object(try container.decode([String: HIDJSON].self)) }
    }

    subscript(key: String) -> HIDJSON? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }
    var array: [HIDJSON] { if case .array(let a) = self { return a } else { return [] } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Int? { if case .number(let n) = self { return n } else { return nil } }
}

/// One descriptor from signature-pad-vectors.json with its sample reports.
struct HIDVector: Sendable, CustomTestStringConvertible {
    struct Sample: Sendable {
        let report: [UInt8]
        let expectedID: Int
        /// Expected decode rendered by `renderExpected` ("X=5000", "array:1:TipSwitch").
        let expected: [String]
    }
    let name: String
    let descriptor: [UInt8]
    let samples: [Sample]
    var testDescription: String { name }
}

enum HIDFixtures {
    /// Tests/Fixtures/hid/signature-pad-vectors.json, found from this file's real location so the
    /// tests also run from a scratch package that symlinks them.
    static var vectorsURL: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hid/signature-pad-vectors.json")
    }

    static func loadVectors() throws -> [HIDVector] {
        let json = try JSONDecoder().decode(HIDJSON.self, from: Data(contentsOf: vectorsURL))
        return (json["hid_descriptors"]?.array ?? []).map { entry in
            let samples = (entry["reports"]?.array ?? []).map { report -> HIDVector.Sample in
                let decoded = report["decoded"]?.array ?? []
                return HIDVector.Sample(report: hexBytes(report["hex"]?.string ?? ""),
                                        expectedID: decoded.first?.number ?? -1,
                                        expected: (decoded.dropFirst().first?.array ?? []).map(renderExpected))
            }
            return HIDVector(name: entry["name"]?.string ?? "?", descriptor: hexBytes(entry["hex"]?.string ?? ""),
                             samples: samples)
        }
    }

    /// `["X", 5000]` → "X=5000"; `["array", 1, "TipSwitch"]` → "array:1:TipSwitch".
    static func renderExpected(_ entry: HIDJSON) -> String {
        let parts = entry.array
        if parts.first?.string == "array" {
            return "array:\(parts.count > 1 ? parts[1].number ?? -999 : -999):\(parts.count > 2 ? parts[2].string ?? "?" : "?")"
        }
        return "\(parts.first?.string ?? "?")=\(parts.count > 1 ? parts[1].number ?? -999 : -999)"
    }

    /// Adapter from our decode to the fixture format: constant and usage-less fields are left
    /// out; variable elements become "Name=value", array slots "array:value:Name|none".
    static func render(_ decoded: HIDDecodedReport, layout: HIDReportLayout) -> [String] {
        decoded.values.compactMap { value in
            let field = layout.fields[value.fieldIndex]
            if field.isConstant { return nil }
            if value.isArrayIndex {
                return "array:\(value.value):\(value.usage.map(usageName) ?? "none")"
            }
            return "\(value.usage.map(usageName) ?? "?")=\(value.value)"
        }
    }

    /// Names used by the fixture; anything else renders as page:id.
    static func usageName(_ usage: HIDUsage) -> String {
        switch (usage.page, usage.id) {
        case (0x01, 0x30): return "X"
        case (0x01, 0x31): return "Y"
        case (0x01, 0x38): return "Wheel"
        case (0x09, let n): return "Button\(n)"
        case (0x0D, 0x30): return "TipPressure"
        case (0x0D, 0x32): return "InRange"
        case (0x0D, 0x33): return "Touch"
        case (0x0D, 0x35): return "Tap"
        case (0x0D, 0x42): return "TipSwitch"
        case (0x0D, 0x44): return "BarrelSwitch"
        case (0x0D, 0x46): return "TabletPick"
        default: return usage.description
        }
    }

    /// Vector descriptors as literals too, so item-level tests do not depend on the JSON file.
    static let tv1 = hexBytes("""
        0600ff09ffa101150025010509090175019501810209028102050d0939a1020600ff1901290315012503950175038100\
        c0050d093315002501750195018102093581027501810105010930350046002326500b651355fd751081020931460014\
        265a058102050d0930457f257f6500550075078112750125018101c0
        """)
    static let tv2 = hexBytes("""
        050d0902a10185100920a00942094409461501250375049501800932142501750195018102950381037510950114a405\
        01651355fd3409304688132610278102093146b80b2670178102b4093026ff038102c0c0
        """)
    static let tv3 = hexBytes("""
        050d0901a10185090920a0750109420944094614250195038102950481010932950181027510950114a4050155fd6513\
        34093046102726204e8102093146b719266e338102b4093026ff038102c0c0
        """)
    static let tv4 = hexBytes("""
        050d0901a10185090920a0750109420944094614250195038102950581017510950114a4050155fd6513340930467c15\
        26ff7f8102093146a00f26ff7f8102b4093026ff038102c0c005010902a10185080901a07501050919012903142501950381\
        029505810105017508093009311581257f95028106093815ff2501950181068101c0c0
        """)
}

/// Parses or fails the test with the error sentence.
func hidParse(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> HIDReportDescriptor? {
    do {
        return try HIDReportDescriptor(bytes)
    } catch {
        Issue.record("descriptor rejected: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The error a descriptor is rejected with, or nil if it parses.
func hidError(_ bytes: [UInt8], limits: HIDParserLimits = .default) -> HIDDescriptorError? {
    do {
        _ = try HIDReportDescriptor(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}
