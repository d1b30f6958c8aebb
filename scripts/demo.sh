#!/usr/bin/env bash
# `make demo`: runs kioskd with a seeded demo store in its own directory, shows an account
# through kioskctl, then keeps the daemon in the foreground until Ctrl-C.
set -euo pipefail
bin="${1:-.build/debug}"
dir="${KIOSK_DEMO_DIR:-${TMPDIR:-/tmp}/kioskd-demo}"
sock="$dir/kioskd.sock"
mkdir -p "$dir"

"$bin/kioskd" --demo --data-dir "$dir" --socket "$sock" 2> "$dir/kioskd.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
if ! [ -S "$sock" ]; then
  echo "kioskd did not start; its log:" >&2
  cat "$dir/kioskd.log" >&2
  exit 1
fi

"$bin/kioskctl" --socket "$sock" account show 1001 || true
cat <<MSG

kioskd is running with demo data (log: $dir/kioskd.log).
Try:   $bin/kioskctl --socket $sock account show 1001 --job 1
       $bin/kioskctl --socket $sock account show 2001 --json
Press Ctrl-C to stop.
MSG
wait $pid
