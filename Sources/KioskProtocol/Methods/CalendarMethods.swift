/// The payments calendar (PROTOCOL.md "Calendar"): scheduled and autopay payments per day.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let calendar: [any RPCMethod] = [calendarMonth, calendarDay]

    public static let calendarMonth = MethodDeclaration<CalendarMonthParams, CalendarMonthResult>("calendar.month", .customer(.pay, .viewHistory))
    public static let calendarDay = MethodDeclaration<CalendarDayParams, CalendarDayResult>("calendar.day", .customer(.pay, .viewHistory))
}
