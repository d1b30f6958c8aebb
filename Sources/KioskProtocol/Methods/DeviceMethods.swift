import KioskJSON

/// Devices: the list, the allow list, captures, events and emulation (PROTOCOL.md "Devices"),
/// and the technicians' diagnostics.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let device: [any RPCMethod] = [
        eventsSubscribe, deviceList, deviceAllow, deviceForget, deviceCaptureBegin, deviceCaptureFinish, deviceCaptureCancel, deviceEmulateSwipe, deviceEmulateSign, deviceDescribe, deviceParseDescriptor, deviceDecode, deviceTest,
    ]

    public static let eventsSubscribe = MethodDeclaration<SubscribeParams, OKResult>("events.subscribe", .everyone)
    public static let deviceList = MethodDeclaration<EmptyParams, DeviceListResult>("device.list", .staff)
    public static let deviceAllow = MethodDeclaration<DeviceIDParams, OKResult>("device.allow", .technicians)
    public static let deviceForget = MethodDeclaration<DeviceIDParams, OKResult>("device.forget", .technicians)
    /// The front captures outside a session too (a card is read before the customer pays).
    public static let deviceCaptureBegin = MethodDeclaration<CaptureBeginParams, CaptureRef>("device.capture.begin", .everyone)
    public static let deviceCaptureFinish = MethodDeclaration<CaptureRef, OKResult>("device.capture.finish", .everyone)
    public static let deviceCaptureCancel = MethodDeclaration<CaptureRef, OKResult>("device.capture.cancel", .everyone)
    public static let deviceEmulateSwipe = MethodDeclaration<EmulateSwipeParams, OKResult>("device.emulate.swipe", .technicians)
    public static let deviceEmulateSign = MethodDeclaration<EmulateSignParams, OKResult>("device.emulate.sign", .technicians)
    // The diagnostics' results are a technician's JSON reports whose shape belongs to the
    // drivers (KioskDevices: DescriptorSummary, DiagnosticDecode).
    public static let deviceDescribe = MethodDeclaration<DeviceIDParams, JSONValue>("device.describe", .technicians)
    public static let deviceParseDescriptor = MethodDeclaration<ParseDescriptorParams, JSONValue>("device.parse_descriptor", .technicians, lineBreaks: ["params.hex"])
    public static let deviceDecode = MethodDeclaration<DecodeParams, JSONValue>("device.decode", .technicians, lineBreaks: ["params.reports[]", "params.descriptor"])
    public static let deviceTest = MethodDeclaration<DeviceIDParams, DeviceTestResult>("device.test", .technicians)
}
