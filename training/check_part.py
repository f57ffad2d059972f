"""Validate one part of the bundled corpus (JSONL, one post per line).

Usage: python training/check_part.py data/parts/PART.jsonl

Checks the schema, allowed values, duplicate ids and texts, near-duplicates
(character 5-gram Jaccard >= 0.6), and prints counts and length balance.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter, defaultdict

CATEGORIES = {
    "skincare", "makeup", "food_drink", "restaurant", "travel_hotel", "electronics",
    "home_appliance", "fashion", "mother_baby", "fitness", "pets", "cars", "books", "apps",
}
PLATFORMS = {
    "xiaohongshu", "dianping", "weibo", "douyin", "instagram", "tiktok", "amazon",
    "taobao_jd", "forum", "tripadvisor", "yelp", "reddit",
}
HARD = {
    "", "enthusiastic_genuine", "negative_genuine", "mixed_genuine", "disclosed_honest",
    "fake_experience", "ad_with_personal_words", "short", "emoji_heavy", "fake_review",
}
FIELDS = ["id", "text", "label", "lang", "category", "platform", "hard_case"]


def shingles(text: str, k: int = 5) -> set[str]:
    t = "".join(text.lower().split())
    return {t[i : i + k] for i in range(max(1, len(t) - k + 1))}


def main(path: str) -> int:
    rows, errors = [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {n}: bad JSON ({exc})")
                continue
            if sorted(row) != sorted(FIELDS):
                errors.append(f"line {n}: fields must be exactly {FIELDS}, got {sorted(row)}")
                continue
            if row["label"] not in {"authentic", "scripted"}:
                errors.append(f"line {n}: label {row['label']!r}")
            if row["lang"] not in {"zh", "en", "mixed"}:
                errors.append(f"line {n}: lang {row['lang']!r}")
            if row["category"] not in CATEGORIES:
                errors.append(f"line {n}: category {row['category']!r}")
            if row["platform"] not in PLATFORMS:
                errors.append(f"line {n}: platform {row['platform']!r}")
            if row["hard_case"] not in HARD:
                errors.append(f"line {n}: hard_case {row['hard_case']!r}")
            if not str(row["text"]).strip():
                errors.append(f"line {n}: empty text")
            rows.append(row)
    ids = Counter(r["id"] for r in rows)
    errors += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    texts = Counter(r["text"].strip() for r in rows)
    errors += [f"duplicate text: {t[:40]!r}" for t, c in texts.items() if c > 1]
    sh = [shingles(r["text"]) for r in rows]
    # near-duplicates via inverted index on shingles
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for g in s:
            index[g].append(i)
    near = 0
    for i, s in enumerate(sh):
        cand = Counter(j for g in s for j in index[g] if j > i and len(index[g]) < 200)
        for j, inter in cand.items():
            jac = inter / len(s | sh[j])
            if jac >= 0.6:
                near += 1
                errors.append(f"near-duplicate ({jac:.2f}): {rows[i]['id']} ~ {rows[j]['id']}")
    for e in errors[:60]:
        print("ERROR", e)
    if len(errors) > 60:
        print(f"... {len(errors) - 60} more errors")
    print(f"\n{len(rows)} posts; labels {dict(Counter(r['label'] for r in rows))}")
    print("lang:", dict(Counter((r["lang"], r["label"]) for r in rows)))
    print("category:", dict(Counter((r["category"], r["label"][0]) for r in rows)))
    print("platform:", dict(Counter((r["platform"], r["label"][0]) for r in rows)))
    print("hard_case:", dict(Counter((r["hard_case"], r["label"][0]) for r in rows)))
    for lab in ("authentic", "scripted"):
        lens = [len(r["text"]) for r in rows if r["label"] == lab]
        if lens:
            q = statistics.quantiles(lens, n=4) if len(lens) > 1 else [lens[0]] * 3
            print(f"length {lab}: median {statistics.median(lens):.0f}, quartiles {[round(x) for x in q]}")
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
