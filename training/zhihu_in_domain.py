"""In-domain check on ZHIHU-16K (../shared/corpora/zhihu16k): train on `split == train`, measure on `val`.

Usage: python training/zhihu_in_domain.py [--corpora ../shared/corpora] [--workdir /tmp/zhihu]

Writes the split files to --workdir (never into the project), runs the same commands a user would
(`authenticity train ... --cv 0`, then scores the val rows) and prints ROC-AUC overall and within
length quartiles (advertorials are much longer, so the quartile figures are the honest ones).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", default=str(ROOT.parent / "shared" / "corpora"))
    ap.add_argument("--workdir", default="/tmp/zhihu")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    df = pd.read_csv(Path(args.corpora) / "zhihu16k" / "zhihu16k_train_val.csv", dtype=str, keep_default_na=False)
    df[df.split == "train"][["text", "label"]].to_csv(work / "train.csv", index=False)
    val = df[df.split == "val"][["text", "label"]].reset_index(drop=True)
    val.to_csv(work / "val.csv", index=False)
    exe = [sys.executable, "-m", "authenticity"]
    subprocess.run([*exe, "train", str(work / "train.csv"), "--cv", "0", "-o", str(work / "zh.authm"), "--force",
                    "-q"], check=True)
    subprocess.run([*exe, "score", str(work / "val.csv"), "-o", str(work / "val_scored.csv"), "--force", "-q",
                    "--model", str(work / "zh.authm")], check=True)
    scored = pd.read_csv(work / "val_scored.csv", keep_default_na=False)
    y = (scored.label == "scripted").astype(int).to_numpy()
    p = pd.to_numeric(scored.p_scripted).to_numpy()
    q = pd.qcut(scored.text.str.len(), 4, labels=False).to_numpy()
    res = {"n_train": int((df.split == "train").sum()), "n_val": len(val), "roc_auc": roc_auc_score(y, p),
           "roc_auc_by_length_quartile": [roc_auc_score(y[q == i], p[q == i]) for i in range(4)]}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
