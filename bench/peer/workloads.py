"""Peer workloads for bench/peer-python.ts: the Python informix-driver (imports as informix_db) running the same
decode and round-trip workloads as our driver, against the same TestServer child process, in the same run.

Prints exactly one JSON object on stdout (progress goes to stderr):
  decode:    {"rows": N, "runs": [{"seconds": s, "rows": n}, ...]}
  roundtrip: {"runs": [{"p50_us": x, "p99_us": y}, ...], "samples": n}
  batch:     {"rows": N, "runs": [{"seconds": s, "rows": n}, ...]}
Errors: {"error": "..."} with exit status 1. Never prints a number it did not measure.

informix-driver materialises a result in `execute` (CURNAME+NFETCH 4096 loop, CLOSE, RELEASE), so the decode
workload is `cursor.execute(sql)` + `fetchall()`, and one round-trip sample is the same pair for the one-row SELECT
(informix-driver has no client-side prepared-statement handle; every execute prepares, opens, closes, releases).
The batch workload inserts `--rows` rows (id, name, amount) with one `executemany` into a fresh table per run.
"""

from __future__ import annotations

import argparse
import decimal
import json
import math
import sys
import time

import informix_db


def connect(args: argparse.Namespace) -> "informix_db.Connection":
    return informix_db.connect(
        args.host,
        args.port,
        user=args.user,
        password=args.password,
        database=args.database,
        server=args.server,
        connect_timeout=10,
        read_timeout=600,
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    rank = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[rank]


def decode(args: argparse.Namespace) -> dict:
    conn = connect(args)
    runs = []
    for run in range(args.runs + 1):
        started = time.perf_counter()
        cur = conn.cursor()
        cur.execute(args.sql)
        rows = cur.fetchall()
        cur.close()
        seconds = time.perf_counter() - started
        if len(rows) != args.rows:
            raise RuntimeError(f"expected {args.rows} rows, got {len(rows)}")
        print(f"python decode run {run}{' (warm-up)' if run == 0 else ''}: {len(rows) / seconds:.0f} rows/s",
              file=sys.stderr)
        if run > 0:
            runs.append({"seconds": seconds, "rows": len(rows)})
        del rows
    conn.close()
    return {"rows": args.rows, "runs": runs}


def roundtrip(args: argparse.Namespace) -> dict:
    conn = connect(args)
    cur = conn.cursor()

    def once() -> None:
        cur.execute(args.sql)
        rows = cur.fetchall()
        if len(rows) != 1 or rows[0][0] != 42:
            raise RuntimeError(f"unexpected one-row result {rows!r}")

    for _ in range(args.warmup):
        once()
    runs = []
    for _ in range(args.runs):
        samples = []
        for _ in range(args.samples):
            started = time.perf_counter()
            once()
            samples.append((time.perf_counter() - started) * 1e6)
        runs.append({"p50_us": percentile(samples, 50), "p99_us": percentile(samples, 99)})
        print(f"python roundtrip run: p50 {runs[-1]['p50_us']:.0f} us", file=sys.stderr)
    cur.close()
    conn.close()
    return {"runs": runs, "samples": args.samples}


def batch(args: argparse.Namespace) -> dict:
    conn = connect(args)
    cur = conn.cursor()
    rows = [(i, f"name {i}", decimal.Decimal(i * 125) / 100) for i in range(1, args.rows + 1)]
    runs = []
    for run in range(args.runs + 1):
        table = f"py_batch_{run}"
        cur.execute(f"CREATE TABLE {table} (id INTEGER, name VARCHAR(40), amount DECIMAL(10,2))")
        started = time.perf_counter()
        cur.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)
        seconds = time.perf_counter() - started
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        count = cur.fetchall()[0][0]
        if count != args.rows:
            raise RuntimeError(f"expected {args.rows} rows inserted, found {count}")
        print(f"python batch run {run}{' (warm-up)' if run == 0 else ''}: {args.rows / seconds:.0f} rows/s",
              file=sys.stderr)
        if run > 0:
            runs.append({"seconds": seconds, "rows": args.rows})
        cur.execute(f"DROP TABLE {table}")
    cur.close()
    conn.close()
    return {"rows": args.rows, "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["decode", "roundtrip", "batch"], required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--sql", default="")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args()
    try:
        result = {"decode": decode, "roundtrip": roundtrip, "batch": batch}[args.mode](args)
    except Exception as error:  # reported as data, never as a fake number
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        return 1
    result["driver"] = f"informix_db {informix_db.__version__}"
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
