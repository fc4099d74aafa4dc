#!/usr/bin/env bash
# Benchmarks, release build; not part of the tests. Prints a table.
#   validate: a generated 1,000,000-row file (BENCH_ROWS to change), next to libcsv alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
swift build -c release --product billing-migrate
python3 Benchmarks/validate_benchmark.py "$(swift build -c release --show-bin-path)/billing-migrate"
