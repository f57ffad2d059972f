"""Benchmark: audit a 10,000-post campaign (time and peak memory).

    python benchmarks/bench_audit.py [--posts 10000] [--html] [--seed 0]

The campaign is synthetic but made of real text: the bundled corpus
(data/posts.csv) plus posts that paste the key messages of the bundled
snack brief, posts that share a hidden template, and posts spliced from
sentences of different corpus posts. It runs the same path as
``authenticity audit POSTS --brief BRIEF [-o REPORT.html]``: read the CSV,
audit, and optionally render the HTML report. Prints one JSON line with
the wall-clock seconds per stage, the CPU seconds of the process (wall time
is longer on a busy machine) and its peak resident memory (ru_maxrss).
Budget (issue): under 60 s and well under 2 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "data" / "campaigns" / "zh_snack_word_for_word" / "brief.md"
TEMPLATE = [
    "救命！终于被我挖到宝藏零食了",
    "①口感：嘎嘣脆完全停不下来",
    "②热量：一整袋吃完毫无负罪感",
    "吃完只想说：这包我能回购一整年！",
]
_SENT = re.compile(r"(?<=[。！？!?.])\s*|\n+")


def make_campaign(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    corpus = pd.read_csv(ROOT / "data" / "posts.csv", dtype=str, keep_default_na=False)
    texts = corpus.text.tolist()
    rng.shuffle(texts)
    sentences = [s.strip() for t in texts for s in _SENT.split(t) if len(s.strip()) >= 6]
    key = [line.split(". ", 1)[-1].strip() for line in BRIEF.read_text(encoding="utf-8").splitlines()
           if re.match(r"^\d\. ", line)]
    posts: list[str] = []
    n_copy, n_tpl = n // 5, n // 4
    for _ in range(n_copy):
        lines = key[:]
        rng.shuffle(lines)
        posts.append("\n".join([*lines, rng.choice(sentences)]) + "\n#轻嚼鹰嘴豆脆[话题]# @轻嚼Snack")
    for _ in range(n_tpl):
        posts.append("\n".join([*TEMPLATE[:2], rng.choice(sentences), *TEMPLATE[2:]]))
    base = texts[: max(0, n - len(posts))]
    posts += base
    while len(posts) < n:
        posts.append(" ".join(rng.sample(sentences, rng.randint(2, 4))))
    rng.shuffle(posts)
    return pd.DataFrame({
        "post_id": range(1, n + 1),
        "creator": [f"@creator{rng.randint(1, n // 3)}" for _ in range(n)],
        "text": posts,
        "likes": [rng.randint(0, 5000) for _ in range(n)],
        "saves": [rng.randint(0, 800) for _ in range(n)],
    })


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--html", action="store_true", help="also render the HTML report")
    args = ap.parse_args(argv)

    from authenticity.audit import audit_campaign
    from authenticity.io import read_table, read_text_file
    from authenticity.persist import resolve_model

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.csv"
        make_campaign(args.posts, args.seed).to_csv(path, index=False)
        times: dict[str, float] = {}
        t0 = time.perf_counter()
        model = resolve_model(None)
        df = read_table(path)
        brief = read_text_file(BRIEF, what="brief")
        times["read"] = time.perf_counter() - t0
        t = time.perf_counter()
        report = audit_campaign(df, brief, model=model)
        times["audit"] = time.perf_counter() - t
        if args.html:
            from authenticity.report import write_html

            t = time.perf_counter()
            write_html(report, Path(tmp) / "report.html")
            times["html"] = time.perf_counter() - t
            times["html_bytes"] = (Path(tmp) / "report.html").stat().st_size
        times["total"] = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    out = {
        "posts": args.posts, "verdict": report.verdict, "index": report.over_control_index,
        "duplicate_method": report.duplicate_method, "clusters": len(report.duplicate_clusters),
        "largest_cluster": max((len(c.posts) for c in report.duplicate_clusters), default=0),
        "shared_phrases": len(report.shared_phrases), "echoed_phrases": len(report.echoed_phrases),
        "seconds": {k: round(v, 2) for k, v in times.items() if k != "html_bytes"},
        "html_bytes": times.get("html_bytes"), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
