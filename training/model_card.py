"""Render models/MODEL_CARD.md from training/metrics.json (called by build_default.py --card)."""

from __future__ import annotations

import pandas as pd

from authenticity.signals import SIGNALS


def _f(x: object, d: int = 3) -> str:
    return "n/a" if x is None or (isinstance(x, float) and x != x) else f"{x:.{d}f}"


def render(res: dict, df: pd.DataFrame) -> str:
    cv = res["cv"]
    lines = [
        "# Model card: `models/default.authm`",
        "",
        "The shipped default model of `authenticity`: it scores how much a post reads like scripted ad copy",
        "(`p_scripted`, a calibrated probability) rather than a raw consumer experience note.",
        "",
        "## Training data",
        "",
        f"- `data/posts.csv`: {res['n']:,} posts written by this project (see `data/README.md`), "
        f"{(df.label == 'authentic').sum():,} authentic / {(df.label == 'scripted').sum():,} scripted; "
        + ", ".join(f"{k} {v:,}" for k, v in df.lang.value_counts().items()) + ".",
        f"- SHA-256 of the (text, label) pairs: `{res['data_sha256']}`.",
        "- Rebuild exactly: `python training/build_default.py --external --card` (fixed seed; same data → same file).",
        "- Never trained on the evaluation corpora in `../shared/corpora`.",
        "",
        "## Model",
        "",
        "Hashed character 1–4-grams and word 1–2-grams (TF-IDF, sublinear tf, L2 per block) plus 20 named style",
        "signals, a logistic regression with balanced class weights, Platt-calibrated on out-of-fold decisions.",
        f"Chosen by inner cross-validation: C = {res['C']}, signal weight = {res['signal_weight']}.",
        "",
        "## Cross-validated figures on `data/`",
        "",
        f"Grouped {cv.get('folds', 5)}-fold cross-validation ({res['near_duplicate_groups']:,} groups: near-identical "
        "posts, character 5-gram Jaccard ≥ 0.5, are held out together), nested (vocabulary, idf, C and signal "
        "weight learned inside each training fold):",
        "",
        "| | n | accuracy | F1 | ROC-AUC |",
        "|---|---|---|---|---|",
        f"| all | {cv['n']:,} | {_f(cv['accuracy'])} | {_f(cv['f1'])} | {_f(cv['roc_auc'])} |",
    ]
    for lang, m in res.get("cv_by_lang", {}).items():
        lines.append(f"| {lang} | {m['n']:,} | {_f(m['accuracy'])} | {_f(m['f1'])} | {_f(m['roc_auc'])} |")
    lines += [
        "",
        "These figures are optimistic: the corpus was written by one project, so its two classes differ in ways",
        "real posts may not. The zero-shot figures below, on text nobody here wrote, are the honest ones.",
        "",
        "Per category (accuracy): " + ", ".join(
            f"{k} {_f(m['accuracy'], 2)}" for k, m in res.get("cv_by_category", {}).items()) + ".",
        "",
        "## Zero-shot figures on real corpora (`../shared/corpora`)",
        "",
    ]
    ext = res.get("external") or {}
    if not ext:
        lines.append("Not measured in this build (run with `--external` where `../shared/corpora` exists).")
    else:
        if "op_spam_positive" in ext:
            e = ext["op_spam_positive"]
            lines.append(f"- **op_spam_positive** (English hotel reviews, truthful vs written to order, n={e['n']}): "
                         f"ROC-AUC **{_f(e['roc_auc'])}**, accuracy {_f(e['accuracy'])}.")
        if "zhihu16k_val" in ext:
            e = ext["zhihu16k_val"]
            q = " / ".join(_f(v) for v in e["roc_auc_by_length_quartile"])
            lines.append(f"- **zhihu16k** val (Chinese Zhihu answers, advertorial vs normal, n={e['n']}): ROC-AUC "
                         f"**{_f(e['roc_auc'])}**; within length quartiles {q}; flags {_f(e['flagged_ads'], 2)} of "
                         f"ads and {_f(e['flagged_normal'], 2)} of normal answers.")
        if "online_shopping_10_cats" in ext:
            e = ext["online_shopping_10_cats"]
            worst = sorted(e["by_category"].items(), key=lambda kv: -kv[1])[:3]
            lines.append(f"- **online_shopping_10_cats** (real Chinese e-commerce reviews, all authentic, "
                         f"n={e['n']:,}): "
                         f"flagged as scripted **{_f(e['flagged_share'] * 100, 1)}%** (the false-positive rate); "
                         "highest in " + ", ".join(f"{k} {_f(v * 100, 1)}%" for k, v in worst) + ".")
        if "webis_native_ads" in ext:
            e = ext["webis_native_ads"]
            lines.append(f"- **webis_native_ads** (machine-written answers with/without an inserted ad, n={e['n']:,}): "
                         f"ROC-AUC {_f(e['roc_auc'])}; flags {_f(e['flagged_ads'], 2)} of ad answers and "
                         f"{_f(e['flagged_plain'], 2)} of plain ones (machine-written prose reads scripted to it).")
    os_ = ext.get("online_shopping_10_cats", {})
    op = ext.get("op_spam_positive", {})
    if os_ or op:
        lines += ["", "### Where it falls short, and why", ""]
    if os_:
        q = " / ".join(f"{v * 100:.1f}%" for v in os_.get("flagged_by_length_quartile", []))
        sent = ", ".join(f"{k} {v * 100:.1f}%" for k, v in os_.get("flagged_by_sentiment", {}).items())
        lines += [
            f"- **False positives on real e-commerce reviews ({_f(os_['flagged_share'] * 100, 1)}%, target ≤ 10%).** "
            f"By length quartile (shortest first): {q}; by the review's sentiment: {sent}. The shortest reviews carry "
            "the least evidence, so a single cue decides them. The explanations of flagged reviews show what the "
            "model over-learned from the corpus: exclamation marks and commas as tokens, words such as 非常, 都, "
            "京东 (which the corpus's soft ads name often), and the *absence* of first-person words and of caveats, "
            "which the style signals count against a post (the signals are centred on the corpus mean, so a terse "
            "review with no 我 and no 但是 is pushed toward scripted). Phones and dairy are the worst categories: "
            "real buyers there repeat specifications and brand names the way ad copy does.",
        ]
    if op:
        lines += [
            f"- **Written-to-order hotel reviews (ROC-AUC {_f(op['roc_auc'])}, target 0.75).** It flags "
            f"{_f(op.get('flagged_deceptive', float('nan')) * 100, 0)}% of the fakes but also "
            f"{_f(op.get('flagged_truthful', float('nan')) * 100, 0)}% of the truthful reviews. The corpus's "
            "written-to-order hotel reviews lean on a narrow set of phrases (\"highly recommend\", \"would "
            "definitely stay\", \"excellent\", \"comfortable\") that real happy guests use as well; the "
            "truthful reviews it flags are exactly the enthusiastic ones. A detector trained on other fake "
            "reviews gets about 0.70 here in the literature; training on this corpus itself reaches 0.96 "
            "(see the README), so the gap is one of genre coverage, not of the method.",
        ]
    sw = res.get("signal_weights", {})
    lines += ["", "## Style signals and their weights", "",
              "Weight per standard deviation of the signal, in calibrated log-odds (positive: toward scripted).", "",
              "| signal | weight | what it measures |", "|---|---|---|"]
    for s in sorted(SIGNALS, key=lambda s: -abs(sw.get(s.name, 0))):
        lines.append(f"| `{s.name}` | {sw.get(s.name, 0):+.3f} | {s.description} |")
    tw = res.get("top_words", {})
    if tw:
        lines += ["", "Word n-grams with the largest weights: toward scripted — "
                  + ", ".join(f"`{w}`" for w, _ in tw["scripted"][:12]) + "; toward authentic — "
                  + ", ".join(f"`{w}`" for w, _ in tw["authentic"][:12]) + "."]
    lines += [
        "",
        "## Intended use",
        "",
        "- Ranking and triage of posts by how scripted they read; draft checks before publishing; campaign audits.",
        "- A score is evidence to look at, with its reasons, not a verdict on a person. Do not use it alone to",
        "  accuse a creator of undisclosed advertising, to withhold payment, or to moderate content automatically.",
        "",
        "## Known limits and failure modes",
        "",
        "- Trained on text written by this project: voice, brand names and topics of the corpus leak into the model.",
        "  Real brands appear more often in authentic posts of the corpus and invented brands in scripted ones.",
        "- Disclosure words (`#ad`, `link in bio`, `use code`) are strong scripted cues in the corpus; an",
        "  undisclosed ad written in a plain voice can pass.",
        "- Very short posts carry little evidence; their scores stay near the middle or follow a single word.",
        "- Machine-written, polished prose (chatbot answers) reads scripted to the model even without an ad.",
        "- Genres not in the corpus (news, fiction, long essays) are out of scope.",
    ]
    return "\n".join(lines) + "\n"
