import KioskDevices

/// Which USB device (port and address) currently backs which device id, and the session
/// number of that attachment, so a late unplug of an old session never detaches a replugged one.
/// It also routes udev's reset notices to the attachment reading from that port.
actor USBSessions {
    /// Why an attachment should close and open its device again.
    enum Reprobe: Sendable, Equatable {
        /// udev "change" on the device: reset or resumed in place, its state may be lost.
        case changed
        /// udev "bind" on an interface: a kernel driver took it (the claim may be lost).
        case driverBound(String)
    }

    private var next = 0
    private var current: [String: Int] = [:]
    private var byKey: [String: (id: String, token: Int)] = [:]
    /// Keys libusb reported gone, so an attachment about to re-open knows it was an unplug.
    private var departed: Set<String> = []
    private var watchers: [Int: (port: String, continuation: AsyncStream<Reprobe>.Continuation)] = [:]

    static func key(_ info: USBDeviceInfo) -> String { "\(info.portPath)@\(info.deviceAddress)" }

    func begin(id: String, key: String) -> Int {
        next += 1
        current[id] = next
        byKey[key] = (id, next)
        departed.remove(key)
        return next
    }

    /// The session ended on its own; true when it was still the device's current one.
    func end(id: String, token: Int) -> Bool {
        byKey = byKey.filter { $0.value.token != token }
        watchers.removeValue(forKey: token)?.continuation.finish()
        guard current[id] == token else { return false }
        current[id] = nil
        return true
    }

    /// libusb reported the device at `key` gone; the id to detach, if it was attached.
    func left(key: String) -> String? {
        departed.insert(key)
        guard let entry = byKey.removeValue(forKey: key), current[entry.id] == entry.token else { return nil }
        current[entry.id] = nil
        watchers.removeValue(forKey: entry.token)?.continuation.finish()
        return entry.id
    }

    /// Whether libusb reported the device at `key` gone.
    func hasLeft(key: String) -> Bool { departed.contains(key) }

    /// Reset notices for the attachment `token` reading from the device at `port`.
    func watch(token: Int, port: String) -> AsyncStream<Reprobe> {
        let (stream, continuation) = AsyncStream.makeStream(of: Reprobe.self)
        watchers[token] = (port, continuation)
        return stream
    }

    /// Passes a reset notice to the attachment at `port`; false when none is reading there.
    func notify(port: String, _ reprobe: Reprobe) -> Bool {
        let matching = watchers.filter { $0.value.port == port }
        for watcher in matching.values { watcher.continuation.yield(reprobe) }
        return !matching.isEmpty
    }
}
