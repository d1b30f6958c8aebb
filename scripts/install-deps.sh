#!/usr/bin/env bash
# Installs the Debian packages kioskpay needs to build, test and demo, only those missing.
# Used by `make deps` (and so by `make demo`, `make test` and CI). Safe to run again.
set -euo pipefail

# Build: SQLite for GRDB (system libsqlite3), pkg-config for system-library targets.
# Tests: setpriv (util-linux) runs clients under other uids; sqlite3 inspects written files;
# systemd-analyze verifies the unit and expands its system-call filter, which python3-seccomp
# (libseccomp) then loads around kioskd (scripts/unit-seccomp.py); python3 (stdlib only)
# otherwise speaks the protocol as other uids and runs the independent figures oracle.
# Devices: libusb-1.0 and libudev for the USB transport; umockdev (libumockdev + its preload
# library) emulates USB devices so tests run the real libusb code paths without hardware.
# Crypto: OpenSSL's libcrypto (libssl-dev) gives TDES/AES blocks for DUKPT (swift-crypto has no DES).
# Front: ncursesw (libncurses-dev) draws kiosk-front; tmux runs it in its end-to-end tests;
# faketime (libfaketime) runs the date-dependent ones on month and year edges.
# Back office: libcurl (libcurl4-openssl-dev) is the reference server's SMTP client; its
# tests run a local SMTP server on python3's standard smtpd module (Python 3.11).
# Manual pages: groff (groff-base) renders the pages `make man` writes, in their test.
# Package: lintian checks the .deb `make deb` and the install test build (PackageLintTests).
packages=(libsqlite3-dev sqlite3 pkg-config util-linux procps systemd python3 python3-seccomp ca-certificates
          libusb-1.0-0-dev libudev-dev umockdev libumockdev-dev libssl-dev libncurses-dev tmux faketime
          libcurl4-openssl-dev groff-base lintian)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "swift is at /opt/swift/usr/bin; add it to PATH: export PATH=/opt/swift/usr/bin:\$PATH" >&2
  else
    echo "Swift 6 is not installed: install a Swift 6.x toolchain for Debian 12 (swift.org) and put it on PATH" >&2
  fi
  exit 1
fi
