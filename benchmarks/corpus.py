"""A reproducible benchmark corpus: N mixed Chinese/English posts of 150–600 characters.

Posts are stitched from sentences of data/posts.csv with a seeded RNG, so the
text is realistic (both languages, mixed posts, emoji, hashtags) and the same
N and seed always give the same file. Written to benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
_SPLIT = re.compile(r"(?<=[。！？!?.\n])")


def sentences(seed: int = 0) -> dict[str, list[str]]:
    df = pd.read_csv(ROOT / "data" / "posts.csv", dtype=str, keep_default_na=False)
    pools: dict[str, list[str]] = {}
    for lang, text in zip(df.lang, df.text, strict=True):
        pools.setdefault(lang, []).extend(s.strip() for s in _SPLIT.split(text) if len(s.strip()) > 3)
    return pools


def make_posts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    pools = sentences(seed)
    langs = list(pools)
    weights = [0.5 if la == "zh" else 0.35 if la == "en" else 0.15 for la in langs]
    out = []
    for _ in range(n):
        pool = pools[rng.choices(langs, weights)[0]]
        target = rng.randint(150, 600)
        parts: list[str] = []
        size = 0
        while size < target:
            s = rng.choice(pool)
            parts.append(s)
            size += len(s) + 1
        out.append(" ".join(parts)[:600])
    return out


def write(n: int, path: Path, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path
    posts = make_posts(n, seed)
    pd.DataFrame({"id": range(1, n + 1), "text": posts}).to_csv(path, index=False)
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--output", default=None)
    a = ap.parse_args()
    print(write(a.n, Path(a.output or ROOT / "benchmarks" / "out" / f"posts_{a.n}.csv")))
