"""Fixtures for the analysis tests: paths and a random-response factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.profile import load_profile

DATA = Path(__file__).resolve().parent.parent / "data" / "analysis"
#: answer codes a respondent can give to a satisfaction question (None = blank)
ANSWERS = (None, 0, 1, 2, 3, 4, 5)


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def make_responses() -> Callable[..., pd.DataFrame]:
    """Factory: ``make_responses(n, seed, units=("U1",), p=None)`` → tidy responses, profile sipas-2024."""

    def make(
        n: int, seed: int = 0, units: tuple[str, ...] = ("U1",), p: tuple[float, ...] | None = None
    ) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        prof = load_profile("sipas-2024")
        weights = p or (0.05, 0.1, 0.05, 0.1, 0.2, 0.3, 0.2)
        df = pd.DataFrame(
            {
                "response_id": pd.Series([f"r{i:04d}" for i in range(n)], dtype="str"),
                "profile": pd.Series(["sipas-2024"] * n, dtype="str"),
                "unit_code": pd.Series(rng.choice(list(units), size=n), dtype="str"),
                "field_code": pd.Series(rng.choice(["land", "civil"], size=n), dtype="str"),
            }
        )
        for code in prof.item_codes:
            picks = rng.choice(len(ANSWERS), size=n, p=weights)
            df[code] = pd.array([ANSWERS[i] for i in picks], dtype="Int64")
        return df

    return make
