"""Where the time of scoring goes: microseconds per post for each stage, in one process.

Usage: python benchmarks/bench_stages.py [--n 10000] [--repeat 3]

Scores the first N posts of the generated benchmark corpus (benchmarks/corpus.py) in batches of 2,000, as a
scoring worker does, with the shipped default model, and times each stage: normalize, tokenize, the three
feature blocks of the linear decision, and language detection. It runs twice: with the compiled kernels
(when numba is installed: ``pip install '.[fast]'``) and with NumPy and regexes only. Best of --repeat.

"tokens and word n-grams" is, with the kernels, the compiled tokenizer (straight to vocabulary ids), the segmenter
on the Chinese runs, and the word kernel that splices their words in; without them, ``tokenize`` (the token regex
and the segmenter) and the word n-gram counts. "of which the segmenter" is the segmenter's share, the same in
both.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write  # noqa: E402

from authenticity import _kernels  # noqa: E402
from authenticity._scorer import score_texts  # noqa: E402
from authenticity.features import Doc  # noqa: E402
from authenticity.normalize import normalize, normalize_batch  # noqa: E402
from authenticity.persist import default_model_path, load_model  # noqa: E402
from authenticity.tokenize import cut_chinese, detect_langs, token_parts, tokenize  # noqa: E402

BATCH = 2_000


def per_post(fn: Callable[[list], object], batches: list[list], n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for b in batches:
            fn(b)
        best = min(best, time.perf_counter() - t0)
    return best / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    src = write(max(args.n, 20_000), ROOT / "benchmarks" / "out" / f"posts_{max(args.n, 20_000)}.csv")
    texts = pd.read_csv(src, dtype=object, keep_default_na=False).text.tolist()[: args.n]
    model = load_model(default_model_path())
    f = model.featurizer
    raw = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    norm = [[normalize(t) for t in b] for b in raw]
    docs = [[Doc(t, tuple(tokenize(t))) for t in b] for b in norm]
    w = f._weights(model.coef)
    score_texts(model, raw[0])  # load the segmenter and, if used, the kernels
    modes = [("compiled kernels", 500), ("NumPy and regexes only", 10**9)] if _kernels.available() else \
        [("NumPy and regexes only (numba not installed)", 10**9)]
    texts_of = [[d.text for d in b] for b in docs]
    runs = [["\n".join([toks[i] for i in at]) for toks, at, _ in map(token_parts, b)] for b in norm]

    def words_kernel(b: list[str]) -> object:
        joined = "".join(b)
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        return f._word_decision_cp(joined, cp, np.cumsum([0, *map(len, b)]), w)

    for label, min_batch in modes:
        _kernels.MIN_BATCH = min_batch
        kernels = min_batch < 10**9
        rows = {
            "normalize": per_post(normalize_batch, raw, args.n, args.repeat),
            "tokens and word n-grams": per_post(words_kernel, norm, args.n, args.repeat) if kernels
            else per_post(lambda b: f._word_decision([Doc(t, tuple(tokenize(t))) for t in b], w), norm, args.n,
                          args.repeat),
            "of which the segmenter": per_post(lambda b: [cut_chinese(r) for r in b if r], runs, args.n, args.repeat),
            "character n-grams": per_post(lambda b: f._char_decision(b, w), texts_of, args.n, args.repeat),
            "style signals": per_post(f.signal_block, docs, args.n, args.repeat),
            "language": per_post(lambda b: detect_langs([d.text for d in b]), docs, args.n, args.repeat),
            "all of score_texts": per_post(lambda b: score_texts(model, b), raw, args.n, args.repeat),
        }
        print(f"\n{label} ({args.n:,} posts, µs per post, one core):")
        for k, v in rows.items():
            print(f"  {k:<24} {v:7.1f}")


if __name__ == "__main__":
    main()
