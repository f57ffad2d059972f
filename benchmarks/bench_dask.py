"""Overhead of the Dask engine: `score --engine dask` against local `score --jobs 2` on the same machine.

Usage: python benchmarks/bench_dask.py [--n 100000] [--workers 2] [--repeat 1] [--partitions N]

Needs `pip install 'authenticity[dask]'`. All runs score the same reproducible corpus
(benchmarks/corpus.py, N posts) with the default model, file in, CSV out, end to end:

1. local: `authenticity score DATA -o OUT --jobs WORKERS`;
2. dask, new cluster: `authenticity score DATA -o OUT --engine dask`, which starts (and stops) a
   LocalCluster sized to the machine (one single-threaded worker process per core); the time includes
   starting the cluster;
3. dask, existing cluster: the same with `--scheduler ADDRESS` of a LocalCluster(n_workers=WORKERS,
   threads_per_worker=1, processes=True) started by this script beforehand.

Reported: posts/s of each (best of --repeat runs, runs interleaved), the throughput ratio dask / local
(target: at least 0.7), peak RSS of the process tree for 1 and 2, and whether the Dask outputs are
byte-identical to the local one. The machines are shared and noisy: only the ratios are meaningful.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_score import run_measured  # noqa: E402
from corpus import write  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="posts (default 100000)")
    ap.add_argument("--workers", type=int, default=2, help="local --jobs and Dask workers (default 2)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each variant; the best counts (default 1)")
    ap.add_argument("--partitions", type=int, default=None, help="--partitions for the Dask runs (default: "
                    "the engine's default)")
    args = ap.parse_args()

    from distributed import LocalCluster

    out_dir = ROOT / "benchmarks" / "out"
    src = write(args.n, out_dir / f"posts_{args.n}.csv")
    exe = [sys.executable, "-m", "authenticity", "score", str(src), "--force", "-q"]
    dask_opts = ["--engine", "dask"] + (["--partitions", str(args.partitions)] if args.partitions else [])
    outs = {k: out_dir / f"bench_dask_{k}.csv" for k in ("local", "dask_new", "dask_existing")}
    best: dict[str, tuple[float, int]] = {}

    def keep(name: str, secs: float, peak: int) -> None:
        if name not in best or secs < best[name][0]:
            best[name] = (secs, peak)

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        for i in range(args.repeat):
            print(f"run {i + 1}/{args.repeat}: local --jobs {args.workers} …", file=sys.stderr)
            keep("local", *run_measured([*exe, "-o", str(outs["local"]), "--jobs", str(args.workers)]))
            print(f"run {i + 1}/{args.repeat}: dask, new local cluster …", file=sys.stderr)
            keep("dask_new", *run_measured([*exe, "-o", str(outs["dask_new"]), *dask_opts]))
            print(f"run {i + 1}/{args.repeat}: dask, existing {args.workers}-worker cluster …", file=sys.stderr)
            keep("dask_existing", *run_measured([*exe, "-o", str(outs["dask_existing"]), *dask_opts,
                                                 "--scheduler", cluster.scheduler_address]))

    local_bytes = outs["local"].read_bytes()
    res: dict[str, object] = {"n": args.n, "workers": args.workers, "cpu_count": os.cpu_count(),
                              "repeat": args.repeat, "partitions": args.partitions or "default"}
    for name, (secs, peak) in best.items():
        res[f"{name}_seconds"] = secs
        res[f"{name}_posts_per_s"] = args.n / secs
        if name != "dask_existing":  # the existing cluster's workers are not children of the measured command
            res[f"{name}_peak_rss_mb"] = peak / 2**20
    for name in ("dask_new", "dask_existing"):
        res[f"{name}_vs_local_throughput"] = best["local"][0] / best[name][0]
        res[f"{name}_identical_output"] = outs[name].read_bytes() == local_bytes
    for p in outs.values():
        p.unlink(missing_ok=True)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in res.items()}, indent=1))


if __name__ == "__main__":
    main()
