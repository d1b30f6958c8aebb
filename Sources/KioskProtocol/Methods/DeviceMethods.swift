/// Devices: the list, the allow list, captures, events and emulation (PROTOCOL.md "Devices"),
/// and the technicians' diagnostics.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let device: [any RPCMethod.Type] = [
        EventsSubscribe.self, DeviceList.self, DeviceAllow.self, DeviceForget.self, DeviceCaptureBegin.self, DeviceCaptureFinish.self, DeviceCaptureCancel.self, DeviceEmulateSwipe.self, DeviceEmulateSign.self, DeviceDescribe.self, DeviceParseDescriptor.self, DeviceDecode.self, DeviceTest.self,
    ]

    public enum EventsSubscribe: RPCMethod {
        public typealias Params = SubscribeParams
        public typealias Result = OKResult
        public static let name = "events.subscribe"
        public static let access = MethodAccess.everyone
    }
    public enum DeviceList: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = DeviceListResult
        public static let name = "device.list"
        public static let access = MethodAccess.staff
    }
    public enum DeviceAllow: RPCMethod {
        public typealias Params = DeviceIDParams
        public typealias Result = OKResult
        public static let name = "device.allow"
        public static let access = MethodAccess.technicians
    }
    public enum DeviceForget: RPCMethod {
        public typealias Params = DeviceIDParams
        public typealias Result = OKResult
        public static let name = "device.forget"
        public static let access = MethodAccess.technicians
    }
    /// The front captures outside a session too (a card is read before the customer pays).
    public enum DeviceCaptureBegin: RPCMethod {
        public typealias Params = CaptureBeginParams
        public typealias Result = CaptureRef
        public static let name = "device.capture.begin"
        public static let access = MethodAccess.everyone
    }
    public enum DeviceCaptureFinish: RPCMethod {
        public typealias Params = CaptureRef
        public typealias Result = OKResult
        public static let name = "device.capture.finish"
        public static let access = MethodAccess.everyone
    }
    public enum DeviceCaptureCancel: RPCMethod {
        public typealias Params = CaptureRef
        public typealias Result = OKResult
        public static let name = "device.capture.cancel"
        public static let access = MethodAccess.everyone
    }
    public enum DeviceEmulateSwipe: RPCMethod {
        public typealias Params = EmulateSwipeParams
        public typealias Result = OKResult
        public static let name = "device.emulate.swipe"
        public static let access = MethodAccess.technicians
    }
    public enum DeviceEmulateSign: RPCMethod {
        public typealias Params = EmulateSignParams
        public typealias Result = OKResult
        public static let name = "device.emulate.sign"
        public static let access = MethodAccess.technicians
    }
    public enum DeviceDescribe: RPCMethod {
        public typealias Params = DeviceIDParams
        public typealias Result = JSONValue  // a DescriptorSummary (KioskDevices)
        public static let name = "device.describe"
        public static let access = MethodAccess.technicians
    }
    public enum DeviceParseDescriptor: RPCMethod {
        public typealias Params = ParseDescriptorParams
        public typealias Result = JSONValue  // a DescriptorSummary (KioskDevices)
        public static let name = "device.parse_descriptor"
        public static let access = MethodAccess.technicians
        public static let lineBreakParams: Set<String> = ["params.hex"]
    }
    public enum DeviceDecode: RPCMethod {
        public typealias Params = DecodeParams
        public typealias Result = JSONValue  // a DiagnosticDecode (KioskDevices)
        public static let name = "device.decode"
        public static let access = MethodAccess.technicians
        public static let lineBreakParams: Set<String> = ["params.reports[]", "params.descriptor"]
    }
    public enum DeviceTest: RPCMethod {
        public typealias Params = DeviceIDParams
        public typealias Result = DeviceTestResult
        public static let name = "device.test"
        public static let access = MethodAccess.technicians
    }
}
