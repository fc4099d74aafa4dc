"""Measures `billing-migrate validate` on a generated 1,000,000-row file against libcsv alone.

Run through scripts/benchmark.sh (release build). Prints a table: rows/s for each, the ratio,
and validate's peak RSS, next to the figures the project aims for.
"""
import os
import pathlib
import subprocess
import sys
import time

from table import print_table

ROOT = pathlib.Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
DATA = ROOT / ".build" / "bench-data"


def run(command):
    """Runs `command`, returns (seconds, peak RSS in KiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{command[0]} exited {code}")
    return elapsed, usage.ru_maxrss


def best(command):
    results = [run(command) for _ in range(RUNS)]
    times = sorted(seconds for seconds, _ in results)
    return times[0], times[len(times) // 2], max(rss for _, rss in results)


def main():
    tool = pathlib.Path(sys.argv[1])
    DATA.mkdir(parents=True, exist_ok=True)
    corrections = DATA / f"corrections-{ROWS}.csv"
    if not corrections.exists():
        subprocess.run([sys.executable, ROOT / "Benchmarks" / "generate_corrections.py", str(ROWS), str(corrections)],
                       check=True)
    parser = DATA / "libcsv_parse"
    subprocess.run(["cc", "-O2", "-o", parser, ROOT / "Benchmarks" / "libcsv_parse.c", "-lcsv"], check=True)

    # The same rows as Excel's "CSV (Comma delimited)" saves them: Windows-1252 with CRLF.
    windows = DATA / f"corrections-{ROWS}-windows-1252.csv"
    if not windows.exists():
        # Line by line: this process's memory is counted in its children's peak RSS (fork).
        with corrections.open(encoding="utf-8-sig", newline="") as source, windows.open("wb") as target:
            for line in source:
                target.write(line.rstrip("\r\n").encode("cp1252") + b"\r\n")

    csv_best, csv_median, _ = best([parser, corrections])
    validate_best, validate_median, validate_rss = best([tool, "validate", corrections, "--quiet"])
    windows_best, windows_median, windows_rss = best(
        [tool, "validate", windows, "--quiet", "--encoding", "windows-1252"])

    rate = ROWS / validate_best
    rss_mib = validate_rss / 1024
    rows = [
        ("rows in the file", f"{ROWS:,}", ""),
        (f"libcsv alone, best of {RUNS} (median)", f"{csv_best:.2f} s ({csv_median:.2f} s)", f"{ROWS / csv_best:,.0f} rows/s"),
        (f"validate, best of {RUNS} (median)", f"{validate_best:.2f} s ({validate_median:.2f} s)", f"{rate:,.0f} rows/s"),
        ("validate / libcsv", f"{validate_best / csv_best:.1f}x", "target: within 6x " + ("(met)" if validate_best / csv_best <= 6 else "(NOT met)")),
        ("validate rows/s", f"{rate:,.0f}", "target: >= 500,000 " + ("(met)" if rate >= 500_000 else "(NOT met)")),
        ("validate peak RSS", f"{rss_mib:.1f} MiB", "target: < 64 MiB " + ("(met)" if rss_mib < 64 else "(NOT met)")),
        (f"validate --encoding windows-1252, best of {RUNS} (median)",
         f"{windows_best:.2f} s ({windows_median:.2f} s)", f"{ROWS / windows_best:,.0f} rows/s"),
        ("validate --encoding windows-1252 peak RSS", f"{windows_rss / 1024:.1f} MiB", ""),
    ]
    print()
    print_table(("measure", "value", "note"), rows)


if __name__ == "__main__":
    main()
