#!/usr/bin/env bash
# `make demo`: runs kioskd with a seeded demo store and emulated devices in its own
# directory, then opens kiosk-front on it (demo keys on: S swipes the demo card, D draws a
# demo signature). Without a terminal it keeps the daemon in the foreground until Ctrl-C.
set -euo pipefail
bin="${1:-.build/debug}"
dir="${KIOSK_DEMO_DIR:-${TMPDIR:-/tmp}/kioskd-demo}"
sock="$dir/kioskd.sock"
mkdir -p "$dir"

"$bin/kioskd" --demo --data-dir "$dir" --socket "$sock" > "$dir/kioskd.out" 2> "$dir/kioskd.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
if ! [ -S "$sock" ]; then
  echo "kioskd did not start; its log:" >&2
  cat "$dir/kioskd.log" >&2
  exit 1
fi
cat "$dir/kioskd.out"

if [ -t 0 ] && [ -t 1 ] && [ -x "$bin/kiosk-front" ]; then
  echo "opening kiosk-front in 2 s (sign in: account 1001, PIN 4821; Ctrl-C leaves)"
  sleep 2
  "$bin/kiosk-front" --socket "$sock" --demo --branch "Main St Lumber" || true
  exit 0
fi

"$bin/kioskctl" --socket "$sock" account show 1001 || true
cat <<MSG

kioskd is running with demo data (log: $dir/kioskd.log).
Try:   $bin/kiosk-front --socket $sock --demo        (in a terminal of at least 80x24)
       $bin/kioskctl --socket $sock account show 1001 --job 1
Press Ctrl-C to stop.
MSG
wait $pid
