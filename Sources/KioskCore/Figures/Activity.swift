import Foundation

/// The store app's activity figures: when the customer last bought and paid, and how much
/// they bought over calendar periods.
public struct Activity: Equatable, Sendable {
    /// The last sale put on the account (charged); adjustments never count.
    public var lastChargeDate: LocalDate?
    /// The last sale however it was paid; adjustments never count.
    public var lastSaleDate: LocalDate?
    /// The last processed payment. Kiosk payments still pending are not processed yet, so
    /// they do not move this figure.
    public var lastPaymentDate: LocalDate?
    public var lastPaymentAmount: Int?
    /// From 1 January through today, today's sales included (seed 004: "all sales ... for
    /// the current calendar year"); zero on 1 January only until the year's first sale.
    public var ytdSales: Int
    /// From the 1st of the month through today, today's sales included.
    public var mtdSales: Int
    /// The whole previous calendar month.
    public var priorMonthSales: Int
    /// The whole previous calendar year.
    public var priorYearSales: Int

    public init(lastChargeDate: LocalDate?, lastSaleDate: LocalDate?, lastPaymentDate: LocalDate?,
                lastPaymentAmount: Int?, ytdSales: Int, mtdSales: Int, priorMonthSales: Int, priorYearSales: Int) {
        self.lastChargeDate = lastChargeDate; self.lastSaleDate = lastSaleDate
        self.lastPaymentDate = lastPaymentDate; self.lastPaymentAmount = lastPaymentAmount
        self.ytdSales = ytdSales; self.mtdSales = mtdSales
        self.priorMonthSales = priorMonthSales; self.priorYearSales = priorYearSales
    }
}

extension Figures {
    /// Activity for `scope` as of `today` (the branch's day). Periods are calendar periods,
    /// not rolling windows. The current periods run through today: a sale made this morning
    /// is part of this month's and this year's sales (sales dated after today never count).
    /// Period sums take sale amounts without tax, include adjustments (which may be
    /// negative) and leave gift cards out, since a gift card is money held, not a sale.
    public static func activity(_ a: Account, scope: FigureScope, today: LocalDate) -> Activity {
        var lastCharge: LocalDate?, lastSale: LocalDate?
        var ytd = 0, mtd = 0, priorMonth = 0, priorYear = 0
        let (pmYear, pmMonth) = today.month == 1 ? (today.year - 1, 12) : (today.year, today.month - 1)

        for sale in a.sales(in: scope) {
            if sale.kind == .sale {
                lastSale = max(lastSale ?? sale.date, sale.date)
                if sale.charge { lastCharge = max(lastCharge ?? sale.date, sale.date) }
            }
            guard !sale.giftCard else { continue }
            let d = sale.date
            if d.year == today.year && d <= today {
                ytd += sale.amount
                if d.month == today.month { mtd += sale.amount }
            }
            if d.year == pmYear && d.month == pmMonth { priorMonth += sale.amount }
            if d.year == today.year - 1 { priorYear += sale.amount }
        }

        // Latest date wins; on a tie the later entry in the list wins, as the back office
        // lists payments in the order it processed them.
        var lastPayment: ProcessedPayment?
        for payment in a.payments(in: scope) where lastPayment.map({ payment.date >= $0.date }) ?? true {
            lastPayment = payment
        }

        return Activity(lastChargeDate: lastCharge, lastSaleDate: lastSale,
                        lastPaymentDate: lastPayment?.date, lastPaymentAmount: lastPayment?.amount,
                        ytdSales: ytd, mtdSales: mtd, priorMonthSales: priorMonth, priorYearSales: priorYear)
    }
}
