/// End-of-day and period reports for managers (issue 15 item 5).
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let report: [any RPCMethod] = [
        reportDay, reportRange,
    ]

    public static let reportDay = MethodDeclaration<ReportDayParams, ReportDayResult>("report.day", .staff)
    public static let reportRange = MethodDeclaration<ReportRangeParams, ReportRangeResult>("report.range", .staff)
}
