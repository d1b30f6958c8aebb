// swift-tools-version:6.0
import PackageDescription

// Module map and import rules: docs/ARCHITECTURE.md.
// Arrows point down only: Core <- Store <- Daemon; Protocol <- Client <- CLI.
let package = Package(
    name: "kioskpay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kioskd", targets: ["kioskd"]),
        .executable(name: "kioskctl", targets: ["kioskctl"]),
        .executable(name: "kiosk-backoffice", targets: ["kiosk-backoffice"]),
        .executable(name: "kiosk-front", targets: ["kiosk-front"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: figures over values. Foundation only, no I/O.
        .target(name: "KioskCore"),
        // Process plumbing every binary shares: file modes whatever the umask, stdout/stderr
        // that survive a reader going away. Glibc and Foundation only.
        .target(name: "KioskSystem"),
        // The back-office API's bodies as Codable types (docs/backoffice-api.yaml), shared by the
        // store (outbox payloads), the daemon's relay and `kiosk-backoffice serve`. Foundation only.
        .target(name: "KioskBackOfficeContract", dependencies: ["KioskJSON"]),
        // Any JSON value as a tree (what is carried unread, or shown to a person as is).
        // Foundation only; the socket protocol and the back-office contract share it.
        .target(name: "KioskJSON"),
        // SQLite through GRDB: migrations, sync apply, account reads, audit log.
        .target(name: "KioskStore", dependencies: [
            "KioskCore", "KioskSystem", "KioskBackOfficeContract",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // JSON-RPC envelopes, wire types, line framing rules. Foundation only.
        .target(name: "KioskProtocol", dependencies: ["KioskJSON"]),
        // The service: socket server, roles, handlers, config, systemd notify.
        .target(name: "KioskDaemon", dependencies: [
            "KioskCore", "KioskStore", "KioskSystem", "KioskProtocol", "KioskDevices", "KioskCrypto", "KioskBackOfficeContract", "KioskJSON",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Typed async client for the socket (used by kioskctl and, later, the front).
        .target(name: "KioskClient", dependencies: [
            "KioskProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // libusb-1.0 and libudev through pkg-config (thin shims for what Swift cannot call).
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CLibUDev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // glibc's <malloc.h> (mallopt), for kioskd's arena limit.
        .systemLibrary(name: "CGlibcMalloc"),
        // Device drivers: HID descriptors, card tracks, reader and pad decoders, libusb transport.
        .target(name: "KioskDevices", dependencies: ["CLibUSB", "CLibUDev"]),
        // libumockdev (test bed only, never linked into the daemon).
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0",
                       providers: [.apt(["libumockdev-dev", "umockdev"])]),
        // Emulated USB devices for tests: `kiosk-usb-harness SCENARIO.json -- PROGRAM ...`
        // (Tests/Fixtures/usb/README.md). C, on libumockdev; not shipped.
        .executableTarget(name: "kiosk-usb-harness", dependencies: ["CUMockdev"], path: "Sources/KioskUSBHarness",
                          linkerSettings: [.linkedLibrary("m")]),
        // Test helper driving KioskDevices/USB end to end inside the harness.
        .executableTarget(name: "usb-probe", dependencies: ["KioskDevices"], path: "Tests/USBProbe"),
        // OpenSSL libcrypto's EVP behind a C header that includes no OpenSSL header (OpenSSL and
        // swift-crypto's BoringSSL clash in one Clang module): TDES/AES blocks for DUKPT.
        .target(name: "CKioskOpenSSL", linkerSettings: [.linkedLibrary("crypto")]),
        // Sealing (HPKE to the back office), PIN hashes, signature bindings; DUKPT (TDES/AES).
        .target(name: "KioskCrypto", dependencies: [
            "KioskCore", "CKioskOpenSSL",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // libcurl's SMTP client behind one fixed-signature C function (curl_easy_setopt is
        // variadic): the reference back office emails documents through a relay with it.
        .target(name: "CKioskCurl", linkerSettings: [.linkedLibrary("curl")]),
        // The back office's tools: keygen, open-capture, dukpt (and, later, the reference server).
        .executableTarget(name: "kiosk-backoffice", dependencies: [
            "KioskSystem", "KioskCrypto", "KioskBackOfficeContract", "KioskJSON", "CKioskCurl",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // ncursesw (wide-character build) for the customer's screen; shim header in the target.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        // The customer's screens: value-typed models, pure updates and layouts (no curses).
        .target(name: "KioskFront", dependencies: ["KioskProtocol", "KioskJSON"]),
        // The front's program: curses drawing, the kioskd connection and the main loop.
        .executableTarget(name: "kiosk-front", dependencies: [
            "KioskFront", "KioskClient", "KioskProtocol", "KioskSystem", "CNcursesw",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Data for demos, tests and benchmarks: the demo store, synthetic sync documents.
        .target(name: "KioskFixtures", dependencies: ["KioskCore"]),
        // The daemon's program: what it imports, it declares (the demo data comes from KioskFixtures).
        .executableTarget(name: "kioskd", dependencies: [
            "KioskDaemon", "KioskSystem", "KioskCore", "KioskStore", "KioskFixtures", "CGlibcMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "kioskctl", dependencies: [
            "KioskSystem", "KioskClient", "KioskProtocol", "KioskJSON", "KioskCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            // SHA-256 of a backup as written (kioskctl backup checks it against kioskd's).
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // `make bench`: speed and memory as ratios to baselines measured in the same run.
        .executableTarget(name: "kioskd-bench", dependencies: [
            "KioskCore", "KioskStore", "KioskFixtures", "KioskCrypto", "KioskProtocol", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Benchmarks/kioskd-bench"),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore", "KioskFixtures"]),
        .testTarget(name: "KioskStoreTests", dependencies: [
            "KioskStore", "KioskCore", "KioskFixtures", "KioskBackOfficeContract", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "KioskCryptoTests", dependencies: ["KioskCrypto"]),
        .testTarget(name: "KioskProtocolTests", dependencies: ["KioskProtocol"]),
        // The contract's bodies against docs/backoffice-api.yaml.
        .testTarget(name: "KioskBackOfficeContractTests", dependencies: ["KioskBackOfficeContract", "KioskJSON"]),
        .testTarget(name: "KioskDevicesTests", dependencies: ["KioskDevices", "kiosk-usb-harness", "usb-probe"]),
        .testTarget(name: "KioskDaemonTests", dependencies: [
            "KioskDaemon", "KioskProtocol", "KioskCore", "KioskStore", "KioskFixtures",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "KioskFrontTests", dependencies: ["KioskFront", "KioskProtocol", "KioskJSON"]),
        .testTarget(name: "KioskClientTests", dependencies: ["KioskClient", "KioskProtocol"]),
        // Real kioskd processes on real sockets; slower.
        .testTarget(name: "KioskEndToEndTests", dependencies: [
            "KioskProtocol", "KioskCore", "KioskDevices", "KioskFixtures", "KioskCrypto", "KioskFront", "kioskd", "kioskctl", "kiosk-usb-harness", "kiosk-backoffice", "kiosk-front",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
