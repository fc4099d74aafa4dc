#!/usr/bin/env bash
# The main job, on a fresh machine and with no credentials: builds the tool and validates every
# corrections file in samples/, checking each ends with the exit code samples/README.md promises.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
swift build --product billing-migrate
tool=$(swift build --show-bin-path)/billing-migrate
out=$(mktemp -d)
status=0

run() {
    local expected=$1
    shift
    echo
    echo "\$ billing-migrate $*"
    set +e
    "$tool" "$@"
    local code=$?
    set -e
    if [ "$code" -ne "$expected" ]; then
        echo "!! expected exit $expected, got $code" >&2
        status=1
    fi
}

run 0 validate samples/corrections-valid.csv --report "$out/valid.json"
run 0 validate samples/corrections-edge-cases.csv --delimiter ';' --report "$out/edge-cases.json"
run 1 validate samples/corrections-invalid.csv --report "$out/invalid.json"
echo
echo "JSON reports written to $out"
exit $status
