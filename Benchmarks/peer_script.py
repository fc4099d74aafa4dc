"""Benchmark peer: the plain script a Partner Center admin would write to bulk-update billing addresses.

It is run side by side with billing-migrate against the same simulator so the benchmark has
something honest to compare with. It is a plain thread-pool script: for each CSV row it GETs
/v1/customers/{id}/profiles/billing, sets the row's non-empty address fields in `defaultAddress`,
and PUTs the whole document back with If-Match set to the ETag it read. A request answered 429 or
5xx, or that fails to connect, is retried after Retry-After seconds (1 s without the header), up to
--max-retries times; any other 4xx fails the row. No journal, no validation, no adaptive pacing.

Usage: python3 Benchmarks/peer_script.py --endpoint URL --token TOKEN [--concurrency N] CORRECTIONS.csv
Prints one JSON object with the counts to stdout; one line per failed row to stderr.
Exits 0 if every row succeeded, 1 otherwise.
"""
import argparse
import csv
import http.client
import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

ADDRESS_FIELDS = ("addressLine1", "addressLine2", "city", "state", "postalCode", "country")

counts = {"requests": 0, "throttled": 0}
counts_lock = threading.Lock()


class RowFailed(Exception):
    pass


def send(url, token, max_retries, method="GET", body=None, etag=None):
    """Sends one request, retrying 429, 5xx and connection errors; returns the parsed JSON answer."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
               "MS-RequestId": str(uuid.uuid4()), "MS-CorrelationId": str(uuid.uuid4())}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if etag is not None:
        # The docs show the ETag wrapped in double quotes.
        headers["If-Match"] = etag if etag.startswith('"') else f'"{etag}"'
    attempt = 0
    while True:
        with counts_lock:
            counts["requests"] += 1
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read().decode("utf-8-sig"))
        except urllib.error.HTTPError as error:
            status, retry_after = error.code, error.headers.get("Retry-After")
            error.read()
            if status == 429:
                with counts_lock:
                    counts["throttled"] += 1
            if status != 429 and status < 500:
                raise RowFailed(f"{method} {status}")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            status, retry_after = f"connection error ({getattr(error, 'reason', error)})", None
        if attempt >= max_retries:
            raise RowFailed(f"{method} {status} after {max_retries} retries")
        attempt += 1
        try:
            wait = float(retry_after) if retry_after else 1.0
        except ValueError:
            wait = 1.0
        time.sleep(wait)


def update_row(row, args):
    customer = row["customerId"].strip()
    url = f"{args.endpoint.rstrip('/')}/v1/customers/{customer}/profiles/billing"
    try:
        profile = send(url, args.token, args.max_retries)
        etag = profile["attributes"]["etag"]
        address = profile.setdefault("defaultAddress", {})
        for field in ADDRESS_FIELDS:
            value = (row.get(field) or "").strip()
            if value:
                address[field] = value
        send(url, args.token, args.max_retries, method="PUT", body=profile, etag=etag)
        return True
    except (RowFailed, KeyError, TypeError, ValueError) as error:
        print(f"{customer}: {error}", file=sys.stderr, flush=True)
        return False


def main():
    parser = argparse.ArgumentParser(description="Bulk-update Partner Center customers' billing addresses.")
    parser.add_argument("--endpoint", default="https://api.partnercenter.microsoft.com")
    parser.add_argument("--token", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-retries", type=int, default=5)
    parser.add_argument("csv_file")
    args = parser.parse_args()

    with open(args.csv_file, newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if (row.get("customerId") or "").strip()]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
        results = list(pool.map(lambda row: update_row(row, args), rows))
    seconds = time.perf_counter() - start

    succeeded = sum(results)
    print(json.dumps({"rows": len(rows), "succeeded": succeeded, "failed": len(rows) - succeeded,
                      "requests": counts["requests"], "throttled": counts["throttled"],
                      "seconds": round(seconds, 3)}))
    return 0 if succeeded == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
