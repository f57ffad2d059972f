"""Shared fixtures: a small model trained on a sample of the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from authenticity.labels import parse_labels
from authenticity.model import Model, train

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return pd.read_csv(DATA / "posts.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def sample(corpus: pd.DataFrame) -> pd.DataFrame:
    """A stratified sample of 400 posts (by label and language), fixed seed."""
    shuffled = corpus.sample(frac=1.0, random_state=0)
    return shuffled.groupby(["label", "lang"]).head(67).reset_index(drop=True)


@pytest.fixture(scope="session")
def small_model(sample: pd.DataFrame) -> Model:
    model, _ = train(sample.text.tolist(), parse_labels(sample.label), cv=0, c=8.0, signal_weight=0.3)
    return model


@pytest.fixture(scope="session")
def small_model_path(small_model: Model, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from authenticity.persist import save_model

    return save_model(small_model, tmp_path_factory.mktemp("model") / "small.authm")
