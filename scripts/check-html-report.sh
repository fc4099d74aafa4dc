#!/usr/bin/env bash
# Opens the HTML reports in a real headless browser (Debian's chromium, installed when missing)
# and checks what a reviewer would see:
#   - the page renders and its script runs (the filter buttons it builds are in the DOM);
#   - the counts it shows (the summary table, and the buttons counted from the rows) match the
#     JSON report of the same run;
#   - it makes no request of its own: chromium's network log holds no request that the page
#     started (a control page with an external image and stylesheet shows that the check would
#     see them; chromium's own background traffic is not the page's and is told apart by its
#     initiator).
# It also leaves screenshots (desktop and phone width) and a PDF (print) in the output folder.
# Usage: scripts/check-html-report.sh [output-folder]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
if ! command -v chromium >/dev/null; then
    echo "Installing chromium (Debian's) for the browser check ..." >&2
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
swift build --product billing-migrate
tool=$(swift build --show-bin-path)/billing-migrate
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

set +e
"$tool" plan samples/corrections-valid.csv --sandbox --quiet \
    --report "$out/plan.html" --report "$out/plan.json" >/dev/null
"$tool" validate samples/corrections-invalid.csv --quiet \
    --report "$out/validate.html" --report "$out/validate.json" >/dev/null
set -e
cat >"$out/control.html" <<'HTML'
<!doctype html><html><body><img src="http://127.0.0.1:9/probe.png">
<link rel="stylesheet" href="https://example.invalid/probe.css"></body></html>
HTML

browse() { # page, then extra chromium flags
    local page=$1
    shift
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync "$@" "file://$out/$page" 2>/dev/null
}

status=0
for name in plan validate control; do
    browse "$name.html" --log-net-log="$out/$name.netlog.json" --dump-dom >"$out/$name.dom.html"
done
for name in plan validate; do
    browse "$name.html" --window-size=1280,900 --screenshot="$out/$name-desktop.png" >/dev/null
    browse "$name.html" --window-size=390,844 --screenshot="$out/$name-phone.png" >/dev/null
    browse "$name.html" --print-to-pdf="$out/$name.pdf" --no-pdf-header-footer >/dev/null
done

python3 - "$out" <<'PY' || status=1
import json, re, sys
out = sys.argv[1]

def page_requests(name):
    """URLs the page itself asked for: a file:// page's requests carry the initiator "null"."""
    log = json.load(open(f"{out}/{name}.netlog.json"))
    return sorted({e["params"]["url"] for e in log["events"]
                   if "url" in e.get("params", {}) and e["params"].get("initiator") in ("null", "file://")})

ok = True
control = page_requests("control")
print(f"control page: {len(control)} request(s) seen: {control}")
if len(control) < 2:
    print("!! the network check does not see a page's requests; it proves nothing"); ok = False
for name in ("plan", "validate"):
    summary = json.load(open(f"{out}/{name}.json"))["summary"]
    dom = open(f"{out}/{name}.dom.html").read()
    shown = {k: int(v) for k, v in re.findall(r'data-count="([a-z-]+)">(\d+)<', dom)}
    buttons = {k: int(v) for k, v in re.findall(r'data-filter="([a-z-]+)" data-count="(\d+)"', dom)}
    expected = {k: v for k, v in summary.items() if k not in ("malformedRows", "warnings") and v}
    requests = page_requests(name)
    print(f"{name}: JSON summary {expected}")
    print(f"{name}: summary table in the page {shown}")
    print(f"{name}: filter buttons built by the page's script {buttons}")
    print(f"{name}: requests made by the page: {requests}")
    if shown != expected:
        print(f"!! {name}: the page's counts differ from the JSON report"); ok = False
    if {("rows" if k == "all" else k): v for k, v in buttons.items()} != expected:
        print(f"!! {name}: the rows in the page differ from the JSON report (or its script did not run)"); ok = False
    if requests:
        print(f"!! {name}: the page made requests"); ok = False
sys.exit(0 if ok else 1)
PY

echo "screenshots and PDFs: $out"
if [ "$status" -ne 0 ]; then echo "HTML report check FAILED" >&2; exit 1; fi
echo "HTML report check passed"
