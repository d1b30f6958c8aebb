# kioskpay: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
export SWIFT_BACKTRACE ?= enable=no
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: all deps build build-tests test crash-test demo screens bench fuzz fuzz-smoke udev-rules deb clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# `swift build` first: --build-tests alone does not build the executables tests spawn
# (kioskd, kioskctl, kiosk-usb-harness, usb-probe); the second call reuses the first's work.
build-tests: deps
	$(SWIFT) build
	$(SWIFT) build --build-tests

# One build, a short fuzz smoke run of every device/sync parser, then every test in one
# process (no --parallel: CI reads the XCTest/Swift Testing summaries, which come last).
test: build-tests fuzz-smoke
	$(SWIFT) test --skip-build

# The crash test at full strength: 1,000 SIGKILLs during payment submissions (make test: 200).
crash-test: build-tests
	KIOSK_CRASH_KILLS=1000 $(SWIFT) test --skip-build --filter CrashTests

# libFuzzer (swiftc -sanitize=fuzzer,address) over the parsers that read device and network
# bytes; see Fuzz/README.md. A crash fails the run and prints its reproducer.
fuzz: deps
	scripts/fuzz.sh all 60

fuzz-smoke: deps
	scripts/fuzz.sh all 5

demo: build
	@scripts/demo.sh .build/debug

# The 80x24 screenshots in docs/screens/, written by the front's tmux tests as they pass.
screens: build-tests
	KIOSK_SCREENS=1 $(SWIFT) test --skip-build --filter FrontTmux

# udev/70-kioskpay.rules from the drivers' id tables (KioskDevices UdevRules); the udev rules
# test compares the checked-in file byte for byte and names this target when they differ.
udev-rules: build-tests
	KIOSK_WRITE_UDEV_RULES=1 $(SWIFT) test --skip-build --filter UdevRulesTests

bench: deps
	$(SWIFT) build -c release --product kioskd-bench
	.build/release/kioskd-bench

# The Debian package in dist/: release binaries with the Swift runtime linked in (no toolchain
# needed on the kiosk), units, udev rules, sysusers/tmpfiles, the sample config, docs.
# The install test (PackageInstallTests, in `make test`) packages the debug build the same way.
deb: deps
	$(SWIFT) build -c release --static-swift-stdlib --product kioskd
	$(SWIFT) build -c release --static-swift-stdlib --product kioskctl
	$(SWIFT) build -c release --static-swift-stdlib --product kiosk-front
	scripts/make-deb.sh .build/release dist

clean:
	rm -rf .build dist
