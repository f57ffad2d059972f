"""``authenticity train`` and the shared table loading of labeled data."""

from __future__ import annotations

import argparse
from pathlib import Path

from .._constants import MODEL_SUFFIX
from ..errors import InputError
from .common import add_input_options, note, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model from labeled posts",
                       description="Train a model from labeled posts (labels authentic/scripted or "
                       "synonyms such as 0/1, organic/sponsored, real/fake, 真实/广告), with "
                       "cross-validated metrics.")
    p.add_argument("data", metavar="DATA", help="labeled posts (.csv .tsv .jsonl .json .parquet .xlsx)")
    add_input_options(p)
    p.add_argument("--label-col", metavar="C", help="the label column (default: label, class, …)")
    p.add_argument("--group-col", metavar="C", help="hold out whole groups in cross-validation "
                   "(creator, brand, hotel …)")
    p.add_argument("--cv", type=int, default=5, metavar="K", help="cross-validation folds; 0 to skip (default 5)")
    p.add_argument("-o", "--output", default=f"model{MODEL_SUFFIX}", metavar="MODEL",
                   help=f"model file to write (default model{MODEL_SUFFIX})")
    p.add_argument("--C", dest="c", type=float, help="regularization strength (default: chosen by inner CV)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--force", action="store_true", help="overwrite an existing model file")
    p.add_argument("--json", action="store_true", help="print one JSON object with the metrics")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    p.set_defaults(run=run)


def load_labeled(args: argparse.Namespace) -> tuple[object, str, str]:
    from ..io import find_column, read_table
    from ..training import LABEL_COLUMN_NAMES, MAX_ROWS

    df = read_table(args.data, encoding=args.encoding, sheet=args.sheet, skip_bad_lines=args.skip_bad_lines,
                    max_rows=MAX_ROWS, limit_hint="use a random sample")
    if len(df) == 0:
        raise InputError(f"{args.data} has a header but no rows")
    text_col = find_column(df, args.text_col, source=args.data)
    label_col = find_column(df, args.label_col, kind="label", candidates=LABEL_COLUMN_NAMES, source=args.data)
    return df, text_col, label_col


def run(args: argparse.Namespace) -> int:
    from ..io import find_column
    from ..persist import save_model
    from ..training import train_table

    if args.cv == 1 or args.cv < 0:
        raise InputError(f"--cv must be 0 (no cross-validation) or at least 2, got {args.cv}")
    if args.c is not None and not args.c > 0:
        raise InputError(f"--C must be positive, got {args.c}")
    out = _check_model_out(args)
    df, text_col, label_col = load_labeled(args)
    group_col = None
    if args.group_col:
        group_col = find_column(df, args.group_col, kind="group", source=args.data)
    quiet = args.quiet or args.json
    model, cvm = train_table(df, text_col=text_col, label_col=label_col, group_col=group_col, cv=args.cv,
                             seed=args.seed, c=args.c, progress=lambda m: note(m, quiet))
    save_model(model, out)
    meta = model.meta
    if args.json:
        print_json({"n": meta["n"], "n_authentic": meta["n_authentic"], "n_scripted": meta["n_scripted"],
                    "skipped_rows": meta["skipped_rows"], "cv": cvm or None, "C": meta["C"],
                    "model": str(out), "data_sha256": meta["data_sha256"]})
        return 0
    print(f"trained on {meta['n']:,} posts ({meta['n_authentic']:,} authentic, {meta['n_scripted']:,} scripted)"
          + (f"; skipped {meta['skipped_rows']} rows without text or label" if meta["skipped_rows"] else ""))
    if cvm:
        how = f"grouped by {group_col}" if group_col else "stratified"
        print(f"cross-validated ({cvm['folds']} folds, {how}): accuracy {cvm['accuracy']:.3f}  "
              f"F1 {cvm['f1']:.3f}  ROC-AUC {cvm['roc_auc']:.3f}")
    print(f"model written to {out}")
    return 0


def _check_model_out(args: argparse.Namespace) -> Path:
    from ..io import check_output

    """Refuse a bad model path before training (which can take minutes), not after."""
    p = Path(args.output)
    if p.suffix.lower() != MODEL_SUFFIX:
        raise InputError(f"a model file name ends in {MODEL_SUFFIX}: give -o a name such as model{MODEL_SUFFIX} "
                         f"(got '{p.name}')")
    return check_output(p, [args.data], force=args.force, table=False)
