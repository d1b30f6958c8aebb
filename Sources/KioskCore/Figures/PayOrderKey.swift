import Foundation

/// A byte string per charge whose plain byte order (memcmp, SQLite's BLOB order) is the pay
/// order ``Figures/payOrder(_:_:)`` sorts by, so the store can page the open-invoice list with
/// `ORDER BY pay_order LIMIT/OFFSET` on an index instead of loading and sorting every open
/// item (issue 16). `Figures.openItems` stays the reference: OpenItemsPageTests checks that a
/// page read in SQL is the same slice of the list the figure sorts.
///
/// Layout, field by field (each either fixed-length or terminated, so no field can run into
/// the next and a shorter value never sorts by the bytes that follow it):
/// 1. due date: `0x00` + `YYYY-MM-DD` when present, `0x01` when absent (none last);
/// 2. date: `YYYY-MM-DD` (ten bytes; years are 1...9999, so text order is date order);
/// 3. invoice number (``InvoiceNumberOrder``): numeric ones `0x00`, the count of digits
///    without leading zeros (4 bytes, big-endian), those digits, then the raw spelling
///    escaped (equal values fall back to byte order); any other `0x01` + the raw bytes escaped;
/// 4. the id's UTF-8 bytes, unescaped: it is last, and BLOB order already puts a prefix first.
///
/// Escaping: `0x00` → `0x00 0xFF`, then a terminator `0x00 0x01`, so a string that is a
/// prefix of another sorts before it, as in ``InvoiceNumberOrder``'s byte comparison.
public enum PayOrderKey {
    public static func key(dueDate: LocalDate?, date: LocalDate, number: String, id: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + number.utf8.count * 2 + id.utf8.count)
        if let dueDate {
            out.append(0x00)
            out.append(contentsOf: dueDate.description.utf8)
        } else {
            out.append(0x01)
        }
        out.append(contentsOf: date.description.utf8)
        let raw = Array(number.utf8)
        // InvoiceNumberOrder's own rules, so the key cannot drift from the comparison it encodes.
        if InvoiceNumberOrder.isNumeric(raw) {
            let digits = InvoiceNumberOrder.stripZeros(raw)
            out.append(0x00)
            let count = UInt32(clamping: digits.count)
            out.append(contentsOf: [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)])
            out.append(contentsOf: digits)
            appendEscaped(raw, to: &out)
        } else {
            out.append(0x01)
            appendEscaped(raw, to: &out)
        }
        out.append(contentsOf: id.utf8)
        return out
    }

    /// The key of an item (any kind: only open invoices are listed, but every row gets one so
    /// no writer has to know which).
    public static func key(for item: Item) -> [UInt8] {
        key(dueDate: item.dueDate, date: item.date, number: item.number, id: item.id)
    }

    /// `bytes` with each `0x00` doubled as `0x00 0xFF`, then `0x00 0x01`: in byte order the
    /// terminator is below every byte a value can continue with, so prefixes sort first.
    private static func appendEscaped(_ bytes: [UInt8], to out: inout [UInt8]) {
        for b in bytes {
            out.append(b)
            if b == 0x00 { out.append(0xFF) }
        }
        out.append(contentsOf: [0x00, 0x01])
    }
}
