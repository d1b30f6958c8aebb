import KioskDevices
import KioskProtocol

/// The devices present and the technician's allow list: which device may be used, and which
/// one a capture or an emulation command is for. A value owned by the `DeviceManager` actor.
struct DeviceRegistry {
    private var devices: [String: RegisteredDevice] = [:]
    private var allowed: Set<String> = []
    /// `--demo`: emulated devices are allowed without a technician.
    let allowEmulated: Bool

    init(allowEmulated: Bool) { self.allowEmulated = allowEmulated }

    subscript(id: String) -> RegisteredDevice? {
        get { devices[id] }
        set { devices[id] = newValue }
    }

    /// The allow list as stored.
    mutating func load(allowed ids: Set<String>) { allowed = ids }

    /// Registers a device (ready, allowed if the technician allowed its id) and returns what is shown of it.
    mutating func attach(_ info: DeviceInfo, cardDecoder: (any CardReaderDecoder)?, pad: (any PadDecoder)?,
                         descriptor: [UInt8]?, printer: (any PrinterChannel)? = nil, emulated: Bool,
                         signals: AsyncStream<CaptureSignal>.Continuation?) -> DeviceInfo {
        var info = info
        info.allowed = allowed.contains(info.id) || (emulated && allowEmulated)
        info.state = .ready
        devices[info.id] = RegisteredDevice(info: info, cardDecoder: cardDecoder, pad: pad, emulated: emulated,
                                            descriptor: descriptor, signals: signals, printer: printer)
        return info
    }

    /// Removes a device; nil if it was not present.
    mutating func remove(_ id: String) -> RegisteredDevice? { devices.removeValue(forKey: id) }

    func list() -> [DeviceInfo] { devices.values.map(\.info).sorted { $0.id < $1.id } }

    /// Every device present, as registered (the printers' last status with them).
    var all: [RegisteredDevice] { devices.values.sorted { $0.info.id < $1.info.id } }

    /// The device with that id, or the technician's "no such device" error.
    func present(_ id: String) throws -> RegisteredDevice {
        guard let device = devices[id] else {
            throw RPCError.app(.notFound, "no device with that id is present; kioskctl device list shows the ids")
        }
        return device
    }

    func isKnown(_ id: String) -> Bool { allowed.contains(id) || devices[id] != nil }

    mutating func allow(_ id: String) {
        allowed.insert(id)
        devices[id]?.info.allowed = true
    }

    /// Takes the id off the allow list; a present device stays usable only if it is emulated in
    /// demo mode. Returns the device when it lost its allowance.
    mutating func forget(_ id: String) -> RegisteredDevice? {
        allowed.remove(id)
        guard let device = devices[id] else { return nil }
        let stillAllowed = device.emulated && allowEmulated
        devices[id]?.info.allowed = stillAllowed
        return stillAllowed ? nil : devices[id]
    }

    /// The device a new capture of `kind` runs on: the requested one or the first allowed of
    /// that kind, free of another capture; otherwise the error the customer's front shows.
    func deviceForCapture(_ kind: DeviceInfo.Kind, requested: String?) throws -> RegisteredDevice {
        let noun = RegisteredDevice.noun(kind)
        let candidates = devices.values.filter { $0.info.kind == kind && (requested == nil || $0.info.id == requested) }
        guard !candidates.isEmpty else {
            throw RPCError.app(.deviceUnavailable, "no \(noun) is connected; ask staff to check the \(noun)")
        }
        guard let device = candidates.filter({ $0.info.allowed }).sorted(by: { $0.info.id < $1.info.id }).first else {
            throw RPCError.app(.notProvisioned, "the \(noun) is present but not allowed; a technician must allow it (kioskctl device allow ID)")
        }
        guard device.capture == nil else {
            throw RPCError.app(.busy, "the \(noun) is in use by another capture; try again in a moment")
        }
        return device
    }

    /// The emulated device a technician's emulation command is for.
    func emulatedDevice(_ id: String?, kind: DeviceInfo.Kind) throws -> String {
        let match = devices.values.filter { $0.emulated && $0.info.kind == kind && (id == nil || $0.info.id == id) }
        guard let device = match.sorted(by: { $0.info.id < $1.info.id }).first else {
            throw RPCError.app(.deviceUnavailable, "no emulated \(RegisteredDevice.noun(kind)) is running; start kioskd with emulated_devices = true or --demo")
        }
        return device.info.id
    }
}
