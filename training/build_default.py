"""Rebuild the shipped default model from data/posts.csv, exactly.

Usage: python training/build_default.py [--external] [--card] [--cv 5] [-o models/default.authm]

- groups near-identical posts (character 5-gram Jaccard >= 0.5, MinHash-LSH with
  exact verification) so they never straddle cross-validation folds;
- trains with grouped, nested 5-fold cross-validation and a fixed seed (the
  same data and seed give the same file, byte for byte);
- writes training/metrics.json (cross-validated figures, per language and
  per category, the chosen hyperparameters);
- with --external, adds zero-shot figures on ../shared/corpora (when present);
- with --card, renders models/MODEL_CARD.md from those figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authenticity.labels import parse_labels  # noqa: E402
from authenticity.model import metrics, train  # noqa: E402
from authenticity.persist import save_model  # noqa: E402
from authenticity.training import data_hash  # noqa: E402

SEED = 0


def training_rows(df: pd.DataFrame) -> pd.Series:
    """Which corpus rows train the default model.

    Short Chinese planted e-commerce reviews written as generic praise
    (``hard_case == "fake_review"`` on ``taobao_jd``) are left out: their text
    cannot be told from real buyers' generic praise, and training on them made
    the model flag ordinary reviews (data/README.md, "Known limits").
    """
    return ~((df.lang == "zh") & (df.platform == "taobao_jd") & (df.hard_case == "fake_review"))


def near_duplicate_groups(texts: list[str], threshold: float = 0.5) -> np.ndarray:
    """Union-find over pairs of texts with char-5-gram Jaccard >= threshold."""
    from datasketch import MinHash, MinHashLSH

    from authenticity.normalize import normalize

    sh = []
    for t in texts:
        n = "".join(normalize(t).split())
        sh.append({n[i : i + 5] for i in range(max(1, len(n) - 4))})
    lsh = MinHashLSH(threshold=threshold * 0.8, num_perm=64)
    mhs = []
    for i, s in enumerate(sh):
        m = MinHash(num_perm=64, seed=SEED)
        m.update_batch([g.encode("utf-8") for g in s])
        lsh.insert(str(i), m)
        mhs.append(m)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, m in enumerate(mhs):
        for j in map(int, lsh.query(m)):
            if j > i and len(sh[i] & sh[j]) / len(sh[i] | sh[j]) >= threshold:
                parent[find(j)] = find(i)
    return np.array([find(i) for i in range(len(texts))])


def card_only(args: argparse.Namespace) -> None:
    out = ROOT / "training" / "metrics.json"
    res = json.loads(out.read_text("utf-8"))
    if args.external:
        sys.path.insert(0, str(ROOT / "training"))
        from evaluate_external import evaluate

        res["external"] = evaluate(args.output, ROOT.parent / "shared" / "corpora", None)
        out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", "utf-8")
    df = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    from model_card import render

    (ROOT / "models" / "MODEL_CARD.md").write_text(render(res, df[training_rows(df)]), "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "posts.csv"))
    ap.add_argument("-o", "--output", default=str(ROOT / "models" / "default.authm"))
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--external", action="store_true", help="also evaluate on ../shared/corpora")
    ap.add_argument("--card", action="store_true", help="render models/MODEL_CARD.md")
    ap.add_argument("--card-only", action="store_true",
                    help="do not retrain: reuse training/metrics.json and the model file (with --external, "
                    "re-measure the external figures), then render the card")
    args = ap.parse_args()
    if args.card_only:
        card_only(args)
        return
    t0 = time.time()
    df = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    n_all = len(df)
    df = df[training_rows(df)].reset_index(drop=True)
    print(f"training on {len(df)} of {n_all} corpus posts", file=sys.stderr)
    texts = df.text.tolist()
    y = parse_labels(df.label)
    groups = near_duplicate_groups(texts)
    n_groups = len(set(groups.tolist()))
    print(f"{len(df)} posts, {n_groups} near-duplicate groups", file=sys.stderr)
    model, cvm = train(texts, y, groups=groups, cv=args.cv, seed=SEED, progress=lambda m: print(m, file=sys.stderr))
    model.meta.update(data_sha256=data_hash(texts, y), data="data/posts.csv", text_col="text", label_col="label",
                      group_col="near-duplicate clusters")
    save_model(model, args.output)
    # per-language / per-category figures come from the out-of-fold predictions
    res: dict = {"n": len(df), "n_corpus": n_all, "near_duplicate_groups": n_groups, "cv": cvm,
                 "C": model.meta["C"], "signal_weight": model.meta["signal_weight"],
                 "data_sha256": model.meta["data_sha256"]}
    oof = model.oof
    if oof is not None:
        p = np.asarray(oof)
        for col in ("lang", "category", "platform"):
            res[f"cv_by_{col}"] = {k: metrics(y[(df[col] == k).to_numpy()], p[(df[col] == k).to_numpy()])
                                   for k in sorted(df[col].unique())}
    res["signal_weights"] = model.signal_weights()
    res["top_words"] = model.top_words(15)
    if args.external:
        sys.path.insert(0, str(ROOT / "training"))
        from evaluate_external import evaluate

        res["external"] = evaluate(args.output, ROOT.parent / "shared" / "corpora", None)
    res["seconds"] = round(time.time() - t0, 1)
    out = ROOT / "training" / "metrics.json"
    out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(json.dumps({k: res[k] for k in ("n", "cv", "C", "signal_weight")}, indent=1))
    if args.card:
        sys.path.insert(0, str(ROOT / "training"))
        from model_card import render

        (ROOT / "models" / "MODEL_CARD.md").write_text(render(res, df), "utf-8")


if __name__ == "__main__":
    main()
