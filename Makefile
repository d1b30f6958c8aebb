# kioskpay: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
export SWIFT_BACKTRACE ?= enable=no
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: all deps build build-tests test demo bench clean

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

# One build, then every test in one process (no --parallel: CI reads XCTest/Swift Testing summaries).
test: build-tests
	$(SWIFT) test --skip-build

demo: build
	@scripts/demo.sh .build/debug

bench: deps
	$(SWIFT) build -c release --product kioskd-bench
	.build/release/kioskd-bench

clean:
	rm -rf .build
