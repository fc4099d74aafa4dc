"""Measures `billing-migrate apply` against the simulator (release builds), side by side with a peer:
the plain thread-pool script a partner's admin would write (Benchmarks/peer_script.py: GET, PUT with
If-Match, a fixed retry), run against the same simulator in the same invocation. Run through
scripts/benchmark.sh apply. Prints one table.

Measures (pass their names to run only some; default: all but `scale` and `seeds`, which take minutes):
- throughput: 400 rows, 50 ms latency on every request, concurrency 16; the ideal is
  concurrency / (GET latency + PUT latency) = 160 rows/s.
- export: `export --all` of 2,000 customers at 50 ms latency, concurrency 16: customers/s, and
  requests per customer (customer GETs and list pages); the ideal is 16 / 0.05 = 320 customers/s.
- quota: 300 rows under a quota of BENCH_QUOTA requests a minute (default 1200), at concurrency 8
  and 32, in two quota models: the simulator's default (a bucket of one second of quota) and a
  small-burst token bucket (`--quota-burst 10 --retry-after-rounding up`) that answers with a
  whole-second Retry-After as soon as it is empty. Target: >= 90 % of the quota used, < 5 % of
  requests answered 429.
- brownout: 300 rows under faults that do not follow the pace (10 % 5xx, 5 % 429 with Retry-After 1 s, 3 %
  dropped connections, 20 ms latency), c=8, BENCH_RUNS runs each (default 5), tool and peer side by side.
- seeds: 500 rows under the faults of the end-to-end fault test (`--error-rate 0.10 --throttle-rate 0.05
  --drop-rate 0.03 --drop-after-write-rate 0.03`), c=8, simulator seeds 1 to BENCH_SEEDS (default 20): seconds,
  rows applied and peak requests in flight per seed, then the median and the slowest against it.
- reviewed: `plan --save-plan`, then `apply --plan`, then `apply --plan --trust-etag` on a fresh
  simulator: requests per changed row of the apply.
- scale: `plan` and `apply` of BENCH_SCALE_ROWS rows (default 1,000,000) at zero latency, with
  JSON, CSV and HTML reports: peak RSS (target < 150 MiB).
- resume: `apply` on a journal whose last run finished all BENCH_ROWS rows (default 1,000,000).
- resume_partial: `apply` on a journal with outcomes for the first half and no completion record:
  the journal is replayed and the input surveyed, then the run stops at its preflight call (the
  endpoint is closed, exit 3), so the time is the replay's and the survey's, before any row.

Columns: rows/s over the whole command (process start to exit); % of ideal (throughput); % of the
quota turned into accepted requests; share of all requests answered 429; requests per row (billing
profile GETs and PUTs over rows); CPU seconds per 1,000 rows (user + system of the process); peak RSS
(wait4's, which is at least this script's own RSS, some 20 MiB: the script keeps nothing large).
"""
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.request

from table import print_table

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOKEN = "sandbox-token"
ENV = dict(os.environ, PARTNER_CENTER_ACCESS_TOKEN=TOKEN)
PROFILE_ROUTES = ("GET /v1/customers/{id}/profiles/billing", "PUT /v1/customers/{id}/profiles/billing")


class Sandbox:
    """`billing-migrate sandbox` on a free loopback port."""

    def __init__(self, tool, *arguments):
        self.process = subprocess.Popen([tool, "sandbox", "--port", "0", *arguments], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        self.base = f"http://127.0.0.1:{int(line.split('127.0.0.1:')[1].split()[0])}"

    def get(self, path):
        with urllib.request.urlopen(self.base + path) as response:
            return json.load(response)

    def corrections(self, folder):
        """A corrections file with a new city for every customer; (path, rows). Written by a child
        process: a child's peak RSS, as wait4 reports it, includes the RSS of the process that
        spawned it, so this one stays small (a million IDs held here would count as the tool's)."""
        path = pathlib.Path(folder) / "corrections.csv"
        written = subprocess.run([sys.executable, __file__, "--write-corrections", self.base, path], check=True,
                                 stdout=subprocess.PIPE, text=True)
        return path, int(written.stdout)

    def counts(self, routes=PROFILE_ROUTES):
        """(all requests, requests answered 429, requests answered 200, requests on `routes`)."""
        requests = self.get("/_sandbox/stats")["requests"]
        total = sum(sum(statuses.values()) for statuses in requests.values())
        throttled = sum(statuses.get("429", 0) for statuses in requests.values())
        accepted = sum(statuses.get("200", 0) for statuses in requests.values())
        profile = sum(sum(requests.get(route, {}).values()) for route in routes)
        return total, throttled, accepted, profile

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait()


def timed(command, expected=(0,), env=ENV):
    """Runs `command`; (seconds, CPU seconds, peak RSS in MiB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in expected:
        sys.exit(f"{' '.join(map(str, command[:2]))} exited {code}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def tool_apply(tool, sandbox, path, folder, concurrency, *extra):
    return timed([tool, "apply", path, "--journal", pathlib.Path(folder) / "run.journal", "--endpoint", sandbox.base,
                  "--quiet", "--concurrency", str(concurrency), *extra])


def peer_apply(sandbox, path, concurrency):
    # The peer exits 1 when a row ran out of retries; its own count says how many succeeded.
    return timed([sys.executable, ROOT / "Benchmarks" / "peer_script.py", "--endpoint", sandbox.base, "--token", TOKEN,
                  "--concurrency", str(concurrency), path], expected=(0, 1))


def row(name, who, rows, done, run, sandbox, ideal=None, quota=None, routes=PROFILE_ROUTES):
    elapsed, cpu, rss, stdout = run
    total, throttled, accepted, profile = sandbox.counts(routes)
    rate = done / elapsed
    return (name, who, f"{done}/{rows}", f"{rate:.1f}", f"{rate / ideal:.0%}" if ideal else "",
            f"{accepted / (quota / 60 * elapsed):.0%}" if quota else "", f"{throttled / total:.1%}",
            f"{profile / rows:.2f}", f"{cpu / rows * 1000:.2f}", f"{rss:.0f}")


def peer_done(run, rows):
    """The rows the peer says it finished; none when it printed no count (it crashed)."""
    try:
        return json.loads(run[3])["succeeded"]
    except (ValueError, KeyError):
        return 0


def throughput(tool):
    rows = []
    for who in ("billing-migrate", "peer script"):
        with Sandbox(tool, "--customers", "400", "--latency-ms", "50") as sandbox, \
                tempfile.TemporaryDirectory() as folder:
            path, count = sandbox.corrections(folder)
            run = tool_apply(tool, sandbox, path, folder, 16) if who == "billing-migrate" else peer_apply(
                sandbox, path, 16)
            done = count if who == "billing-migrate" else peer_done(run, count)
            rows.append(row("50 ms latency, c=16", who, count, done, run, sandbox, ideal=16 / 0.1))
    return rows


def export(tool):
    """`export --all` of 2,000 customers at 50 ms latency, concurrency 16: one request per customer
    (GET /v1/customers/{id}) and one per page of 500, so the ideal is 16 / 0.05 = 320 customers/s."""
    count = 2000
    with Sandbox(tool, "--customers", str(count), "--latency-ms", "50") as sandbox, \
            tempfile.TemporaryDirectory() as folder:
        run = timed([tool, "export", pathlib.Path(folder) / "export.csv", "--all", "--endpoint", sandbox.base,
                     "--quiet", "--concurrency", "16", "--journal", pathlib.Path(folder) / "export.journal"])
        return [row("export --all, 50 ms latency, c=16 (customers)", "billing-migrate", count, count, run, sandbox,
                    ideal=16 / 0.05, routes=("GET /v1/customers/{id}", "GET /v1/customers"))]


def quota(tool):
    per_minute = int(os.environ.get("BENCH_QUOTA", "1200"))
    models = [("default bucket", []), ("burst 10, Retry-After up", ["--quota-burst", "10", "--retry-after-rounding",
                                                                    "up"])]
    rows = []
    for label, model in models:
        for concurrency in (8, 32):
            for who in ("billing-migrate", "peer script"):
                with Sandbox(tool, "--customers", "300", "--quota", str(per_minute), *model) as sandbox, \
                        tempfile.TemporaryDirectory() as folder:
                    path, count = sandbox.corrections(folder)
                    if who == "billing-migrate":
                        run, done = tool_apply(tool, sandbox, path, folder, concurrency), count
                    else:
                        run = peer_apply(sandbox, path, concurrency)
                        done = peer_done(run, count)
                    rows.append(row(f"quota {per_minute}/min, {label}, c={concurrency}", who, count, done, run,
                                    sandbox, quota=per_minute))
    return rows


BROWNOUT = ["--error-rate", "0.10", "--throttle-rate", "0.05", "--drop-rate", "0.03", "--latency-ms", "20"]


def brownout(tool):
    rows = []
    for run in range(int(os.environ.get("BENCH_RUNS", "5"))):
        for who in ("billing-migrate", "peer script"):
            with Sandbox(tool, "--customers", "300", "--seed", str(run + 1), *BROWNOUT) as sandbox, \
                    tempfile.TemporaryDirectory() as folder:
                path, count = sandbox.corrections(folder)
                if who == "billing-migrate":
                    run_result, done = tool_apply(tool, sandbox, path, folder, 8), count
                else:
                    run_result = peer_apply(sandbox, path, 8)
                    done = peer_done(run_result, count)
                rows.append(row(f"brownout, 300 rows, c=8, seed {run + 1}", who, count, done, run_result, sandbox))
    return rows


def seeds(tool):
    faults = ["--error-rate", "0.10", "--throttle-rate", "0.05", "--drop-rate", "0.03", "--drop-after-write-rate",
              "0.03"]
    rows, times = [], []
    for seed in range(1, int(os.environ.get("BENCH_SEEDS", "20")) + 1):
        with Sandbox(tool, "--customers", "500", "--seed", str(seed), *faults) as sandbox, \
                tempfile.TemporaryDirectory() as folder:
            path, count = sandbox.corrections(folder)
            elapsed, cpu, rss, stdout = tool_apply(tool, sandbox, path, folder, 8)
            applied = sum(1 for line in stdout.decode().splitlines() if line.startswith("applied "))
            peak = sandbox.get("/_sandbox/stats")["peakInFlight"]
            times.append(elapsed)
            rows.append((f"500 rows through faults, c=8, seed {seed}: peak {peak} in flight", "billing-migrate",
                         f"{count}/{count}", f"{count / elapsed:.1f}", "", "", "", "", f"{cpu / count * 1000:.2f}",
                         f"{rss:.0f}"))
    median = sorted(times)[len(times) // 2]
    rows.append((f"seeds: median {median:.1f} s, slowest {max(times):.1f} s ({max(times) / median:.2f}x the median)",
                 "billing-migrate", "", "", "", "", "", "", "", ""))
    return rows


def reviewed(tool):
    rows = []
    for label, extra in (("apply --plan", []), ("apply --plan --trust-etag", ["--trust-etag"])):
        with Sandbox(tool, "--customers", "400", "--latency-ms", "50") as sandbox, \
                tempfile.TemporaryDirectory() as folder:
            path, count = sandbox.corrections(folder)
            plan = pathlib.Path(folder) / "plan.json"
            timed([tool, "plan", path, "--save-plan", plan, "--endpoint", sandbox.base, "--quiet", "--concurrency",
                   "16"])
            before = sandbox.counts()
            run = timed([tool, "apply", "--plan", plan, "--journal", pathlib.Path(folder) / "run.journal",
                         "--endpoint", sandbox.base, "--quiet", "--concurrency", "16", *extra])
            after = sandbox.counts()
            elapsed, cpu, rss, _ = run
            profile = after[3] - before[3]
            throttled = after[1] - before[1]
            rows.append((f"{label} (after plan --save-plan), 50 ms, c=16", "billing-migrate", f"{count}/{count}",
                         f"{count / elapsed:.1f}", "", "", f"{throttled / max(1, after[0] - before[0]):.1%}",
                         f"{profile / count:.2f}", f"{cpu / count * 1000:.2f}", f"{rss:.0f}"))
    return rows


def scale(tool):
    count = int(os.environ.get("BENCH_SCALE_ROWS", "1000000"))
    rows = []
    with Sandbox(tool, "--customers", str(count)) as sandbox, tempfile.TemporaryDirectory() as folder:
        path, _ = sandbox.corrections(folder)
        reports = [arg for name in ("r.json", "r.csv", "r.html")
                   for arg in ("--report", pathlib.Path(folder) / name)]
        for command in ("plan", "apply"):
            extra = ["--journal", pathlib.Path(folder) / "run.journal"] if command == "apply" else []
            before = sandbox.counts()
            run = timed([tool, command, path, "--endpoint", sandbox.base, "--quiet", "--concurrency", "32", *extra,
                         *reports])
            after = sandbox.counts()
            elapsed, cpu, rss, _ = run
            html = (pathlib.Path(folder) / "r.html").stat().st_size / 2**20
            rows.append((f"{command} of {count:,} rows, zero latency, JSON+CSV+HTML reports (HTML {html:.1f} MiB)",
                         "billing-migrate", f"{count}/{count}", f"{count / elapsed:.0f}", "", "",
                         f"{(after[1] - before[1]) / max(1, after[0] - before[0]):.1%}",
                         f"{(after[3] - before[3]) / count:.2f}", f"{cpu / count * 1000:.2f}", f"{rss:.0f}"))
    return rows


def journal_for(rows, done, finished):
    """The corrections file of `rows` rows and a journal with `done` of them applied."""
    data = ROOT / ".build" / "bench-data"
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"corrections-{rows}.csv"
    if not path.exists():
        subprocess.run([sys.executable, ROOT / "Benchmarks" / "generate_corrections.py", str(rows), str(path)], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    journal = data / f"{'finished' if finished else 'partial'}-{rows}.journal"
    if journal.exists():
        journal.unlink()
    with open(journal, "w") as out:
        out.write(json.dumps({"type": "header", "tool": "billing-migrate", "version": "bench", "inputSHA256": digest,
                              "input": str(path), "rows": rows, "started": "2026-01-01T00:00:00Z"}) + "\n")
        for line in range(2, done + 2):
            out.write(f'{{"type":"outcome","line":{line},"customer":"c{line}","outcome":"applied","status":200}}\n')
        if finished:
            out.write(json.dumps({"type": "complete", "counts": {"applied": rows}}) + "\n")
    os.chmod(journal, 0o600)
    return path, journal


def resumed(tool, finished):
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    path, journal = journal_for(rows, rows if finished else rows // 2, finished=finished)
    # One attempt: the closed endpoint fails the preflight at once instead of after retries.
    elapsed, cpu, rss, _ = timed([tool, "apply", path, "--journal", journal, "--endpoint", "https://127.0.0.1:9",
                                  "--quiet", "--max-attempts", "1"], expected=(0 if finished else 3,))
    size = journal.stat().st_size / 2**20
    name = (f"resume a finished {rows:,}-row journal ({size:.0f} MiB): {elapsed:.2f} s, no request (target < 2 s)"
            if finished else
            f"resume a half-done {rows:,}-row journal ({size:.0f} MiB): replay and survey up to the preflight, "
            f"{elapsed:.2f} s")
    return [(name, "billing-migrate", "", "", "", "", "", "", f"{cpu:.2f} s in all", f"{rss:.0f}")]


MEASURES = {"throughput": throughput, "export": export, "quota": quota, "brownout": brownout, "seeds": seeds,
            "reviewed": reviewed, "scale": scale,
            "resume": lambda tool: resumed(tool, True), "resume_partial": lambda tool: resumed(tool, False)}


def main():
    tool = sys.argv[1]
    which = sys.argv[2:] or ["throughput", "export", "quota", "brownout", "reviewed", "resume", "resume_partial"]
    rows = []
    for name in which:
        rows += MEASURES[name](tool)
    print_table(("measure", "who", "rows done", "rows/s", "% of ideal", "% of quota", "429s", "requests/row",
                 "CPU s/1000 rows", "peak RSS MiB"), rows)


def write_corrections(base, path):
    with urllib.request.urlopen(base + "/_sandbox/customers") as response:
        ids = json.load(response)
    pathlib.Path(path).write_text(
        "customerId,city\n" + "".join(f"{customer},Newtown {i}\n" for i, customer in enumerate(ids)))
    print(len(ids))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-corrections"]:
        write_corrections(*sys.argv[2:4])
    else:
        main()
