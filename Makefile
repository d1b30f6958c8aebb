# kioskpay: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
export SWIFT_BACKTRACE ?= enable=no
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: all deps build build-tests test crash-test demo screens bench bench-smoke fuzz fuzz-smoke udev-rules supported-devices man completions deb clean

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
# `man` first: CommandLineExitTests finishes and checks the pages its plugin step wrote.
test: build-tests fuzz-smoke man bench-smoke
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

# docs/SUPPORTED-DEVICES.md from the same declarations (KioskDevices SupportedDevicesTable); its
# test compares the checked-in file byte for byte and names this target when they differ.
supported-devices: build-tests
	KIOSK_WRITE_SUPPORTED_DEVICES=1 $(SWIFT) test --skip-build --filter SupportedDevicesDocTests

# Manual pages, from the binaries' argument definitions: ArgumentParser's GenerateManual plugin
# writes one page per tool, then scripts/man.py puts kioskd in section 8, turns each command's
# "Examples:" and "Exit status" discussion into EXAMPLES and EXIT STATUS, and writes
# kioskd.toml(5) from docs/CONFIGURATION.md. Output: .build/man (never committed).
MAN_RAW = .build/plugins/GenerateManual/outputs
man: build
	rm -rf $(MAN_RAW) .build/man
	$(SWIFT) package plugin generate-manual --configuration debug
	python3 scripts/man.py $(MAN_RAW) .build/man

# bash, zsh and fish completions for the tools people type, from ArgumentParser.
COMPLETION_TOOLS = kioskctl kiosk-front
completions: build
	mkdir -p .build/completions
	bin=$$($(SWIFT) build --show-bin-path) && for tool in $(COMPLETION_TOOLS); do \
	  "$$bin/$$tool" --generate-completion-script bash > .build/completions/$$tool.bash && \
	  "$$bin/$$tool" --generate-completion-script zsh > .build/completions/_$$tool && \
	  "$$bin/$$tool" --generate-completion-script fish > .build/completions/$$tool.fish || exit 1; \
	done

# The figures of issue 16 beside their references, measured in one run: prints the table and
# writes Benchmarks/results.json. Release build, full sizes (minutes). kioskd and kioskctl are
# built too: the daemon sections start the real daemon and talk to it over its socket; and
# kiosk-usb-harness, which the pen section runs kioskd under (it skips, saying so, without it).
bench: deps
	$(SWIFT) build -c release --product kioskd-bench
	$(SWIFT) build -c release --product kioskd
	$(SWIFT) build -c release --product kioskctl
	$(SWIFT) build -c release --product kiosk-usb-harness
	.build/release/kioskd-bench --results Benchmarks/results.json

# Every section at small sizes on the debug build (seconds): `make test` runs it so the
# benchmarks cannot rot. Its figures mean nothing; it writes into .build, not Benchmarks/.
bench-smoke: build
	.build/debug/kioskd-bench --smoke --results .build/bench-smoke.json

# The Debian package in dist/: release binaries with the Swift runtime linked in (no toolchain
# needed on the kiosk), units, udev rules, sysusers/tmpfiles, the sample config, man pages,
# completions, docs. The install test (PackageInstallTests, in `make test`) packages the
# debug build the same way.
# Linked with full RELRO (-z relro -z now), then checked by lintian: any error or warning not
# explained in packaging/debian/lintian-overrides fails the target.
RELEASE_FLAGS = -c release --static-swift-stdlib -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now
deb: deps man completions
	$(SWIFT) build $(RELEASE_FLAGS) --product kioskd
	$(SWIFT) build $(RELEASE_FLAGS) --product kioskctl
	$(SWIFT) build $(RELEASE_FLAGS) --product kiosk-front
	deb=$$(scripts/make-deb.sh .build/release dist) && ls -l "$$deb" && \
	  lintian --fail-on error,warning --info "$$deb"

clean:
	rm -rf .build dist
