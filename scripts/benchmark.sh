#!/usr/bin/env bash
# Benchmarks, release build; not part of the tests. Each prints a table.
#   validate:  a generated 1,000,000-row file (BENCH_ROWS to change), next to libcsv alone.
#   simulator: its own capacity on loopback at zero latency (BENCH_SECONDS per concurrency).
#   apply:     throughput at 50 ms latency, use of a server quota, resume of a finished 1M-row journal,
#              and the replay and survey of a half-done one.
# Pass the names to run only some: scripts/benchmark.sh simulator apply
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
which=${*:-validate simulator apply}
swift build -c release --product billing-migrate
swift build -c release --product simulator-capacity
bin=$(swift build -c release --show-bin-path)
for name in $which; do
    case $name in
    validate)
        echo "## validate"
        python3 Benchmarks/validate_benchmark.py "$bin/billing-migrate"
        ;;
    simulator)
        echo "## simulator capacity (GET billing profile, loopback, zero latency)"
        "$bin/simulator-capacity"
        ;;
    apply)
        echo "## apply against the simulator"
        python3 Benchmarks/apply_benchmark.py "$bin/billing-migrate"
        ;;
    *) echo "unknown benchmark '$name' (validate, simulator, apply)" >&2; exit 2 ;;
    esac
    echo
done
