#!/usr/bin/env bash
# Benchmarks, release build; not part of the tests. Each prints a table.
#   validate:  a generated 1,000,000-row file (BENCH_ROWS to change), next to libcsv alone.
#   simulator: its own capacity on loopback at zero latency (BENCH_SECONDS per concurrency).
#   apply:     beside a plain peer script (Benchmarks/peer_script.py): throughput at 50 ms latency,
#              use of a server quota in two quota models at concurrency 8 and 32, requests per row of
#              apply --plan with and without --trust-etag; resume of a finished 1M-row journal, and
#              the replay and survey of a half-done one. `apply scale` measures 1M rows instead.
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
    scale)
        echo "## plan and apply of 1,000,000 rows against the simulator"
        python3 Benchmarks/apply_benchmark.py "$bin/billing-migrate" scale
        ;;
    *) echo "unknown benchmark '$name' (validate, simulator, apply, scale)" >&2; exit 2 ;;
    esac
    echo
done
