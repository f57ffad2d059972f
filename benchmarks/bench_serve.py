"""Bounded load test of `authenticity serve` on loopback: N POST /v1/check at concurrency C.

Usage: python benchmarks/bench_serve.py [--n 2000] [--concurrency 50] [--model M] [--timeout 600] [--json OUT]

Starts `authenticity serve --host 127.0.0.1 --port 0` as a child process (the
model is loaded once, at start-up), waits until it answers, sends a short
warm-up, then N check requests with C in flight at a time (httpx, one
connection per worker, keep-alive) using drafts drawn reproducibly from
data/posts.csv (Chinese, English and mixed). It reports throughput (requests
per second over the whole run), latency percentiles and the error count,
then stops the server. It only ever talks to 127.0.0.1, and it stops by
itself: after --timeout seconds the run is cut short and reported as failed.
Exit status 0 when every request succeeded, 1 otherwise.

The client runs on the same machine as the server, so the two share the CPU;
figures from a shared, noisy machine are indicative only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def drafts(n: int, seed: int = 0) -> list[str]:
    """``n`` drafts from the bundled corpus (with replacement when n is larger), fixed seed."""
    posts = pd.read_csv(ROOT / "data" / "posts.csv", dtype=str, keep_default_na=False)
    texts = [t for t in posts["text"].tolist() if t.strip()]
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(texts), size=n, replace=n > len(texts))
    return [texts[i][:20_000] for i in idx]


def start_server(model: str | None, deadline: float) -> tuple[subprocess.Popen[str], str, deque[str]]:
    """Start the server on a free loopback port; return the process, its base URL and its last log lines.

    Its stderr is drained by a thread for the whole run (a full pipe would block the server).
    """
    cmd = [sys.executable, "-m", "authenticity", "serve", "--host", HOST, "--port", "0", "--quiet"]
    if model:
        cmd += ["--model", model]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log: deque[str] = deque(maxlen=50)
    url: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", line)
            if m:
                url.put(m.group(1))
            else:
                log.append(line.rstrip())
        url.put("")

    threading.Thread(target=drain, daemon=True).start()
    try:
        base = url.get(timeout=max(1.0, deadline - time.monotonic()))
    except queue.Empty:
        stop_server(proc)
        raise SystemExit("the server did not start in time") from None
    if not base:
        raise SystemExit(f"the server exited before listening (status {proc.wait()}): " + " | ".join(log))
    return proc, base, log


def stop_server(proc: subprocess.Popen[str]) -> None:
    """Stop the server we started (SIGTERM, then SIGKILL after 15 s)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def load(base: str, texts: list[str], concurrency: int) -> dict[str, Any]:
    """Send every text to /v1/check with ``concurrency`` requests in flight; collect latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    next_i = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120.0) as client:

        async def worker() -> None:
            nonlocal next_i
            while next_i < len(texts):
                text = texts[next_i]
                next_i += 1
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/check", json={"text": text})
                    ok = r.status_code == 200 and "p_scripted" in r.json()
                    if not ok:
                        errors.append(f"{r.status_code}: {r.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                latencies.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    lat = np.array(latencies) * 1000
    return {
        "requests": len(texts), "concurrency": concurrency, "errors": len(errors), "error_samples": errors[:5],
        "seconds": round(wall, 2), "requests_per_second": round(len(texts) / wall, 1),
        "latency_ms": {q: round(float(np.percentile(lat, p)), 1) for q, p in
                       (("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("max", 100))},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="check requests to send (default 2000)")
    ap.add_argument("--concurrency", "-c", type=int, default=50, help="requests in flight (default 50)")
    ap.add_argument("--model", help="model file (default: the shipped default model)")
    ap.add_argument("--warmup", type=int, default=50, help="unmeasured requests first (default 50)")
    ap.add_argument("--timeout", type=float, default=600, help="stop after this many seconds (default 600)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures to this JSON file")
    args = ap.parse_args()
    if args.n < 1 or args.concurrency < 1:
        ap.error("--n and --concurrency must be at least 1")

    deadline = time.monotonic() + args.timeout
    proc, base, log = start_server(args.model, min(deadline, time.monotonic() + 120))
    try:
        texts = drafts(args.n + args.warmup)

        async def run() -> dict[str, Any]:
            await load(base, texts[: args.warmup], min(args.concurrency, max(args.warmup, 1)))
            return await load(base, texts[args.warmup:], args.concurrency)

        try:
            result = asyncio.run(asyncio.wait_for(run(), timeout=max(1.0, deadline - time.monotonic())))
        except TimeoutError:
            print(f"bench_serve: stopped after --timeout {args.timeout:g} s before finishing", file=sys.stderr)
            return 1
    finally:
        stop_server(proc)
    if log:
        print("server log (last lines):\n  " + "\n  ".join(log), file=sys.stderr)
    result.update(cpus=os.cpu_count(), server="authenticity serve (uvicorn, 1 process, FastAPI thread pool)",
                  model=args.model or "shipped default")
    lat = result["latency_ms"]
    print(f"{result['requests']} POST /v1/check at concurrency {result['concurrency']} on {HOST}: "
          f"{result['requests_per_second']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
          f"max {lat['max']} ms, {result['errors']} errors, {result['seconds']} s, {result['cpus']} CPUs")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
