#!/usr/bin/env bash
# Build and run the libFuzzer targets in Fuzz/Sources/<target>/main.swift.
#
#   scripts/fuzz.sh TARGET|all [SECONDS]     (default 60 s per target)
#
# Env: FUZZ_BUILD_DIR (default .build-fuzz), FUZZ_SANITIZERS (default fuzzer,address),
#      FUZZ_JOBS / extra libFuzzer flags in FUZZ_ARGS, FUZZ_SKIP_BUILD=1 to reuse binaries.
# Exit status: 0 when no target crashed, 1 on a crash (reproducer paths printed), 2 on usage
# or build errors. New crashes are copied to Fuzz/crashes/<target>/.
#
# Why swiftc and not SwiftPM: the root package has no library products, so a Fuzz/ package
# cannot depend on KioskDevices/KioskCore by path without changing Package.swift.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH=/opt/swift/usr/bin:$PATH
# The Swift runtime backtracer hangs around a libFuzzer/ASan crash; libFuzzer prints the trace.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:symbolize=1}

ALL_TARGETS=(hid_descriptor track_parser wedge_decoder magtek_decoder magnesafe_decoder idtech_decoder escpos_printer sync_document sync_splitter)
B=${FUZZ_BUILD_DIR:-$ROOT/.build-fuzz}
SAN=${FUZZ_SANITIZERS:-fuzzer,address}
SWIFTC=${SWIFTC:-swiftc}

usage() { echo "usage: $0 TARGET|all [SECONDS]   targets: ${ALL_TARGETS[*]}" >&2; exit 2; }
[ $# -ge 1 ] || usage
WHAT=$1; SECS=${2:-60}
if [ "$WHAT" = all ]; then TARGETS=("${ALL_TARGETS[@]}")
else
  case " ${ALL_TARGETS[*]} " in *" $WHAT "*) TARGETS=("$WHAT");; *) usage;; esac
fi

module_of() { case $1 in sync_document|sync_splitter) echo KioskCore;; *) echo KioskDevices;; esac; }

# Module sources, minus files that import the C shims (USB I/O layer: not parsers, and linking
# them would need libusb/libudev in every fuzzer).
module_sources() {
  find "Sources/$1" -name '*.swift' -print0 | sort -z |
    xargs -0 grep -L -E '^[[:space:]]*import[[:space:]]+(CLibUSB|CLibUDev|CUMockdev)\b' || true
}

# Static library + .swiftmodule, instrumented (coverage + ASan), release.
build_module() {
  local m=$1 out="$B/lib$1.a"
  mkdir -p "$B/modules" "$B/obj/$m"
  local srcs; mapfile -t srcs < <(module_sources "$m")
  [ ${#srcs[@]} -gt 0 ] || { echo "fuzz.sh: no sources for $m" >&2; exit 2; }
  echo "== building $m (${#srcs[@]} files, -sanitize=$SAN)"
  (cd "$B/obj/$m" && "$SWIFTC" -O -wmo -parse-as-library -swift-version 6 -module-name "$m" \
      -sanitize="$SAN" -g \
      -emit-module -emit-module-path "$B/modules/$m.swiftmodule" \
      -emit-library -static -o "$out" "${srcs[@]/#/$ROOT/}")
}

build_fuzzer() {
  local t=$1 m; m=$(module_of "$1")
  mkdir -p "$B/bin"
  echo "== building fuzzer $t"
  "$SWIFTC" -O -parse-as-library -swift-version 6 -sanitize="$SAN" -g \
      -I "$B/modules" "Fuzz/Sources/$t/main.swift" "$B/lib$m.a" -o "$B/bin/$t" \
      2> >(grep -v 'Cannot export local symbol' >&2)
}

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  start=$(date +%s)
  declare -A built=()
  for t in "${TARGETS[@]}"; do
    m=$(module_of "$t")
    if [ -z "${built[$m]:-}" ]; then build_module "$m" || exit 2; built[$m]=1; fi
  done
  for t in "${TARGETS[@]}"; do build_fuzzer "$t" || exit 2; done
  echo "== build took $(( $(date +%s) - start )) s"
fi

status=0
for t in "${TARGETS[@]}"; do
  work="$B/corpus/$t" art="$B/artifacts/$t/" keep="Fuzz/crashes/$t"
  mkdir -p "$work" "$art"
  rm -f "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-*   # only this run's findings are reported
  seeds=(); [ -d "Fuzz/corpus/$t" ] && seeds+=("Fuzz/corpus/$t")
  [ -d "Tests/Fixtures/fuzz/$t" ] && seeds+=("Tests/Fixtures/fuzz/$t")
  maxlen=()
  case $t in magtek_decoder|magnesafe_decoder) maxlen=(-max_len=1000);; idtech_decoder) maxlen=(-max_len=2100);; sync_document|sync_splitter) maxlen=(-max_len=8192);; esac
  echo "== fuzzing $t for ${SECS}s"
  log="$B/artifacts/$t.log"
  set +e
  # The first corpus dir is writable (new units go there); checked-in seeds are read-only inputs.
  "$B/bin/$t" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$art" \
      "${maxlen[@]}" ${FUZZ_ARGS:-} "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+.*DONE' "$log" | sed "s/^/   $t: /" || true
  if [ $rc -ne 0 ]; then
    status=1
    mkdir -p "$keep"
    echo "!! $t crashed (exit $rc); log: $log" >&2
    demangle=cat; command -v swift-demangle >/dev/null && demangle="swift-demangle --simplified"
    grep -E 'ERROR: |SUMMARY: |Fatal error|^    #[0-9]+ ' "$log" | grep -v -E 'compiler-rt/lib/fuzzer|asan_stack' |
      head -20 | $demangle >&2 || true
    for f in "$art"*; do
      [ -f "$f" ] || continue
      cp "$f" "$keep/"
      echo "!! reproducer: $keep/$(basename "$f")   (rerun: $B/bin/$t $keep/$(basename "$f"))" >&2
    done
  fi
done
exit $status
