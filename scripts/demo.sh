#!/usr/bin/env bash
# The main job, on a fresh machine and with no credentials: builds the tool, validates the
# samples, then plans and applies them against the embedded Partner Center simulator (--sandbox),
# checking each step ends with the exit code samples/README.md promises. Then the reviewed-plan
# workflow of the README, step by step: plan with reports and a saved plan, apply exactly that
# plan with an undo file, undo it, and plan again to see the start restored.
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

run 0 validate samples/corrections-valid.csv
run 0 validate samples/corrections-edge-cases.csv --delimiter ';'
run 1 validate samples/corrections-invalid.csv
run 0 plan samples/corrections-valid.csv --sandbox --report "$out/plan.json"
run 0 apply samples/corrections-valid.csv --sandbox --journal "$out/apply.journal" --report "$out/apply.json"
run 0 status --journal "$out/apply.journal"

echo
echo "# The reviewed-plan workflow (README: \"Review, approve, undo\")"
sandbox=(--sandbox --sandbox-state "$out/sandbox.json")
run 0 plan samples/corrections-valid.csv "${sandbox[@]}" --quiet \
    --report "$out/review.html" --report "$out/review.md" --save-plan "$out/plan.json"
run 0 apply --plan "$out/plan.json" "${sandbox[@]}" --quiet --journal "$out/reviewed.journal" \
    --undo-file "$out/undo.csv" --report "$out/applied.html"
run 0 plan samples/corrections-valid.csv "${sandbox[@]}" --quiet --detailed-exitcode
run 0 apply "$out/undo.csv" "${sandbox[@]}" --quiet --journal "$out/undo.journal"
run 4 plan samples/corrections-valid.csv "${sandbox[@]}" --quiet --detailed-exitcode
echo
echo "Reports, plans, journals and the undo file are in $out"
exit $status
