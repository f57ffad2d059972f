"""Zero-shot figures of a model on the real corpora in ../shared/corpora (when present).

Usage: python training/evaluate_external.py [--model models/default.authm] [--corpora ../shared/corpora]
       [--json OUT.json] [--sample N]

Reports, with no training on these corpora:
- op_spam_positive: ROC-AUC (truthful vs written-to-order hotel reviews);
- zhihu16k: ROC-AUC on the val rows, overall and within length quartiles;
- online_shopping_10_cats: share flagged scripted (all rows are real reviews: a false-positive rate);
- webis_native_ads: share flagged among ad answers and among plain answers, ROC-AUC.
Nothing from these corpora is written anywhere but the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from authenticity.labels import parse_labels
from authenticity.persist import resolve_model


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan")


def evaluate(model_path: str | None, corpora: Path, sample: int | None, seed: int = 0) -> dict:
    model = resolve_model(model_path)
    out: dict = {}

    def load(name: str, file: str) -> pd.DataFrame | None:
        p = corpora / name / file
        if not p.exists():
            print(f"skipping {name}: {p} not found", file=sys.stderr)
            return None
        return pd.read_csv(p, dtype={"text": str}, keep_default_na=False)

    df = load("op_spam_positive", "op_spam_positive.csv")
    if df is not None:
        y = parse_labels(df.label)
        p = model.predict_proba(df.text.tolist())
        out["op_spam_positive"] = {"n": len(df), "roc_auc": _auc(y, p),
                                   "accuracy": float(((p >= 0.5) == y).mean()),
                                   "flagged_truthful": float((p[y == 0] >= 0.5).mean()),
                                   "flagged_deceptive": float((p[y == 1] >= 0.5).mean())}
    df = load("zhihu16k", "zhihu16k_train_val.csv")
    if df is not None:
        df = df[df.split == "val"].reset_index(drop=True)
        y = parse_labels(df.label)
        p = model.predict_proba(df.text.tolist())
        q = pd.qcut(df.text.str.len(), 4, labels=False)
        out["zhihu16k_val"] = {
            "n": len(df), "roc_auc": _auc(y, p),
            "roc_auc_by_length_quartile": [_auc(y[q == i], p[q == i]) for i in range(4)],
            "flagged_ads": float((p[y == 1] >= 0.5).mean()), "flagged_normal": float((p[y == 0] >= 0.5).mean()),
        }
    df = load("online_shopping_10_cats", "online_shopping_10_cats.csv")
    if df is not None:
        if sample and len(df) > sample:
            df = df.sample(sample, random_state=seed)
        df = df[df.text.str.strip() != ""]
        p = model.predict_proba(df.text.tolist())
        flagged = p >= 0.5
        q = pd.qcut(df.text.str.len(), 4, labels=False, duplicates="drop").to_numpy()
        out["online_shopping_10_cats"] = {
            "n": len(df), "flagged_share": float(flagged.mean()),
            "flagged_by_length_quartile": [float(flagged[q == i].mean()) for i in range(4)],
            "flagged_by_sentiment": {s: float(flagged[(df.original_label_meaning == s).to_numpy()].mean())
                                     for s in sorted(df.original_label_meaning.unique())},
            "by_category": {c: float(flagged[(df.category == c).to_numpy()].mean())
                            for c in sorted(df.category.unique())},
        }
    df = load("webis_native_ads", "webis_native_ads.csv")
    if df is not None:
        if sample and len(df) > sample:
            df = df.sample(sample, random_state=seed)
        y = parse_labels(df.label)
        p = model.predict_proba(df.text.tolist())
        out["webis_native_ads"] = {"n": len(df), "roc_auc": _auc(y, p),
                                   "flagged_ads": float((p[y == 1] >= 0.5).mean()),
                                   "flagged_plain": float((p[y == 0] >= 0.5).mean())}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "corpora"))
    ap.add_argument("--sample", type=int, default=None, help="evaluate on a random sample of the big corpora")
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args()
    t = time.time()
    res = evaluate(args.model, Path(args.corpora), args.sample)
    res["seconds"] = round(time.time() - t, 1)
    text = json.dumps(res, indent=1, ensure_ascii=False)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
