"""Throughput and memory of `authenticity score` against the baseline a user would write.

Usage: python benchmarks/bench_score.py [--n 100000] [--big 1000000] [--jobs 2] [--skip-big]

All figures come from one run on one machine (these machines are shared and
noisy, so only the ratios are meaningful):

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


def tree_rss(pid: int) -> int:
    """Resident set size in bytes of a process and all its descendants (Linux /proc)."""
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
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


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
    args = ap.parse_args()
    out_dir = ROOT / "benchmarks" / "out"
    src = write(args.n, out_dir / f"posts_{args.n}.csv")
    texts = pd.read_csv(src, dtype=str, keep_default_na=False).text.tolist()
    sample = texts[: args.baseline_sample]
    res: dict = {"n": args.n, "jobs": args.jobs, "cpu_count": os.cpu_count()}
    print(f"baseline on {len(sample):,} posts …", file=sys.stderr)
    res["baseline_posts_per_s"] = baseline(sample)
    res.update({f"{k}_posts_per_s": v for k, v in tokenize_floor(sample).items()})
    exe = [sys.executable, "-m", "authenticity", "score"]
    dst = out_dir / "scored.csv"
    print(f"authenticity score on {args.n:,} posts …", file=sys.stderr)
    secs, peak = run_measured([*exe, str(src), "-o", str(dst), "--force", "-q", "--jobs", str(args.jobs)])
    res["score_posts_per_s"] = args.n / secs
    res["score_seconds"] = secs
    res["peak_rss_mb_n"] = peak / 2**20
    res["speedup_vs_baseline"] = res["score_posts_per_s"] / res["baseline_posts_per_s"]
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
