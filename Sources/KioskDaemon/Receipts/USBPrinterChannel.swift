import KioskDevices

/// A USB receipt printer (printer class, ESC/POS): commands on the bulk OUT endpoint, the one-byte
/// answers to DLE EOT on bulk IN. An actor, so a status request and its answer are never split by
/// another job's bytes.
actor USBPrinterChannel: PrinterChannel {
    nonisolated let codePage: PrinterCodePage
    private let handle: USBDeviceHandle
    private let outEndpoint: UInt8
    private let inEndpoint: UInt8
    /// How long a printer may take to accept one chunk (a mechanism printing a full buffer at
    /// ~150 mm/s takes well under this).
    static let writeTimeout: Duration = .seconds(10)
    /// DLE EOT is answered in real time, even while offline.
    static let answerTimeout: Duration = .seconds(1)

    init(handle: USBDeviceHandle, outEndpoint: UInt8, inEndpoint: UInt8, codePage: PrinterCodePage) {
        self.handle = handle; self.outEndpoint = outEndpoint; self.inEndpoint = inEndpoint; self.codePage = codePage
    }

    func send(_ bytes: [UInt8]) async throws(PrinterChannelError) {
        do {
            let taken = try await handle.bulkWrite(endpoint: outEndpoint, data: bytes, timeout: Self.writeTimeout)
            if taken < bytes.count { throw PrinterChannelError.stalled }
        } catch let error as PrinterChannelError {
            throw error
        } catch let error as USBError {
            throw Self.channelError(error)
        } catch {
            throw .noAnswer("\(error)")
        }
    }

    func status() async throws(PrinterChannelError) -> PrinterStatus {
        var answers: [UInt8] = []
        for query in PrinterStatusQuery.allCases {
            do {
                _ = try await handle.bulkWrite(endpoint: outEndpoint, data: ESCPOSEncoder.statusRequest(query), timeout: Self.answerTimeout)
                let answer = try await handle.bulkRead(endpoint: inEndpoint, length: 64, timeout: Self.answerTimeout)
                // Only the last byte counts: a printer that had an answer pending sends it first.
                guard let byte = answer.last else { throw PrinterChannelError.noAnswer("no byte came back for \(query)") }
                answers.append(byte)
            } catch let error as PrinterChannelError {
                throw error
            } catch let error as USBError {
                if case .timedOut = error { throw .noAnswer("no answer to \(query) within a second") }
                throw Self.channelError(error)
            } catch {
                throw .noAnswer("\(error)")
            }
        }
        do { return try PrinterStatus(answers: answers) } catch { throw .noAnswer(error.description) }
    }

    /// Whether the printer is still there (a control request that needs no printing).
    func present() async -> Bool {
        do { _ = try await handle.printerDeviceID(); return true } catch { return error != .deviceGone }
    }

    private static func channelError(_ error: USBError) -> PrinterChannelError {
        switch error {
        case .deviceGone, .closed: .disconnected
        case .timedOut: .stalled
        default: .noAnswer(error.description)
        }
    }
}
