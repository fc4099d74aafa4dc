"""Measures `billing-migrate apply` against the simulator (release builds), and the resume of a
finished 1,000,000-row journal. Run through scripts/benchmark.sh apply. Prints a table.

1. Throughput: 50 ms latency on every request, --concurrency 16; the ideal is
   concurrency / (GET latency + PUT latency) = 160 rows/s.
2. Quota: the simulator allows BENCH_QUOTA requests a minute (default 1200); the run should use
   at least 90 % of it with under 5 % of requests answered 429.
3. Resume: `apply` on a journal whose last run finished all 1,000,000 rows.
4. Resume, partly finished: `apply` on a journal with outcomes for the first half of 1,000,000
   rows and no completion record: the journal is replayed and the input surveyed, then the run
   stops at its preflight call (the endpoint is closed, exit 3), so the time is the replay's and
   the survey's, before any row.
"""
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
ENV = dict(os.environ, PARTNER_CENTER_ACCESS_TOKEN="sandbox-token")


def sandbox(tool, *arguments):
    process = subprocess.Popen([tool, "sandbox", "--port", "0", *arguments], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split()[0])
    return process, f"http://127.0.0.1:{port}"


def get(url):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def corrections(base, folder):
    path = pathlib.Path(folder) / "corrections.csv"
    ids = get(base + "/_sandbox/customers")
    path.write_text("customerId,city\n" + "".join(f"{customer},Newtown {i}\n" for i, customer in enumerate(ids)))
    return path, len(ids)


def apply(tool, base, folder, *arguments):
    path, rows = corrections(base, folder)
    start = time.perf_counter()
    result = subprocess.run([tool, "apply", path, "--journal", pathlib.Path(folder) / "run.journal", "--endpoint",
                             base, "--quiet", *arguments], env=ENV, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"apply exited {result.returncode}")
    return rows, elapsed, get(base + "/_sandbox/stats")


def throughput(tool):
    process, base = sandbox(tool, "--customers", "800", "--latency-ms", "50")
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows, elapsed, _ = apply(tool, base, folder, "--concurrency", "16")
    finally:
        process.terminate()
    ideal = 16 / 0.1
    rate = rows / elapsed
    return [("apply, 50 ms latency, concurrency 16", f"{rows} rows in {elapsed:.1f} s = {rate:.1f} rows/s",
             f"{rate / ideal:.0%} of the ideal {ideal:.0f} rows/s (target >= 90%)")]


def quota(tool):
    per_minute = int(os.environ.get("BENCH_QUOTA", "1200"))
    customers = per_minute // 2
    process, base = sandbox(tool, "--customers", str(customers), "--quota", str(per_minute))
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows, elapsed, stats = apply(tool, base, folder, "--concurrency", "16")
    finally:
        process.terminate()
    statuses = {}
    for route, counts in stats["requests"].items():
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
    total = sum(statuses.values())
    accepted = statuses.get("200", 0)
    throttled = statuses.get("429", 0)
    used = accepted / (per_minute / 60 * elapsed)
    return [(f"apply under a quota of {per_minute}/min", f"{rows} rows, {total} requests in {elapsed:.1f} s",
             f"{used:.0%} of the quota used (target >= 90%), {throttled / total:.1%} answered 429 (target < 5%)")]


def journal_for(rows, done, finished):
    """The corrections file of `rows` rows and a journal with `done` of them applied."""
    data = ROOT / ".build" / "bench-data"
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"corrections-{rows}.csv"
    if not path.exists():
        subprocess.run([sys.executable, ROOT / "Benchmarks" / "generate_corrections.py", str(rows), str(path)], check=True)
    import hashlib
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


def timed_apply(tool, path, journal, expected):
    # One attempt: the closed endpoint fails the preflight at once instead of after retries.
    start = time.perf_counter()
    result = subprocess.run([tool, "apply", path, "--journal", journal, "--endpoint", "https://127.0.0.1:9", "--quiet",
                             "--max-attempts", "1"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode != expected:
        sys.exit(f"resume exited {result.returncode}, not {expected}")
    return elapsed


def resume(tool):
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    path, journal = journal_for(rows, rows, finished=True)
    elapsed = timed_apply(tool, path, journal, 0)
    size = journal.stat().st_size / 2**20
    return [(f"resume a finished {rows:,}-row journal ({size:.0f} MiB)", f"{elapsed:.2f} s, no request",
             "target < 2 s")]


def resume_partial(tool):
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    path, journal = journal_for(rows, rows // 2, finished=False)
    elapsed = timed_apply(tool, path, journal, 3)
    size = journal.stat().st_size / 2**20
    return [(f"resume a half-done {rows:,}-row journal ({size:.0f} MiB): replay and survey, up to the preflight",
             f"{elapsed:.2f} s", "no target set")]


def main():
    tool = sys.argv[1]
    which = sys.argv[2:] or ["throughput", "quota", "resume", "resume_partial"]
    rows = []
    for name in which:
        rows += {"throughput": throughput, "quota": quota, "resume": resume, "resume_partial": resume_partial}[name](tool)
    print_table(("measure", "result", "against the target"), rows)


if __name__ == "__main__":
    main()
