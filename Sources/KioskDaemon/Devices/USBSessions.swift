import KioskDevices

/// Which USB device (port and address) currently backs which device id, and the session
/// number of that attachment, so a late unplug of an old session never detaches a replugged one.
actor USBSessions {
    private var next = 0
    private var current: [String: Int] = [:]
    private var byKey: [String: (id: String, token: Int)] = [:]

    static func key(_ info: USBDeviceInfo) -> String { "\(info.portPath)@\(info.deviceAddress)" }

    func begin(id: String, key: String) -> Int {
        next += 1
        current[id] = next
        byKey[key] = (id, next)
        return next
    }

    /// The session ended on its own; true when it was still the device's current one.
    func end(id: String, token: Int) -> Bool {
        byKey = byKey.filter { $0.value.token != token }
        guard current[id] == token else { return false }
        current[id] = nil
        return true
    }

    /// libusb reported the device at `key` gone; the id to detach, if it was attached.
    func left(key: String) -> String? {
        guard let entry = byKey.removeValue(forKey: key), current[entry.id] == entry.token else { return nil }
        current[entry.id] = nil
        return entry.id
    }
}
