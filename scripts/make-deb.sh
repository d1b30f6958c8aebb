#!/usr/bin/env bash
# Builds kioskpay_<version>_<arch>.deb from already built binaries, with dpkg-deb.
#   scripts/make-deb.sh BINDIR OUTDIR [COMPRESSION]
# BINDIR holds kioskd, kioskctl and kiosk-front (`make deb` builds them in release with the
# Swift runtime linked in; the install test packages the debug build it already has). Man
# pages and completions are taken from .build/man and .build/completions when present
# (`make man`, `make completions`). Layout and maintainer scripts: packaging/debian/.
set -euo pipefail
cd "$(dirname "$0")/.."

bindir=${1:?usage: scripts/make-deb.sh BINDIR OUTDIR}
outdir=${2:?usage: scripts/make-deb.sh BINDIR OUTDIR}
# xz for a package to ship; the install test passes none (it checks the layout, not the size).
compression=${3:-xz}
for b in kioskd kioskctl kiosk-front; do
  [ -x "$bindir/$b" ] || { echo "make-deb: $bindir/$b is missing; build first (make deb builds it)" >&2; exit 66; }
done

version=$("$bindir/kioskd" --version | awk '{print $NF}')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/kioskpay-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/kioskpay_${version}_${arch}"
doc="$root/usr/share/doc/kioskpay"

# Files, owned by root (dpkg-deb --root-owner-group), modes set here.
install -D -m 0755 "$bindir/kioskd" "$root/usr/sbin/kioskd"
install -D -m 0755 "$bindir/kioskctl" "$root/usr/bin/kioskctl"
install -D -m 0755 "$bindir/kiosk-front" "$root/usr/bin/kiosk-front"
# As dh_strip does: debug symbols, the compilers' .comment and .note sections out.
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  "$root/usr/sbin/kioskd" "$root/usr/bin/kioskctl" "$root/usr/bin/kiosk-front" 2>/dev/null || true
for unit in kioskd.service kioskd.socket kiosk-front@.service; do
  install -D -m 0644 "systemd/$unit" "$root/lib/systemd/system/$unit"
done
install -D -m 0644 udev/70-kioskpay.rules "$root/lib/udev/rules.d/70-kioskpay.rules"
# AppStream: the hardware kioskpay drives, as modaliases from the udev rules, so software
# centres (and lintian) can match the package to a plugged-in reader or pad.
install -d -m 0755 "$root/usr/share/metainfo"
{
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<component type="generic">\n'
  printf '  <id>com.example.kioskpay</id>\n  <metadata_license>FSFAP</metadata_license>\n  <name>kioskpay</name>\n'
  printf '  <summary>Payment kiosk daemon for USB card readers and signature pads</summary>\n  <provides>\n'
  awk -F'"' '/^SUBSYSTEM=="usb", ATTR\{idVendor\}/ {
      vendor = toupper($4); products = "*"
      if ($0 ~ /idProduct/) products = toupper($6)
      n = split(products, list, "|")
      for (i = 1; i <= n; i++) {
        if (list[i] == "*") printf "    <modalias>usb:v%sp*</modalias>\n", vendor
        else printf "    <modalias>usb:v%sp%sd*</modalias>\n", vendor, list[i]
      }
    }' udev/70-kioskpay.rules
  printf '  </provides>\n</component>\n'
} > "$root/usr/share/metainfo/com.example.kioskpay.metainfo.xml"
chmod 0644 "$root/usr/share/metainfo/com.example.kioskpay.metainfo.xml"
install -D -m 0644 systemd/kioskd.sysusers "$root/usr/lib/sysusers.d/kioskpay.conf"
install -D -m 0644 systemd/kioskd.tmpfiles "$root/usr/lib/tmpfiles.d/kioskpay.conf"
# 0644 inside /etc/kioskd, which postinst makes 0750 root:kiosk.
install -D -m 0644 systemd/kioskd.toml "$root/etc/kioskd/kioskd.toml"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/kioskpay"

if [ -d .build/man ]; then
  for page in .build/man/*.[158]; do
    [ -e "$page" ] || continue
    # kiosk-backoffice is the back office's tool, not part of the kiosk's package.
    case "$page" in */kiosk-backoffice.*) continue ;; esac
    section=${page##*.}
    install -D -m 0644 "$page" "$root/usr/share/man/man$section/$(basename "$page")"
    gzip -9n "$root/usr/share/man/man$section/$(basename "$page")"
  done
fi
if [ -d .build/completions ]; then
  for tool in kioskctl kiosk-front; do
    # Sourced by bash-completion, never run: without ArgumentParser's #! line (lintian).
    if [ -f ".build/completions/$tool.bash" ]; then
      install -d -m 0755 "$root/usr/share/bash-completion/completions"
      sed '1{/^#!/d}' ".build/completions/$tool.bash" > "$root/usr/share/bash-completion/completions/$tool"
      chmod 0644 "$root/usr/share/bash-completion/completions/$tool"
    fi
    [ -f ".build/completions/_$tool" ] && install -D -m 0644 ".build/completions/_$tool" "$root/usr/share/zsh/vendor-completions/_$tool"
    [ -f ".build/completions/$tool.fish" ] && install -D -m 0644 ".build/completions/$tool.fish" "$root/usr/share/fish/vendor_completions.d/$tool.fish"
  done
fi

install -d -m 0755 "$doc"
for f in README.md docs/OPERATIONS.md docs/CONFIGURATION.md docs/PROTOCOL.md docs/SYNC.md docs/BACKOFFICE.md; do
  install -m 0644 "$f" "$doc/$(basename "$f")"
done
install -m 0644 packaging/debian/copyright "$doc/copyright"
sed "s/@VERSION@/$version/; s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
  packaging/debian/changelog | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"   # a native package (no Debian revision): changelog.gz

# Control: the libraries the binaries link (dpkg-shlibdeps), else the list kioskd needs on Debian 12.
install -d -m 0755 "$root/DEBIAN"
depends="libc6, libsqlite3-0, libusb-1.0-0, libudev1, libncursesw6, libssl3, libcurl4, libstdc++6, libgcc-s1, systemd"
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$stage/debian"
  printf 'Source: kioskpay\n\nPackage: kioskpay\nArchitecture: any\n' > "$stage/debian/control"
  if found=$(cd "$stage" && dpkg-shlibdeps -O --ignore-missing-info \
               "kioskpay_${version}_${arch}/usr/sbin/kioskd" "kioskpay_${version}_${arch}/usr/bin/kioskctl" \
               "kioskpay_${version}_${arch}/usr/bin/kiosk-front" 2>/dev/null); then
    shlibs=${found#shlibs:Depends=}
    [ -n "$shlibs" ] && depends="$shlibs, systemd"
  fi
  rm -rf "$stage/debian"
fi
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed "s/@VERSION@/$version/; s/@ARCH@/$arch/; s/@DEPENDS@/$depends/; s/@SIZE@/$size/" packaging/debian/control > "$root/DEBIAN/control"
echo /etc/kioskd/kioskd.toml > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

mkdir -p "$outdir"
dpkg-deb --root-owner-group "-Z$compression" --build "$root" "$outdir/kioskpay_${version}_${arch}.deb" >/dev/null
echo "$outdir/kioskpay_${version}_${arch}.deb"
