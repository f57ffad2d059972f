"""Throughput and memory of `authenticity score` against the baseline a user would write.

Usage: python benchmarks/bench_score.py [--n 100000] [--big 1000000] [--jobs 2] [--repeat 3] [--skip-big]

All figures come from one run on one machine (these machines are shared and
noisy, so only the ratios are meaningful; the baseline and score are timed
``--repeat`` times, interleaved, and the best of each is compared, with every
run listed):

1. baseline: TfidfVectorizer(tokenizer=jieba.lcut, ngram_range=(1, 2)) + LogisticRegression
   trained on data/posts.csv, predict_proba over the N generated posts;
2. the tokenize-only floor: jieba.lcut, and rjieba (the segmenter we use), over the same posts;
3. `authenticity score` end to end: file in, file out, default model, --jobs 2;
4. peak memory (sum of RSS over the process and its workers, sampled every 50 ms) scoring N and BIG posts.

The corpus is generated reproducibly by benchmarks/corpus.py into benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write  # noqa: E402


def _children(pid: int) -> list[int] | None:
    """Child pids from /proc/PID/task/*/children (cheap), or None where the kernel does not provide it."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except FileNotFoundError:
        return None if not os.path.exists(f"/proc/{pid}/task") else out
    except OSError:
        return out
    return out


def tree_rss(pid: int) -> int:
    """Resident set size in bytes of a process and all its descendants (Linux /proc)."""
    if _children(pid) is not None:
        total, stack = 0, [pid]
        while stack:
            p = stack.pop()
            stack.extend(_children(p) or [])
            total += _rss(p)
        return total
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        total += _rss(p)
    return total


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(cmd: list[str]) -> tuple[float, int]:
    """Run a command; return (seconds, peak RSS of its process tree in bytes)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    done.set()
    th.join()
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed: {err.decode()[-500:]}")
    return secs, peak


def baseline(texts: list[str]) -> float:
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    jieba.setLogLevel(60)
    train = pd.read_csv(ROOT / "data" / "posts.csv", dtype=str, keep_default_na=False)
    vec = TfidfVectorizer(tokenizer=jieba.lcut, ngram_range=(1, 2), token_pattern=None, lowercase=True)
    clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform(train.text), train.label == "scripted")
    t0 = time.perf_counter()
    clf.predict_proba(vec.transform(texts))
    return len(texts) / (time.perf_counter() - t0)


def tokenize_floor(texts: list[str]) -> dict[str, float]:
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    j = len(texts) / (time.perf_counter() - t0)
    seg = rjieba.Jieba()
    t0 = time.perf_counter()
    for t in texts:
        seg.cut(t, True)
    r = len(texts) / (time.perf_counter() - t0)
    return {"jieba_lcut": j, "rjieba_cut": r}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--baseline-sample", type=int, default=20_000,
                    help="posts the (slow) baseline and tokenizers are timed on (default 20000)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="time the baseline and score this many times, interleaved; the best of each is compared "
                         "(default 3)")
    args = ap.parse_args()
    out_dir = ROOT / "benchmarks" / "out"
    src = write(args.n, out_dir / f"posts_{args.n}.csv")
    texts = pd.read_csv(src, dtype=str, keep_default_na=False).text.tolist()
    sample = texts[: args.baseline_sample]
    res: dict = {"n": args.n, "jobs": args.jobs, "cpu_count": os.cpu_count()}
    exe = [sys.executable, "-m", "authenticity", "score"]
    dst = out_dir / "scored.csv"
    base_runs: list[float] = []
    score_runs: list[tuple[float, int]] = []
    for r in range(max(1, args.repeat)):
        print(f"[{r + 1}/{args.repeat}] baseline on {len(sample):,} posts …", file=sys.stderr)
        base_runs.append(baseline(sample))
        print(f"[{r + 1}/{args.repeat}] authenticity score on {args.n:,} posts …", file=sys.stderr)
        score_runs.append(run_measured([*exe, str(src), "-o", str(dst), "--force", "-q", "--jobs", str(args.jobs)]))
    res["baseline_posts_per_s"] = max(base_runs)
    res["baseline_runs"] = [round(x, 1) for x in base_runs]
    res.update({f"{k}_posts_per_s": v for k, v in tokenize_floor(sample).items()})
    secs = min(s for s, _ in score_runs)
    peak = max(p for _, p in score_runs)
    res["score_posts_per_s"] = args.n / secs
    res["score_runs"] = [round(args.n / s, 1) for s, _ in score_runs]
    res["score_seconds"] = secs
    res["peak_rss_mb_n"] = peak / 2**20
    res["speedup_vs_baseline"] = res["score_posts_per_s"] / res["baseline_posts_per_s"]
    res["speedup_runs"] = [round(args.n / s / b, 2) for (s, _), b in zip(score_runs, base_runs, strict=True)]
    if not args.skip_big:
        big = write(args.big, out_dir / f"posts_{args.big}.csv")
        print(f"authenticity score on {args.big:,} posts …", file=sys.stderr)
        secs_b, peak_b = run_measured([*exe, str(big), "-o", str(dst), "--force", "-q", "--jobs", str(args.jobs)])
        res.update(big=args.big, score_big_posts_per_s=args.big / secs_b, peak_rss_mb_big=peak_b / 2**20,
                   memory_ratio_big_vs_n=peak_b / peak)
    dst.unlink(missing_ok=True)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in res.items()}, indent=1))


if __name__ == "__main__":
    main()
