#!/usr/bin/env bash
# `make demo`: runs kioskd with a seeded demo store and emulated devices in its own
# directory, linked to the reference back office (kiosk-backoffice serve) on a loopback port,
# then opens kiosk-front on it (demo keys on: S swipes the demo card, D draws a demo
# signature). Without a terminal it keeps the daemon in the foreground until Ctrl-C.
set -euo pipefail
bin="${1:-.build/debug}"
dir="${KIOSK_DEMO_DIR:-${TMPDIR:-/tmp}/kioskd-demo}"
sock="$dir/kioskd.sock"
mkdir -p "$dir"

# The back office: a free loopback port, a token only these two processes know.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
umask 077
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/backoffice.token"
umask 022
cat > "$dir/kioskd.toml" <<TOML
# demo: kioskd linked to the reference back office on loopback
[backoffice]
url = "http://127.0.0.1:$port"
token_file = "$dir/backoffice.token"
status_poll_seconds = 5
heartbeat_seconds = 30
TOML

"$bin/kioskd" --demo --config "$dir/kioskd.toml" --data-dir "$dir" --socket "$sock" > "$dir/kioskd.out" 2> "$dir/kioskd.log" &
pid=$!
bo_pid=""
trap 'kill -TERM $pid $bo_pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
if ! [ -S "$sock" ]; then
  echo "kioskd did not start; its log:" >&2
  cat "$dir/kioskd.log" >&2
  exit 1
fi
# kioskd --demo wrote its throwaway key pair: the demo back office opens captures with it.
"$bin/kiosk-backoffice" serve --port "$port" --db "$dir/backoffice.sqlite" --token-file "$dir/backoffice.token" \
  --private-key "$dir/demo-backoffice.key" > "$dir/backoffice.out" 2> "$dir/backoffice.log" &
bo_pid=$!
cat "$dir/kioskd.out"

if [ -t 0 ] && [ -t 1 ] && [ -x "$bin/kiosk-front" ]; then
  echo "opening kiosk-front in 2 s (sign in: account 1001, PIN 4821; Ctrl-C leaves)"
  sleep 2
  "$bin/kiosk-front" --socket "$sock" --demo --branch "Main St Lumber" || true
  exit 0
fi

"$bin/kioskctl" --socket "$sock" account show 1001 || true
cat <<MSG

kioskd is running with demo data (log: $dir/kioskd.log), linked to the demo back office
on 127.0.0.1:$port (database: $dir/backoffice.sqlite).
Try:   $bin/kiosk-front --socket $sock --demo        (in a terminal of at least 80x24)
       $bin/kioskctl --socket $sock account show 1001 --job 1
       $bin/kioskctl --socket $sock status
       $bin/kiosk-backoffice payments list --db $dir/backoffice.sqlite
Press Ctrl-C to stop.
MSG
wait $pid
