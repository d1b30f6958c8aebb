import Testing
@testable import KioskClient

/// kioskctl's one table formatter (issue 15 item 5: "human tables that never cut an id").
@Suite("TextTable: ids whole, free text shortened")
struct TextTableTests {
    @Test("columns are as wide as their widest value: a 24-character device id is shown whole and the next column lines up")
    func longIDs() {
        var table = TextTable([.whole("ID"), .whole("KIND"), .whole("STATE")])
        table.append(["emulated-pad-1", "signature pad", "ready"])
        table.append(["emulated-secure-reader-1", "card reader", "ready"])
        table.append(["usb-0000:00:14.0-1.4.3.2:1.0-a-very-long-port-path", "card reader", "detached"])
        let lines = table.lines()
        #expect(lines.count == 4)
        #expect(lines[2].hasPrefix("emulated-secure-reader-1 "), "\(lines)")
        #expect(lines[3].hasPrefix("usb-0000:00:14.0-1.4.3.2:1.0-a-very-long-port-path  card reader"), "\(lines)")
        // Every row's second column starts at the same place: after the widest id and the gap.
        let start = "usb-0000:00:14.0-1.4.3.2:1.0-a-very-long-port-path".count + 2
        #expect(zip(lines, ["KIND", "signature pad", "card reader", "card reader"]).allSatisfy { $0.dropFirst(start).hasPrefix($1) }, "\(lines)")
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") }, "no trailing spaces")
    }

    @Test("only free text is shortened, with an ellipsis; ids, numbers and amounts never are")
    func freeText() {
        var table = TextTable([.whole("ACCOUNT"), .text("NAME", maximumWidth: 10), .whole("AMOUNT", rightAligned: true), .whole("MATCHED")])
        table.append(["ACCT-000000000000-LONG", "Bartholomew Featherstonehaugh-Smythe", "$1,234,567.89", "invoice INV-2026-000000123 (id I-1)"])
        table.append(["1001", "Pat Doe", "$5.00", "account number 1001"])
        let lines = table.lines()
        #expect(lines[1].contains("ACCT-000000000000-LONG"), "\(lines)")
        #expect(lines[1].contains("Bartholom…") && !lines[1].contains("Featherstonehaugh"), "\(lines)")
        #expect(lines[1].hasSuffix("invoice INV-2026-000000123 (id I-1)"), "\(lines)")
        #expect(lines[2].contains("Pat Doe     ") && lines[2].contains("        $5.00"), "amounts right-aligned: \(lines)")
        #expect(TextTable.cell("1234567890", .text("X", maximumWidth: 10)) == "1234567890")
        #expect(TextTable.cell("12345678901", .text("X", maximumWidth: 10)) == "123456789…")
        #expect(TextTable.cell(String(repeating: "9", count: 200), .whole("X")).count == 200)
    }

    @Test("a row shorter than the columns is padded empty; an empty table is its title")
    func ragged() {
        var table = TextTable([.whole("A"), .whole("B"), .whole("C")])
        #expect(table.lines() == ["A  B  C"])
        table.append(["x"])
        table.append(["longer", "y", "z"])
        #expect(table.lines() == ["A       B  C", "x", "longer  y  z"])
    }
}
