"""Merge the corpus parts (data/parts/*.jsonl, written by this project) into data/posts.csv.

Usage: python training/build_corpus.py [--parts data/parts] [-o data/posts.csv]

Rows are kept in part order and id order; the ids are stable. The script
refuses duplicate ids or texts and prints the composition.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
COLUMNS = ["id", "text", "label", "lang", "category", "platform", "hard_case"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", default="data/parts")
    ap.add_argument("-o", "--output", default="data/posts.csv")
    args = ap.parse_args()
    rows = []
    for f in sorted(Path(args.parts).glob("*.jsonl")):
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    df = pd.DataFrame(rows)[COLUMNS]
    df["text"] = df["text"].str.strip()
    dup_id = df["id"].duplicated()
    if dup_id.any():
        raise SystemExit(f"duplicate ids: {df.id[dup_id].tolist()[:5]}")
    dup_text = df["text"].duplicated()
    if dup_text.any():
        print(f"dropping {int(dup_text.sum())} posts whose text repeats an earlier part's: "
              f"{df.id[dup_text].tolist()[:10]}", file=sys.stderr)
        df = df[~dup_text]
    df = df.sort_values("id", kind="stable")
    tmp = Path(args.output).with_suffix(".tmp")
    df.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(args.output)
    print(f"{len(df)} posts -> {args.output}")
    from corpus_stats import tables

    card = Path(__file__).with_name("data_card_head.md").read_text("utf-8") + tables(df) + "\n"
    (Path(args.output).parent / "README.md").write_text(card, "utf-8")
    print(df.groupby(["lang", "label"]).size().unstack())


if __name__ == "__main__":
    main()
