#!/usr/bin/env bash
# Fuzzes one parser of outside bytes with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#
# TARGET is csv (CSVReader), json (JSONValue(parsing:)) or journal (the journal reader: each
# line, `status`, and a resume); see Sources/FuzzTargets. Builds the `fuzz` driver with
# -sanitize=fuzzer,address in .build-fuzz, apart from the ordinary build (release: optimized code
# runs about 4 times the inputs a second of a debug build; preconditions still trap), then runs it for
# SECONDS over the committed seed corpus Tests/Fixtures/FuzzCorpus/TARGET plus a scratch corpus
# in .build-fuzz/corpus/TARGET, where the new inputs go (the committed corpus is never written;
# FRESH=1 empties the scratch one first). Prints executions, exec/s, coverage and corpus size;
# on a crash, the input it kept (in .build-fuzz/artifacts/TARGET), how to replay and minimize
# it, and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: scripts/fuzz.sh csv|json|journal SECONDS [libFuzzer flags...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case "$target" in csv | json | journal) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

bash scripts/prerequisites.sh

scratch=.build-fuzz
mkdir -p "$scratch/logs"
build_log="$scratch/logs/build.log"
echo "Building the fuzz driver with -sanitize=fuzzer,address in $scratch (log: $build_log) ..." >&2
if ! swift build --scratch-path "$scratch" -c release --product fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >"$build_log" 2>&1; then
    grep -v "Cannot export local symbol '__asan" "$build_log" | tail -n 40 >&2
    echo "fuzz.sh: the sanitizer build failed" >&2
    exit 2
fi
driver="$scratch/release/fuzz"

seeds="Tests/Fixtures/FuzzCorpus/$target"
corpus="$scratch/corpus/$target"
artifacts="$scratch/artifacts/$target"
log="$scratch/logs/$target-$(date +%Y%m%dT%H%M%S).log"
if [ "${FRESH:-0}" = 1 ]; then rm -rf "$corpus"; fi
mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"

echo "Fuzzing $target for ${seconds}s (log: $log) ..." >&2
status=0
started=$SECONDS
# Swift's own crash handler would stand in front of libFuzzer's and AddressSanitizer's.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    "$driver" "$target" "$corpus" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1 || status=$?

# The last status line ("#N DONE cov: ... ft: ... corp: ...") and the final stats.
last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1 || true)
if [ -z "$last" ]; then last="(stopped while loading the corpus)"; fi
final_stat() { sed -n "s/^stat::$1:[[:space:]]*//p" "$log" | tail -n 1; }
echo "target:      $target"
echo "time:        $((SECONDS - started))s (${seconds}s asked)"
echo "executions:  $(final_stat number_of_executed_units)"
echo "exec/s:      $(final_stat average_exec_per_sec)"
field() { sed -n "s/.*$1: \\([0-9]*\\/*[0-9]*[bKM]*\\).*/\\1/p" <<<"$last"; }
echo "coverage:    $(field cov) edges, $(field ft) features"
echo "corpus:      $(field corp) (inputs/bytes, seeds included); scratch $corpus: $(find "$corpus" -type f | wc -l) files"
echo "new units:   $(final_stat new_units_added)"
echo "peak RSS:    $(final_stat peak_rss_mb) MB"

crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
if [ "$status" -ne 0 ] || [ -n "$crash" ]; then
    echo
    echo "fuzz.sh: $target crashed (exit $status):"
    grep -m 1 -E "Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$log" | cut -c 1-2000 || true
    grep -E '^[[:space:]]+#[0-9]+ 0x' "$log" | swift demangle --simplified | head -n 40 || true
    if [ -n "$crash" ]; then
        echo
        echo "input: $crash ($(wc -c <"$crash") bytes)"
        od -A d -c "$crash" | head -n 20
        echo "replay:   SWIFT_BACKTRACE=enable=no $driver $target $crash"
        echo "minimize: SWIFT_BACKTRACE=enable=no $driver $target -minimize_crash=1 -max_total_time=60 -exact_artifact_path=$crash.min $crash"
        echo "without sanitizers: swift build --product fuzz && .build/debug/fuzz $target $crash"
    fi
    exit 1
fi
