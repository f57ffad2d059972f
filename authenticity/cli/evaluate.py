"""``authenticity evaluate``: metrics of a model on labeled posts."""

from __future__ import annotations

import argparse

from .common import add_input_options, add_model_option, print_json
from .train import load_labeled


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="measure a model on labeled posts",
                       description="Measure a model on labeled posts: accuracy, F1, ROC-AUC, "
                       "overall and per language.")
    p.add_argument("data", metavar="DATA", help="labeled posts (.csv .tsv .jsonl .json .parquet .xlsx)")
    add_model_option(p)
    add_input_options(p)
    p.add_argument("--label-col", metavar="C", help="the label column (default: label, class, …)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the metrics")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..persist import resolve_model
    from ..training import evaluate_table

    model = resolve_model(args.model)
    df, text_col, label_col = load_labeled(args)
    res = evaluate_table(model, df, text_col=text_col, label_col=label_col)
    if args.json:
        print_json(res)
        return 0
    print(f"{res['n']:,} posts: accuracy {res['accuracy']:.3f}  F1 {res['f1']:.3f}  "
          f"ROC-AUC {res['roc_auc']:.3f}  precision {res['precision']:.3f}  recall {res['recall']:.3f}")
    for lang, m in res["by_lang"].items():
        print(f"  {lang:6} n={m['n']:<6} accuracy {m['accuracy']:.3f}  F1 {m['f1']:.3f}  ROC-AUC {m['roc_auc']:.3f}")
    c = res["confusion"]
    print(f"authentic called scripted: {c['authentic_as_scripted']}; scripted called authentic: "
          f"{c['scripted_as_authentic']}")
    return 0
